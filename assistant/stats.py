"""Summaries of timings shared by the evaluation and the benchmarks."""

from __future__ import annotations

from collections.abc import Iterable


def percentile(values: Iterable[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0.95 for p95), rounded to 0.01; 0.0 for none."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 2)
