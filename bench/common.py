"""Timing helpers shared by the benchmarks: medians of repeated runs, in the same process or in new
processes, and the files the benchmarks read."""

from __future__ import annotations

import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
PRESS_RELEASE = CORPUS / "2024-02-26-communique-bilan-beta-gouv.md"
BILAN_2024_MD = CORPUS / "bilan-2024.md"
SHARED = ROOT.parent / "shared"
BILAN_2024_PDF = SHARED / "pdf" / "betagouv_bilan_2024.pdf"
REGISTRY = SHARED / "reference" / "betagouv"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def warm(func: Callable[[], object], runs: int) -> float:
    """Median wall time of `func` after one untimed call (caches, lazy imports)."""
    func()
    return median_of(func, runs)


def median_of(func: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def timed(cmd: list[str], runs: int, cwd: Path = ROOT) -> float:
    """Median wall time of a command run in a new process (output discarded; a failure stops the run)."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        samples.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return statistics.median(samples)


def registry_in(folder: Path):
    """The beta.gouv.fr registry imported into `folder` and loaded (None without ../shared)."""
    if not REGISTRY.exists():
        return None
    from extractor.profiles.betagouv.registry import import_betagouv
    from extractor.reference.store import load_registry

    import_betagouv(REGISTRY, folder / "reference.sqlite")
    return load_registry(folder / "reference.sqlite")


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "?")  # fmt: skip
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, Python {platform.python_version()}"


def row(label: str, seconds: float, ratio: float | None = None, note: str = "") -> None:
    ratio_text = f"{ratio:6.2f}x" if ratio is not None else " " * 7
    print(f"  {label:<34}{seconds * 1000:10.1f} ms  {ratio_text}  {note}".rstrip())


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of a command (its worker processes included)."""
    cpu, start = children_cpu(), time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode()[-800:]}")
    return wall, children_cpu() - cpu


def median(values: list[tuple[float, float]]) -> tuple[float, float]:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def writable_copy(source: Path, copy: Path) -> Path:
    """A copy of a read-only tree (../shared) whose files the bench may change."""
    shutil.copytree(source, copy)
    for item in copy.rglob("*"):
        item.chmod(0o755 if item.is_dir() else 0o644)
    return copy


def pdfium_text(data: bytes) -> None:
    """The floor of reading a PDF: pypdfium2's raw text of every page (bench/site.py's floor and
    bench/pdf_reader.py's). Raises pypdfium2.PdfiumError for a file PDFium cannot open."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    for index in range(len(document)):
        page = document[index]
        textpage = page.get_textpage()
        textpage.get_text_range()
        textpage.close()
        page.close()
    document.close()


# The peak resident memory of the process since its exec (VmHWM), printed at its exit: wait4's
# ru_maxrss would count the pages the child shares with this process when it is forked.
PEAK = (
    "import atexit, sys\n"
    "def peak():\n"
    "    kb = [line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM')]\n"
    "    print('peak_kb', kb[0], file=sys.stderr)\n"
    "atexit.register(peak)\n"
)


def in_child(code: str, args: list[str], env: dict[str, str] | None = None) -> tuple[str, float, int, int, float]:
    """Runs `python -c code args`; returns its stdout, wall seconds, exit code, peak resident
    memory (MB, VmHWM) and CPU seconds (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", PEAK + code, *args], cwd=ROOT, capture_output=True, env=env, check=False
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    peak = child.stderr.decode(errors="replace").rsplit("peak_kb", 1)
    rss = int(peak[1].split()[0]) // 1024 if len(peak) == 2 else -1
    return child.stdout.decode(), seconds, child.returncode, rss, cpu


CHECK = "from extractor.cli import main\nmain()\n"  # `factcheck` in a new process, for in_child
