"""The interval arithmetic against the obvious model: sets of whole seconds."""

import itertools

from hypothesis import given
from hypothesis import strategies as st

from bookings.intervals import contains, intersect, merge, starts_fitting, subtract

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
def test_subtract_is_set_difference(a, b):
    result = subtract(merge(a), merge(b))
    assert points(result) == points(a) - points(b)
    assert is_normal(result)


@given(raw, raw)
def test_intersect_is_set_intersection(a, b):
    result = intersect(merge(a), merge(b))
    assert points(result) == points(a) & points(b)


@given(raw, st.integers(1, 20))
def test_starts_fitting_are_exactly_the_starts_whose_span_is_free(intervals, length):
    free = merge(intervals)
    starts = points(starts_fitting(free, length))
    expected = {t for t in range(0, 61) if set(range(t, t + length)) <= points(free)}
    # A span may not straddle two touching intervals: merge() has already joined those.
    assert starts == expected
    assert all(contains(free, t, t + length) for t in starts)
