"""Hypothesis strategies shared by the core's tests."""

from __future__ import annotations

from hypothesis import strategies as st


@st.composite
def forests(draw: st.DrawFn, max_units: int) -> list[int]:
    """A random forest of 1 to `max_units` units as parent indexes (-1 for a root),
    relabelled so parents may follow their children in the list."""
    count = draw(st.integers(1, max_units))
    parents = [-1] + [draw(st.integers(-1, unit - 1)) for unit in range(1, count)]
    label = draw(st.permutations(range(count)))
    relabelled = [0] * count
    for unit, parent in enumerate(parents):
        relabelled[label[unit]] = -1 if parent < 0 else label[parent]
    return relabelled
