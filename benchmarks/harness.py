"""What the benchmarks share: best-of-N wall time, peak resident memory (of this process or
of a command), the machine they ran on, and the sections of ``results.md``.

Not a test and not part of the package: the scripts of ``benchmarks/`` import it from their
own folder (``python benchmarks/bench_reports.py`` puts that folder on ``sys.path``).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, Final, TypeVar

T = TypeVar("T")

HERE: Final = Path(__file__).resolve().parent
RESULTS: Final = HERE / "results.md"
MIB: Final = 1024 * 1024
TITLE: Final = "# Benchmark results"
INTRO: Final = (
    "Written by `python benchmarks/run.py` (all benchmarks, with a summary) or by one "
    "`benchmarks/bench_*.py`, which replaces its own section. See README.md for what is "
    "measured and how, and docs/performance.md for the figures against their targets."
)
#: Sections come in this order; compute scales (``scale AxPxI``) follow, smallest first.
SECTION_ORDER: Final = ("bench summary", "bench reports", "bench validate")


# --- measuring -----------------------------------------------------------------------------


def load_average() -> float:
    """The 1-minute load average (0 where the system does not say)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


def status_bytes(field: str, pid: str = "self") -> int | None:
    """A ``VmRSS``/``VmHWM`` line of /proc/<pid>/status in bytes (None off Linux)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return None


def release_free_memory() -> None:
    gc.collect()
    # Hand freed heap pages back to the OS so that reusing them cannot hide a stage's growth.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def reset_peak() -> bool:
    """Reset the kernel's resident-set high-water mark to the current RSS (Linux ≥ 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_bytes() -> int:
    peak = status_bytes("VmHWM")
    if peak is not None:
        return peak
    return _maxrss_bytes(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _maxrss_bytes(maxrss: int) -> int:
    return int(maxrss) * (1 if sys.platform == "darwin" else 1024)


def measure(work: Callable[[], T], *, runs: int = 3) -> tuple[dict[str, Any], T]:
    """Wall time of ``work`` (best of ``runs``), its CPU time (best of ``runs``: the time
    it would take on an idle machine, being single-threaded), the peak resident memory above
    what the process held before the first run, and the 1-minute load average before it.

    Returns the measurements and the last run's result."""
    release_free_memory()
    load = load_average()
    baseline = status_bytes("VmRSS") or peak_bytes()
    exact = reset_peak()
    times: list[float] = []
    cpu: list[float] = []
    last: T | None = None
    for _ in range(max(runs, 1)):
        last = None  # drop the previous result first, so runs never overlap in memory
        start, start_cpu = time.perf_counter(), time.process_time()
        last = work()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    peak = peak_bytes()
    record = {
        "seconds": min(times),
        "cpu_seconds": min(cpu),
        "times": times,
        "runs": len(times),
        "load": load,
        "peak_bytes": peak,
        "extra_bytes": max(peak - baseline, 0),
        "exact_peak": exact,
    }
    assert last is not None
    return record, last


def run_command(
    command: Sequence[str], *, runs: int = 3, cwd: Path | None = None, expect: int = 0
) -> dict[str, Any]:
    """Wall time of a command (best of ``runs``, each in a fresh process, interpreter start
    included), its CPU time (user + system, best of ``runs``) and its peak resident memory
    (``ru_maxrss`` of the child), both from ``wait4``."""
    times: list[float] = []
    cpu: list[float] = []
    peaks: list[int] = []
    load = load_average()
    for _ in range(max(runs, 1)):
        with tempfile.TemporaryFile() as errors:
            start = time.perf_counter()
            child = subprocess.Popen(
                list(command), cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors
            )
            # wait4, not wait: it also gives the child's own resource usage.
            _, status, usage = os.wait4(child.pid, 0)
            times.append(time.perf_counter() - start)
            child.returncode = os.waitstatus_to_exitcode(status)
            if child.returncode != expect:
                errors.seek(0)
                tail = errors.read().decode(errors="replace").strip().splitlines()[-1:]
                message = tail[0][:200] if tail else "no output"
                return {"failure": f"exit {child.returncode}: {message}", "load": load}
        peaks.append(_maxrss_bytes(usage.ru_maxrss))
        cpu.append(usage.ru_utime + usage.ru_stime)
    return {
        "seconds": min(times),
        "cpu_seconds": min(cpu),
        "times": times,
        "runs": len(times),
        "load": load,
        "peak_bytes": max(peaks),
        "exact_peak": True,
    }


def run_stage(script: Path, arguments: Sequence[str]) -> dict[str, Any]:
    """Run ``script`` with ``arguments`` in a fresh interpreter and read the JSON object it
    prints as its last line (a failure record if it fails)."""
    done = subprocess.run(
        [sys.executable, str(script), *arguments], capture_output=True, text=True, check=False
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        return {"failure": f"exit {done.returncode}: {tail[0][:200]}"}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


# --- the machine ---------------------------------------------------------------------------


def machine() -> dict[str, str]:
    """The machine and software the figures come from."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    versions = []
    for package in ("outcomes", "numpy", "pandas", "scipy", "jinja2", "openpyxl"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} not installed")
    return {
        "cpu": f"{os.cpu_count()} CPUs ({cpu})",
        "memory": f"{memory:.0f} GiB RAM",
        "system": f"{platform.system()} {platform.release()}",
        "python": f"Python {platform.python_version()}",
        "packages": ", ".join(versions),
    }


def machine_line() -> str:
    found = machine()
    return (
        f"{found['python']}, {found['packages']}; {found['cpu']}, {found['memory']}, "
        f"{found['system']}."
    )


# --- formatting ----------------------------------------------------------------------------


def seconds_text(record: dict[str, Any]) -> str:
    """Seconds to 3 significant figures ("—" when not measured)."""
    if "seconds" not in record:
        return "—"
    return significant(float(record["seconds"]))


def significant(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value == 0:
        return "0"
    decimals = max(0, 2 - math.floor(math.log10(abs(value))))
    return f"{value:.{decimals}f}"


def mib_text(value: float | None) -> str:
    return "n/a" if value is None else f"{value / MIB:,.1f}"


def cpu_text(record: dict[str, Any]) -> str:
    return significant(float(record["cpu_seconds"])) if "cpu_seconds" in record else "—"


def load_text(record: dict[str, Any]) -> str:
    return f"{record['load']:.2f}" if "load" in record else "—"


# --- results.md ----------------------------------------------------------------------------


def _section_key(section: str) -> str:
    """A section's identity: the first two words of its ``<!-- ... -->`` marker
    (``bench reports``; ``scale 7000x20x50`` whatever the seed)."""
    marker = section.split("<!-- ", 1)[-1].split("-->", 1)[0] if "<!-- " in section else ""
    return " ".join(marker.split()[:2])


def _section_order(key: str) -> tuple[int, int, str]:
    if key in SECTION_ORDER:
        return (0, SECTION_ORDER.index(key), key)
    if key.startswith("scale "):
        with contextlib.suppress(ValueError):
            return (1, math.prod(int(part) for part in key.split()[1].split("x")), key)
    return (2, 0, key)


def write_section(path: Path, section: str) -> None:
    """Replace the section of ``path`` with the same marker as ``section`` (or add it).

    ``section`` starts with a ``## `` heading and holds a ``<!-- kind name ... -->`` marker;
    sections are kept in the order of :data:`SECTION_ORDER`, then compute scales by size.
    """
    key = _section_key(section)
    sections: dict[str, str] = {}
    if path.exists():
        for chunk in path.read_text(encoding="utf-8").split("\n## ")[1:]:
            text = "## " + chunk.strip() + "\n"
            sections[_section_key(text) or text.splitlines()[0]] = text
    sections[key] = section.strip() + "\n"
    body = "\n".join(sections[name] for name in sorted(sections, key=_section_order))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{TITLE}\n\n{INTRO}\n\n{body}", encoding="utf-8")


def write_json(path: Path | None, record: dict[str, Any]) -> None:
    if path is not None:
        path.write_text(json.dumps(record, indent=1), encoding="utf-8")
