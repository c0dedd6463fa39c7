"""Time, peak memory and exit code of `factcheck check HOSTILE voisin.md` for the hostile inputs
of issue 24 (items 1 and 9), one process each.

    PYTHONPATH=. python bench/hostile.py [--timeout S] [--only NAME ...] [--dir DIR]

The inputs are generated once into DIR (default /tmp/factcheck-hostile; the PDF bombs take a
few seconds to compress). The peak is the largest resident set of the check process or any
process it started (getrusage of the children), so that it is known even when the check is killed
at the timeout. Run it with PYTHONPATH pointing at another checkout to measure that code.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import samples


def _deflated_spaces(megabytes: int) -> bytes:
    packer = zlib.compressobj(9)
    chunk = b" " * 1_000_000
    parts = [packer.compress(chunk) for _ in range(megabytes)]
    parts.append(packer.flush())
    return b"".join(parts)


def bomb(megabytes: int, dictionary: bytes, between: bytes = b"\n") -> bytes:
    """One page whose content stream inflates to `megabytes` MB, with this stream dictionary
    (`%d` for its length) and these bytes between `>>` and `stream`."""
    packed = _deflated_spaces(megabytes)
    head = dictionary % len(packed)
    return samples._with_stream(head + between + b"stream\n" + packed + b"\nendstream")


CASES: dict[str, tuple[str, Callable[[Path], None]]] = {}


def case(name: str, file: str) -> Callable[[Callable[[Path], None]], Callable[[Path], None]]:
    def register(make: Callable[[Path], None]) -> Callable[[Path], None]:
        CASES[name] = (file, make)
        return make

    return register


def _write(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


@case("pdf-escaped-name", "echappe.pdf")
def _(path: Path) -> None:
    path.write_bytes(bomb(5_000, b"<< /Length %d /Filter /Flate#44ecode >>"))


@case("pdf-image-subtype", "image.pdf")
def _(path: Path) -> None:
    path.write_bytes(bomb(5_000, b"<< /Length %d /Subtype /Image /Filter /FlateDecode >>"))


@case("pdf-comment", "commentaire.pdf")
def _(path: Path) -> None:
    path.write_bytes(bomb(5_000, b"<< /Length %d /Filter /FlateDecode >>", b" % note\n"))


@case("pdf-escaped-2gb", "echappe2g.pdf")
def _(path: Path) -> None:
    path.write_bytes(bomb(2_000, b"<< /Length %d /Filter /Flate#44ecode >>"))


@case("html-200k-td", "tableau.html")
def _(path: Path) -> None:
    rows = "".join("<tr>" + "<td>1</td>" * 10 + "</tr>" for _ in range(20_000))
    path.write_text(f"<html><body><table>{rows}</table></body></html>")


@case("md-table-20000x10", "tableau.md")
def _(path: Path) -> None:
    row = "|" + " 12 |" * 10 + "\n"
    path.write_text("|" + " a |" * 10 + "\n|" + "---|" * 10 + "\n" + row * 20_000)


@case("tsv-200k-cells", "tableau.txt")
def _(path: Path) -> None:
    path.write_text(("\t".join(["12"] * 10) + "\n") * 20_000)


@case("yaml-10mb-value", "valeur.md")
def _(path: Path) -> None:
    path.write_text("---\ndescription: " + "mot " * 2_500_000 + "\n---\n\n12 services.\n")


@case("md-one-row-200k", "ligne-tableau.md")
def _(path: Path) -> None:
    path.write_text("|" + " a |" * 200_000 + "\n|" + "---|" * 200_000 + "\n|" + " 1 |" * 200_000 + "\n")


@case("md-unterminated-comment", "commentaire.md")
def _(path: Path) -> None:
    path.write_text("Début.\n\n<!--" + "du texte sans fin " * 580_000 + "\n")


@case("html-unterminated-comment", "commentaire.html")
def _(path: Path) -> None:
    path.write_text("<p>Début.</p><!--" + "du texte sans fin " * 580_000 + "\n")


@case("line-49mib", "ligne.txt")
def _(path: Path) -> None:
    sentence = b"Il y a 12 services et 3 incubateurs, soit 15 au total. "
    path.write_bytes(sentence * (49 * 1024 * 1024 // len(sentence)))


@case("two-million-figures", "chiffres.md")
def _(path: Path) -> None:
    path.write_text(" ".join(str(i % 10) for i in range(2_000_000)) + "\n")


@case("fifo", "tube.md")
def _(path: Path) -> None:
    os.mkfifo(path)


@case("symlink-dev-zero", "zero.pdf")
def _(path: Path) -> None:
    path.symlink_to("/dev/zero")


WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "started = time.monotonic()\n"
    "child = subprocess.Popen(sys.argv[2:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)\n"
    "try:\n"
    "    out, _ = child.communicate(timeout=float(sys.argv[1]))\n"
    "    code = child.returncode\n"
    "except subprocess.TimeoutExpired:\n"
    "    child.kill(); out, _ = child.communicate(); code = 'timeout'\n"
    "seconds = time.monotonic() - started\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024\n"
    "sys.stdout.write(f'{seconds:.1f} {peak} {code}\\n')\n"
    "sys.stdout.write(out.decode(errors='replace')[-400:])\n"
)


def measure(hostile: Path, timeout: float) -> tuple[str, str, str, str]:
    neighbour = hostile.parent / "voisin.md"
    neighbour.write_text("Voir la section X.\n", encoding="utf-8")
    command = [sys.executable, "-m", "extractor", "check", str(hostile), str(neighbour), "--corpus", "/nonexistent"]
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, str(timeout), *command],
        capture_output=True, text=True, cwd=hostile.parent,
    )  # fmt: skip
    first, _, output = done.stdout.partition("\n")
    seconds, peak, code = first.split()
    return seconds, peak, code, output


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--dir", default="/tmp/factcheck-hostile")
    args = parser.parse_args()
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    print("| case | seconds | peak MB | exit | error for the file (or last line) |")
    print("|---|---|---|---|---|")
    for name, (file, make) in CASES.items():
        if args.only and name not in args.only:
            continue
        case_dir = folder / name
        case_dir.mkdir(exist_ok=True)
        hostile = case_dir / file
        if not hostile.exists() and not hostile.is_symlink():
            make(hostile)
        seconds, peak, code, output = measure(hostile, args.timeout)
        errors = [line for line in output.splitlines() if line.startswith("erreur de lecture") and file in line]
        other = output.strip().splitlines()
        text = (errors or other or [""])[-1].split(" : ", 1)[-1]
        print(f"| {name} | {seconds} | {peak} | {code} | {text.strip()[:140].replace('|', '/')} |", flush=True)


if __name__ == "__main__":
    main()
