"""Grammalecte's worker: run by the interpreter Grammalecte is installed for (Debian's
`python3-grammalecte`, for /usr/bin/python3), never imported by factcheck (GPL-3: it is a separate
program that factcheck talks to through a pipe). Standard library and Grammalecte only.

Protocol, JSON lines: it first writes {"ready": true, "version": …} (or {"ready": false, "error": …}
and exits), then answers each request line with one line:
- {"op": "check", "texts": [...], "options": {...}} -> {"results": [{"grammar": [...], "spelling": [...]}]}
  (each error: start, end, rule, type, message, suggestions; spelling: start, end, word);
- {"op": "suggest", "words": [...]} -> {"suggestions": [[...], ...]};
- {"op": "morph", "words": [...]} -> {"morphs": [[...], ...]} (the lexicon's analyses of each word,
  as Grammalecte writes them: ">vélo/:N:m:s*", ">statistique/:A:e:p*");
- {"op": "version"} -> {"version": …}.
It ends when its input closes.
"""

import json
import sys
from typing import Any

MAX_SUGGESTIONS = 6


def main() -> int:
    try:
        import grammalecte

        checker = grammalecte.GrammarChecker("fr")
        engine = checker.getGCEngine()
        speller = checker.getSpellChecker()
    except Exception as exc:  # not installed for this interpreter, or broken
        print(json.dumps({"ready": False, "error": f"{type(exc).__name__}: {exc}"}), flush=True)
        return 1
    version = str(getattr(engine, "version", "?"))
    print(json.dumps({"ready": True, "version": version}), flush=True)
    for line in sys.stdin:
        try:
            request = json.loads(line)
            answer = _answer(request, engine, speller, version)
        except Exception as exc:  # a bad request or an engine error: said, the worker goes on
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0


def _answer(request: dict, engine: Any, speller: Any, version: str) -> dict:
    op = request.get("op")
    if op == "check":
        options = None
        if request.get("options"):  # over Grammalecte's defaults (a dict given replaces them all)
            options = dict(engine.getOptions())
            options.update(request["options"])
        results = []
        for text in request["texts"]:
            grammar = [
                {
                    "start": e["nStart"],
                    "end": e["nEnd"],
                    "rule": e["sRuleId"],
                    "type": e["sType"],
                    "message": e["sMessage"],
                    "suggestions": list(e["aSuggestions"])[:MAX_SUGGESTIONS],
                }
                for e in engine.parse(text, "FR", bDebug=False, dOptions=options, bContext=False)
            ]
            spelling = [
                {"start": e["nStart"], "end": e["nEnd"], "word": e["sValue"]}
                for e in speller.parseParagraph(text, False)
            ]
            results.append({"grammar": grammar, "spelling": spelling})
        return {"results": results}
    if op == "suggest":
        out = []
        for word in request["words"]:
            found = []
            for group in speller.suggest(word, MAX_SUGGESTIONS):
                found.extend(group)
            out.append(found[:MAX_SUGGESTIONS])
        return {"suggestions": out}
    if op == "morph":
        return {"morphs": [list(speller.getMorph(word) or []) for word in request["words"]]}
    if op == "version":
        return {"version": version}
    return {"error": f"unknown op {op!r}"}


if __name__ == "__main__":
    sys.exit(main())
