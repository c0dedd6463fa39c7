"""The LanguageTool-compatible endpoint (issue 26, item 5): `POST /v2/check` answers LanguageTool's
JSON with factcheck's findings, at the offsets LanguageTool's clients expect (UTF-16 code units of
the text sent, as Java counts), and a real client (`language_tool_python`) reads them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from extractor.service.app import Settings, create_app
from tests.conftest import CORPUS, REFERENCE, need

# Before each finding an emoji (two UTF-16 code units, one Python character), accents, a decomposed
# accent (NFD), non-breaking spaces, CRLF line ends and a lone CR: the offsets must hold through all.
TEXT = (
    "# Bilan 😀 de l’été\r\n\r\n"
    "Le budget est de 3\u00a0001\u00a0€ 🎉. Il est réparti ainsi :\r\n\r\n"
    "- 1\u00a0000\u00a0€ pour le design ;\r\n"
    "- 2\u00a0000\u00a0€ pour le développement.\r\n\r\n"
    "Une e\u0301quipe 🚀 a mené une expérimentation avec les utilisateurs et la dévelopement continue.\r"
    "Voir la **section X** 👍.\r\n"
)
SUMS = ["3\u00a0001\u00a0€", "1\u00a0000\u00a0€", "2\u00a0000\u00a0€"]


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> TestClient:
    folder = tmp_path_factory.mktemp("languagetool")
    settings = Settings(reference=folder / "none.sqlite", corpus=CORPUS, index=folder / "index.sqlite",
                        max_bytes=200_000, workers=1)  # fmt: skip
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def check(client: TestClient, **fields: str) -> dict:
    response = client.post("/v2/check", data={"language": "fr", **fields})
    assert response.status_code == 200, response.text
    return response.json()


def covered(text: str, offset: int, length: int) -> str:
    """What LanguageTool's offset and length cover: Java string indices, UTF-16 code units."""
    units = text.encode("utf-16-le")
    return units[2 * offset : 2 * (offset + length)].decode("utf-16-le")


