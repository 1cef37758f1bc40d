"""Pure statistics for reports, on plain numbers.

Item statistics follow Moodle's quiz statistics, so NGOs can compare:
facility = 100 · mean(mark) / max mark; discrimination = 100 · Pearson correlation
between the item's mark and the rest of the test (total minus the item).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from math import sqrt
from statistics import fmean

SMALL_SAMPLE = 20


def mean(values: Sequence[float]) -> float | None:
    return fmean(values) if values else None


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """The correlation of two equally long series; None when either does not vary."""
    if len(xs) != len(ys) or len(xs) < 2:
        return None
    mx, my = fmean(xs), fmean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / sqrt(sxx * syy)


@dataclass(frozen=True)
class ItemStatistics:
    n: int
    facility: float | None
    discrimination: float | None

    @property
    def small_sample(self) -> bool:
        return self.n < SMALL_SAMPLE


def item_statistics(item_marks: Sequence[float], totals: Sequence[float], max_mark: float = 1.0) -> ItemStatistics:
    """`item_marks[i]` and `totals[i]` are one person's mark on the item and on the test."""
    if not item_marks:
        return ItemStatistics(0, None, None)
    facility = 100.0 * fmean(item_marks) / max_mark
    rest = [total - mark for mark, total in zip(item_marks, totals, strict=True)]
    correlation = pearson(item_marks, rest)
    return ItemStatistics(len(item_marks), facility, None if correlation is None else 100.0 * correlation)
