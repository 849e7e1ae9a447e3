"""The interval arithmetic against the obvious model: sets of whole seconds."""

import itertools

from hypothesis import given
from hypothesis import strategies as st

from bookings.calendars.intervals import (
    clip,
    contains,
    fitting_starts,
    intersect,
    merge,
    remove,
    restore,
)

raw = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=8)


def points(intervals) -> set[int]:
    return {second for start, end in intervals for second in range(start, end)}


def is_normal(intervals) -> bool:
    return all(s < e for s, e in intervals) and all(
        a[1] < b[0] for a, b in itertools.pairwise(intervals)
    )


@given(raw)
def test_merge_keeps_every_second_and_leaves_disjoint_sorted_intervals(intervals):
    merged = merge(intervals)
    assert points(merged) == points(intervals)
    assert is_normal(merged)


@given(raw, raw)
def test_intersect_is_set_intersection(a, b):
    result = intersect(merge(a), merge(b))
    assert points(result) == points(a) & points(b)


def disjoint(intervals):
    """Sorted, non-overlapping cuts (touching allowed), as one resource's appointments are."""
    result, cursor = [], 0
    for start, end in sorted(intervals):
        start = max(start, cursor)
        if start < end:
            result.append((start, end))
            cursor = end
    return result


@given(raw, raw, st.integers(1, 20))
def test_fitting_starts_are_exactly_the_starts_whose_span_is_free(base, cuts, length):
    base, cuts = merge(base), disjoint(cuts)
    free = points(base) - points(cuts)
    starts = fitting_starts(base, cuts, length)
    expected = {
        t
        for t in range(0, 61)
        if set(range(t, t + length)) <= free
        and any(s <= t and t + length <= e for s, e in base)  # within one working interval
    }
    assert points(starts) == expected
    assert is_normal(starts)
    assert all(contains(starts, t, t + 1) for t in expected)


@given(raw, st.integers(0, 60), st.integers(0, 60))
def test_clip_keeps_exactly_what_lies_inside(intervals, lo, hi):
    merged = merge(intervals)
    assert points(clip(merged, lo, hi)) == points(merged) & set(range(lo, hi))
    assert is_normal(clip(merged, lo, hi))


@given(raw, st.integers(0, 60), st.integers(0, 60))
def test_remove_takes_out_exactly_the_span(intervals, lo, hi):
    merged = merge(intervals)
    assert points(remove(merged, lo, hi)) == points(merged) - set(range(lo, hi))
    assert is_normal(remove(merged, lo, hi))


@given(raw, st.integers(0, 60), st.integers(0, 61))
def test_contains_is_whether_the_span_lies_inside_one_interval(intervals, start, length):
    merged = merge(intervals)
    end = min(start + max(length, 1), 61)
    expected = any(s <= start and end <= e for s, e in merged)
    assert contains(merged, start, end) == expected


@given(raw, st.integers(0, 60), st.integers(0, 60), st.integers(0, 60), st.integers(0, 60))
def test_restore_undoes_remove_even_when_removals_overlap(intervals, lo1, hi1, lo2, hi2):
    original = merge(intervals)
    first_taken = clip(original, lo1, hi1)
    after_first = remove(original, lo1, hi1)
    second_taken = clip(after_first, lo2, hi2)
    after_second = remove(after_first, lo2, hi2)
    # Undone last first, as the series search backs up.
    assert restore(after_second, second_taken) == after_first
    assert restore(restore(after_second, second_taken), first_taken) == original
