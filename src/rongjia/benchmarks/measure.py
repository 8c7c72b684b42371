"""Small tools the benchmarks share: a stopwatch and the process's peak memory."""

import resource
import time
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Figure:
    """One line of the bench table: what was measured against what, and the ratio."""

    name: str
    measured: str
    baseline: str
    ratio: float | None
    note: str = ""


@contextmanager
def stopwatch():
    """`with stopwatch() as elapsed: ...` then `elapsed()` gives the seconds taken."""
    started = time.perf_counter()
    finished = None

    def elapsed() -> float:
        return (finished or time.perf_counter()) - started

    try:
        yield elapsed
    finally:
        finished = time.perf_counter()


def peak_rss_mb() -> float:
    """The peak resident set size of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], share: int) -> float:
    """The nearest-rank percentile (p50, p95) of a list of timings."""
    ranked = sorted(values)
    return ranked[max(0, min(len(ranked) - 1, -(-share * len(ranked) // 100) - 1))]


def table(figures: list[Figure]) -> str:
    rows = [("benchmark", "measured", "baseline", "ratio", "note")]
    rows += [(f.name, f.measured, f.baseline, "—" if f.ratio is None else f"{f.ratio:.2f}", f.note) for f in figures]
    widths = [max(len(str(row[i])) for row in rows) for i in range(5)]
    lines = [" | ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "-|-".join("-" * width for width in widths))
    return "\n".join(lines)
