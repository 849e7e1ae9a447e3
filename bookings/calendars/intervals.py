"""Arithmetic on half-open intervals [start, end) of integer seconds since the epoch.

Plain Python, so the availability search stays fast and can be property-tested on its own.
Every function takes and returns sorted lists of disjoint, non-empty intervals, except
`merge`, which makes one from anything.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable

Interval = tuple[int, int]


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sort, drop empty intervals, and join those that overlap or touch."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def fitting_starts(base: list[Interval], cuts: list[Interval], length: int) -> list[Interval]:
    """The start times t at which [t, t + length) lies inside `base` and clear of every cut, as
    intervals of starts [first, last + 1).

    It is `base` less `cuts`, keeping only the gaps at least `length` long, in one pass: the
    availability search's inner loop, written for speed. `cuts` must be sorted by start and
    disjoint, though they may touch (the appointments of one resource, as the database keeps
    them).
    """
    result: list[Interval] = []
    append = result.append
    j = 0
    n = len(cuts)
    for start, end in base:
        if j < n and cuts[j][1] <= start:
            # Skip the cuts that end before this interval, by bisection: a base with a few
            # short intervals (pruned by another kind's free time) passes most cuts by.
            j = bisect_left(cuts, (start,), j)
            if cuts[j - 1][1] > start:
                j -= 1
        cursor = start
        k = j
        while k < n:
            cut_start, cut_end = cuts[k]
            if cut_start >= end:
                break
            if cut_start - cursor >= length:
                append((cursor, cut_start - length + 1))
            if cut_end > cursor:
                cursor = cut_end
            if cursor >= end:
                break
            k += 1
        if end - cursor >= length:
            append((cursor, end - length + 1))
    return result


def intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    result: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if start < end:
            result.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return result


def contains(intervals: list[Interval], start: int, end: int) -> bool:
    """Whether [start, end) lies inside one of the sorted, disjoint intervals (by bisection)."""
    i = bisect_right(intervals, (start, end))
    # The candidate is the last interval starting at or before `start`.
    if i < len(intervals) and intervals[i][0] == start:
        i += 1
    return i > 0 and intervals[i - 1][0] <= start and end <= intervals[i - 1][1]


def clip(intervals: list[Interval], lo: int, hi: int) -> list[Interval]:
    """The parts of sorted, disjoint `intervals` inside [lo, hi), found by bisection."""
    if lo >= hi:
        return []
    i = bisect_right(intervals, (lo, lo))
    if i and intervals[i - 1][1] > lo:
        i -= 1
    result: list[Interval] = []
    for start, end in intervals[i:]:
        if start >= hi:
            break
        if end > lo:
            result.append((max(start, lo), min(end, hi)))
    return result


def remove(intervals: list[Interval], lo: int, hi: int) -> list[Interval]:
    """Sorted, disjoint `intervals` with [lo, hi) taken out (a new list)."""
    if lo >= hi:
        return list(intervals)
    i = bisect_right(intervals, (lo, lo))
    if i and intervals[i - 1][1] > lo:
        i -= 1
    j = i
    middle: list[Interval] = []
    while j < len(intervals) and intervals[j][0] < hi:
        start, end = intervals[j]
        if start < lo:
            middle.append((start, lo))
        if end > hi:
            middle.append((hi, end))
        j += 1
    return [*intervals[:i], *middle, *intervals[j:]]


def restore(intervals: list[Interval], taken: list[Interval]) -> list[Interval]:
    """Put back what `remove` took out (`taken`, from `clip` over the same bounds), joining it
    to its neighbours: only the few intervals around it are touched."""
    if not taken:
        return intervals
    i = bisect_right(intervals, taken[0])
    lo = max(i - 1, 0)
    j = bisect_right(intervals, taken[-1])
    return [*intervals[:lo], *merge([*intervals[lo : j + 1], *taken]), *intervals[j + 1 :]]