def by_rule(answer: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for match in answer["matches"]:
        found.setdefault(match["rule"]["id"], []).append(match)
    return found


def spelling_ran(answer: dict) -> bool:
    return "text/spelling" not in {s["rule"] for s in answer["factcheck"]["skipped"]}


def test_every_finding_is_a_match_at_its_utf16_place(client: TestClient) -> None:
    answer = check(client, text=TEXT)
    assert answer["software"]["apiVersion"] == 1 and answer["language"]["code"] == "fr"
    found = by_rule(answer)
    sums = found["arithmetic/sum-mismatch"]  # one finding, a match for each of its three places
    assert [covered(TEXT, m["offset"], m["length"]) for m in sums] == SUMS
    assert {m["rule"]["category"]["id"] for m in sums} == {"FACTCHECK_ARITHMETIC"}
    assert sums[0]["rule"]["issueType"] == "numbers" and "3\u00a0001\u00a0€" in sums[0]["message"]
    assert sums[0]["message"].endswith("Corriger le total ou l'une des parties.")  # what to do, no replacement
    [placeholder] = found["text/placeholder"]
    assert covered(TEXT, placeholder["offset"], placeholder["length"]) == "section X"  # inside the Markdown bold
    assert placeholder["rule"]["description"] == "Texte provisoire oublié"
    [decomposed] = found["text/invisible-character"]
    assert covered(TEXT, decomposed["offset"], decomposed["length"]) == "e\u0301quipe"
    if spelling_ran(answer):
        [typo] = found["text/spelling"]
        assert covered(TEXT, typo["offset"], typo["length"]) == "dévelopement"
        assert typo["rule"]["category"]["id"] == "TYPOS" and typo["rule"]["issueType"] == "misspelling"
        assert typo["replacements"] == [{"value": "développement"}]
    assert [m["offset"] for m in answer["matches"]] == sorted(m["offset"] for m in answer["matches"])
    for match in answer["matches"]:
        context = match["context"]
        assert covered(context["text"], context["offset"], context["length"]) == covered(
            TEXT, match["offset"], match["length"]
        )
        assert "\r" not in context["text"] and "\n" not in context["text"]
    assert placeholder["sentence"] == "Voir la **section X** 👍."


def test_annotated_data_counts_markup_but_does_not_check_it(client: TestClient) -> None:
    parts = [
        {"markup": "<!-- la section X plus tard -->", "interpretAs": ""},
        {"text": "Un mot 😀 : voir la "},
        {"markup": "<b>"},
        {"text": "section X"},
        {"markup": "</b>"},
        {"markup": "<p>", "interpretAs": "\n\n"},
        {"text": "Le budget 🎉 est de 3\u00a0001\u00a0€. Il est réparti ainsi :"},
        {"markup": "<ul><li>", "interpretAs": "\n\n- "},
        {"text": "1\u00a0000\u00a0€ pour le design ;"},
        {"markup": "</li><li>", "interpretAs": "\n- "},
        {"text": "2\u00a0000\u00a0€ pour le développement."},
        {"markup": "</li></ul>"},
    ]
    whole = "".join(p.get("text", p.get("markup", "")) for p in parts)
    answer = check(client, data=json.dumps({"annotation": parts}))
    found = by_rule(answer)
    [placeholder] = found["text/placeholder"]  # the one in the markup is not checked
    assert covered(whole, placeholder["offset"], placeholder["length"]) == "section X"
    assert placeholder["sentence"] == "Un mot 😀 : voir la section X"  # the text as read, without its markup
    sums = [covered(whole, m["offset"], m["length"]) for m in found["arithmetic/sum-mismatch"]]
    assert sums == SUMS


@pytest.mark.parametrize(("language", "code"), [("fr", "fr"), ("fr-FR", "fr-FR"), ("auto", "fr")])
def test_french_is_accepted_as_clients_name_it(client: TestClient, language: str, code: str) -> None:
    answer = check(client, text="Voir la section X.", language=language)
    assert answer["language"]["code"] == code and answer["language"]["detectedLanguage"]["code"] == code
    assert [m["rule"]["id"] for m in answer["matches"]] == ["text/placeholder"]


def plain_error(response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/plain"), response.headers
    assert response.headers["x-factcheck-error"] == code
    assert response.text.startswith("Erreur : ") and "À faire : " in response.text
    return response.text


def test_errors_are_plain_french_text_as_languagetool_gives_them(client: TestClient) -> None:
    english = plain_error(client.post("/v2/check", data={"text": "Hello", "language": "en-US"}), 400,
                          "unsupported_language")  # fmt: skip
    assert "« en-US »" in english and "français" in english
    missing = client.post("/v2/check", data={"text": "x"})
    assert "« language » absent" in plain_error(missing, 400, "unsupported_language")
    plain_error(client.post("/v2/check", data={"language": "fr"}), 400, "missing_text")
    both = client.post("/v2/check", data={"language": "fr", "text": "a", "data": '{"annotation": []}'})
    plain_error(both, 400, "missing_text")
    bad = plain_error(client.post("/v2/check", data={"language": "fr", "data": "{"}), 400, "invalid_data")
    assert "JSON" in bad and "ligne 1" in bad
    odd = client.post("/v2/check", data={"language": "fr", "data": '{"annotation": [{"texte": "a"}]}'})
    assert "élément 1" in plain_error(odd, 400, "invalid_data")
    plain_error(client.post("/v2/check", json={"text": "a", "language": "fr"}), 415, "unsupported")
    plain_error(client.post("/v2/check", data={"language": "fr", "text": "Un mot. " * 30_000}), 413, "too_large")
    empty = check(client, text=" \r\n")  # an empty file in an editor: no match, no error
    assert empty["matches"] == []
    assert check(client, data=json.dumps({"annotation": [{"markup": "<p></p>"}]}))["matches"] == []


def test_rules_and_categories_can_be_turned_off(client: TestClient) -> None:
    text = "Voir la section X.\n\nLe budget est de 3 001 €. Il est réparti ainsi :\n\n- 1 000 € ;\n- 2 000 €.\n"
    rules = lambda answer: {m["rule"]["id"] for m in answer["matches"]}  # noqa: E731
    assert rules(check(client, text=text)) == {"text/placeholder", "arithmetic/sum-mismatch"}
    assert rules(check(client, text=text, disabledRules="text/placeholder")) == {"arithmetic/sum-mismatch"}
    assert rules(check(client, text=text, disabledCategories="FACTCHECK_ARITHMETIC")) == {"text/placeholder"}
    both = check(client, text=text, enabledRules="text/placeholder")  # turns a rule on, not the others off
    assert rules(both) == {"text/placeholder", "arithmetic/sum-mismatch"}
    only = check(client, text=text, enabledOnly="true", enabledRules="arithmetic/sum-mismatch")
    assert rules(only) == {"arithmetic/sum-mismatch"}


def test_languages_and_the_schema(client: TestClient) -> None:
    languages = client.get("/v2/languages").json()
    assert {language["longCode"] for language in languages} == {"fr", "fr-FR"}
    assert {language["code"] for language in languages} == {"fr"}
    operation = client.get("/openapi.json").json()["paths"]["/v2/check"]["post"]
    form = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert {"text", "data", "language", "disabledRules"} <= set(form["properties"])
    assert "text/plain" in operation["responses"]["400"]["content"]


def test_names_of_the_registry_come_with_their_replacement(tmp_path: Path) -> None:
    from extractor.profiles.betagouv.registry import import_betagouv

    import_betagouv(need(REFERENCE), tmp_path / "reference.sqlite")
    settings = Settings(reference=tmp_path / "reference.sqlite", corpus=CORPUS, index=tmp_path / "index.sqlite",
                        workers=1)  # fmt: skip
    text = "Ça 😀 marche : **Franche Chaleur Urbaine**.\n"
    with TestClient(create_app(settings)) as client:
        [typo] = [m for m in check(client, text=text)["matches"] if m["rule"]["id"] == "reference/name-typo"]
    assert covered(text, typo["offset"], typo["length"]) == "Franche Chaleur Urbaine"
    assert typo["replacements"] == [{"value": "France Chaleur Urbaine"}] and typo["rule"]["issueType"] == "misspelling"


def test_a_languagetool_client_reads_the_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`language_tool_python` (from the package index) against a running `factcheck serve`."""
    language_tool_python = pytest.importorskip("language_tool_python")
    from tests.server import serving

    def no_local_server(self) -> None:
        raise AssertionError("language_tool_python tried to download or start LanguageTool itself")

    monkeypatch.setattr(language_tool_python.LanguageTool, "_start_local_server", no_local_server)
    with serving(tmp_path, "--corpus", str(CORPUS), "--workers", "1") as server:
        with pytest.raises(ValueError, match="en-US"):  # the client reads /v2/languages: French only
            language_tool_python.LanguageTool("en-US", remote_server=server.url)
        tool = language_tool_python.LanguageTool("fr", remote_server=server.url)
        matches = tool.check(TEXT)
        # The client turns LanguageTool's UTF-16 offsets into Python's: TEXT[offset:offset + length].
        placed = {(m.rule_id, TEXT[m.offset : m.offset + m.error_length]) for m in matches}
        assert {("text/placeholder", "section X"), *(("arithmetic/sum-mismatch", s) for s in SUMS)} <= placed
        assert {m.category for m in matches if m.rule_id == "text/placeholder"} == {"FACTCHECK_TEXT"}
        if ("text/spelling", "dévelopement") not in placed:
            pytest.skip("no French dictionary (hunspell-fr): text/spelling did not run, nothing to correct")
        assert tool.correct(TEXT) == TEXT.replace("dévelopement", "développement")
        tool.disable_spellchecking()  # the client turns off LanguageTool's TYPOS category
        assert "text/spelling" not in {m.rule_id for m in tool.check(TEXT)}
        tool.close()


@pytest.mark.parametrize(
    ("suggestion", "values"),
    [
        ("Écrire « développement ».", ["développement"]),
        ("Écrire «\u00a0basés\u00a0», «\u00a0basées\u00a0» ou «\u00a0basé\u00a0».", ["basés", "basées"]),
        ("Écrire « #bilan », ou renommer le titre.", []),  # a choice of what to do: no replacement
        ("Corriger le total ou l'une des parties.", []),
        (None, []),
    ],
)
def test_a_fix_to_write_is_a_replacement(suggestion: str | None, values: list[str]) -> None:
    from extractor.models import Finding, Severity
    from extractor.service.languagetool import replacements

    finding = Finding(rule="text/grammar", severity=Severity.warning, message_fr="…", evidence=[],
                      suggestion=suggestion)  # fmt: skip
    assert replacements(finding, "basé") == values
