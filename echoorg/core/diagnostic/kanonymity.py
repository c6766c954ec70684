"""k-anonymous response rows for researchers: no row stands out by its unit, audience and
background answers.

A row of a research export carries quasi-identifiers: the respondent's unit, audience
(staff or leaders) and background answers (length of service, role group...). Someone who
knows a colleague's unit, role and length of service could otherwise find that colleague's
row and read their answers. k-anonymity (Samarati and Sweeney 1998; Sweeney 2002) asks
that every combination of quasi-identifiers written is shared by at least k rows.

`k_anonymise` gets there in steps that keep as much as it can:

1. Units move up the unit tree until each unit named covers at least k rows
   (`generalise_units`; the whole organisation is the top).
2. Within each unit, rows whose combination is shared by fewer than k have a background
   answer withheld, one question at a time: each time the question whose withholding
   leaves the fewest rows in too-small groups (ties: the question with more categories),
   until none is left or no group is too small. Then their audience, if still needed.
3. Rows still in too-small groups (all withheld by then) are joined by rows taken from the
   largest group that can spare them while keeping k, or else whole smallest groups, so
   the group of fully withheld rows has k or more.
4. When the whole wave has fewer than k rows, no row is released.

Every step is counted in the result, for the export's README. Pure Python, no Django.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

WITHHELD = "(withheld)"
AUDIENCE = "audience"


@dataclass(frozen=True)
class KAnonymousRows:
    """The released rows, in the order given (rows left out are dropped from the lists).

    units: each row's unit after generalisation, None for the whole organisation.
    audiences, background: each row's audience and background answers, with WITHHELD
        where a value was suppressed.
    kept: the positions (in the input) of the released rows.
    units_generalised: rows whose unit was replaced by an enclosing unit.
    withheld: question id (or "audience") -> rows in which its answer was withheld.
    rows_left_out: rows not released at all (only when the wave has fewer than k rows).
    """

    units: list[int | None]
    audiences: list[str]
    background: list[tuple[str, ...]]
    kept: list[int]
    units_generalised: int = 0
    withheld: dict[str, int] = field(default_factory=dict)
    rows_left_out: int = 0


def generalise_units(
    parents: Mapping[int, int | None], units: Sequence[int], k: int
) -> list[int | None]:
    """Each row's unit, replaced where needed by an enclosing unit so that every unit in
    the result covers at least k rows (None, the whole organisation, is the top).

    Any unit used by fewer than k rows moves to its parent, repeatedly, the deepest
    first. When fewer than k
    reach the top, the smallest named group joins them there. `parents` maps each unit to
    its parent (None for a top-level unit); units missing from it count as top-level.
    """
    label: list[int | None] = list(units)
    depth: dict[int | None, int] = {None: 0}

    def depth_of(unit: int | None) -> int:
        chain: list[int | None] = []
        # None (the top) is always in `depth`, so the walk never looks up None.
        while unit is not None and unit not in depth and len(chain) <= len(parents):
            chain.append(unit)
            unit = parents.get(unit)
        base = depth.get(unit, 0)
        for offset, node in enumerate(reversed(chain), start=1):
            depth[node] = base + offset
        return depth[chain[0]] if chain else base

    while True:
        counts = Counter(label)
        small = {u for u, n in counts.items() if u is not None and n < k}
        if small:
            # Deepest first, so a small team joins its service before the service moves.
            deepest = max(depth_of(u) for u in small)
            small = {u for u in small if depth_of(u) == deepest}
        if not small:
            top = counts.get(None, 0)
            named = [u for u in counts if u is not None]
            if 0 < top < k and named:
                smallest = min(named, key=lambda u: (counts[u], u))
                label = [None if u == smallest else u for u in label]
                continue
            return label
        label = [parents.get(u) if u in small else u for u in label]


def k_anonymise(
    parents: Mapping[int, int | None],
    units: Sequence[int],
    audiences: Sequence[str],
    background: Sequence[Sequence[str]],
    questions: Sequence[str],
    k: int,
) -> KAnonymousRows:
    """Release rows so that every (unit, audience, background answers) combination is
    shared by at least `k` rows (see the module docstring for the steps).

    units, audiences, background: one entry per row; each background entry has one answer
    per question in `questions` ("" where not answered, which is a category like others).
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    n = len(units)
    if not (len(audiences) == len(background) == n):
        raise ValueError("units, audiences and background must have one entry per row")
    if n < k:
        return KAnonymousRows([], [], [], [], rows_left_out=n)
    labels = generalise_units(parents, units, k)
    generalised = sum(1 for before, after in zip(units, labels, strict=True) if before != after)
    # Each row's quasi-identifiers besides the unit: background answers, then audience.
    values = [[*map(str, background[i]), str(audiences[i])] for i in range(n)]
    fields = [*questions, AUDIENCE]
    width = len(fields)
    withheld = Counter[str]()

    def too_small(rows: list[list[str]], unit_of: Sequence[int | None]) -> set[int]:
        counts = Counter((unit_of[i], tuple(rows[i])) for i in range(n))
        return {i for i in range(n) if counts[(unit_of[i], tuple(rows[i]))] < k}

    categories = [len({values[i][f] for i in range(n)}) for f in range(width)]
    small = too_small(values, labels)
    done: set[int] = set()  # questions withheld for every row now in `small`
    # Step 2: background questions first; the audience (last field) only if still needed.
    for stage in (range(width - 1), range(width - 1, width)):
        while small:
            choices = [f for f in stage if f not in done]
            if not choices:
                break
            best: int | None = None
            best_left: int | None = None
            for f in choices:
                trial = [
                    row if i not in small else _withhold(row, f) for i, row in enumerate(values)
                ]
                left = len(too_small(trial, labels))
                if (
                    best is None
                    or best_left is None
                    or (left, -categories[f])
                    < (
                        best_left,
                        -categories[best],
                    )
                ):
                    best, best_left = f, left
            assert best is not None  # `choices` is not empty
            for i in small:
                if values[i][best] != WITHHELD:
                    values[i] = _withhold(values[i], best)
                    withheld[fields[best]] += 1
            done.add(best)
            small = too_small(values, labels)
    # Step 3: in each unit, the fully withheld rows left in a too-small group get company.
    if small:
        by_unit: dict[int | None, list[int]] = defaultdict(list)
        for i in range(n):
            by_unit[labels[i]].append(i)
        blank = [WITHHELD] * width
        for members in by_unit.values():
            residue = [i for i in members if i in small]
            if not residue:
                continue
            groups: dict[tuple[str, ...], list[int]] = defaultdict(list)
            for i in members:
                if i not in small:
                    groups[tuple(values[i])].append(i)
            groups.pop(tuple(blank), None)  # a complete group of withheld rows joins anyway
            already = [i for i in members if values[i] == blank and i not in small]
            need = k - len(residue) - len(already)
            donors = sorted(groups.values(), key=len)
            spare = next((g for g in reversed(donors) if len(g) - need >= k), None)
            taken: list[int] = []
            if need > 0 and spare is not None:
                taken = spare[-need:]
            else:
                for group in donors:
                    if need <= 0:
                        break
                    taken += group
                    need -= len(group)
            for i in [*residue, *taken]:
                for f in range(width):
                    if values[i][f] != WITHHELD:
                        withheld[fields[f]] += 1
                values[i] = list(blank)
    return KAnonymousRows(
        units=labels,
        audiences=[row[-1] for row in values],
        background=[tuple(row[:-1]) for row in values],
        kept=list(range(n)),
        units_generalised=generalised,
        withheld={f: withheld[f] for f in fields if withheld[f]},
    )


def _withhold(row: list[str], field_index: int) -> list[str]:
    changed = list(row)
    changed[field_index] = WITHHELD
    return changed


def combination_counts(
    result: KAnonymousRows,
) -> Counter[tuple[int | None, str, tuple[str, ...]]]:
    """How many released rows share each (unit, audience, background) combination."""
    return Counter(zip(result.units, result.audiences, result.background, strict=True))
