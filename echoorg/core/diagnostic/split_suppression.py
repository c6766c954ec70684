"""Anonymity of a unit-by-answer table: which groups of a split may be shown.

Plain Python, no Django. The figures of a split by a background question are counts of
sets of respondents: the published unit totals (each a unit's subtree, chosen beforehand
by `anonymity.suppress_hierarchy`, so they are fixed here) and, for each answer, the
respondents of a unit's subtree who gave it (the candidate cells). An attacker may take
any linear combination of what is shown. The rule enforced is the one of
`anonymity`: no combination may give the number of a group of 1 to k - 1 respondents.

Why not `anonymity.suppress_cells`: it splits the respondents into blocks (atoms that
every shown cell contains wholly or not at all) and requires every block to hold 0 or at
least k people. That is exact for a tree of subtrees, but a unit-by-answer table is not
one: with a team's total and the organisation's split by answer both shown, "the team's
people who gave answer A" is a block, yet no combination of the shown figures yields it.
That check hid nearly every split (issue 10: dashes even for groups of 81 to 147).

The exact check used here. Atom (v, o) is unit v's own respondents with answer o. A vector
in the span of the shown cells takes, on atom (v, o), the value alpha(t) + beta(s), where
t is the nearest unit at or above v with a shown total and s the nearest unit at or above
v whose cell for answer o is shown (sums of coefficients along the tree can take any
value, so alpha and beta are free, and 0 where there is no such unit). So atoms reduce to
*arcs* t -> (o, s) of a directed graph whose nodes are the total-nodes t, the cell-nodes
(o, s), and one "ground" node for "none" (value 0 on both sides). Writing p(t) = alpha(t)
and p(o, s) = -beta(o, s), the combination's value on an arc is p(t) - p(head).

A group G is given away when some combination equals 1 on G's atoms and 0 on the others,
except on atoms the figures prove empty, which may take any value: by Farkas' lemma an
atom is provably empty when a non-negative combination with value 0 is positive on it.
In the graph, an arc without people is provably empty exactly when its head cannot be
reached from its tail along arcs with people (either way) and arcs without people (head
to tail only), i.e. when its ends are in different strongly connected parts of that
graph (Tarjan 1972, SIAM J. Comput. 1:146-160); such arcs are dropped. On the others the
values p(t) - p(head) are 0 or 1; cutting p at each threshold gives 0/1 layers, each
itself such a combination, whose groups add up to G. So a group of 1 to k - 1 is given
away if and only if there is a set X of nodes with no arc entering it and 1 to k - 1
people on the arcs leaving it (a directed cut; X holds the nodes whose p is 1).

Finding one: with each arc given its people as capacity and a reverse arc of unlimited
capacity (so that a cut with an entering arc is infinite), such an X is a cut of less
than k between a node inside and a node outside. Total-nodes with the same heads and at
least k people lie on the same side of any such cut (else all of one's people would
leave X), so they are merged first. A small cut has total-side nodes on both sides (a
cell-node left out alone costs its own remainder, checked first), so one of each
consecutive pair of total-side nodes, in some direction, is split by it: the check runs
at most two maximum flows per pair, each stopped at k.

Repair: `suppress_split`.
"""

from __future__ import annotations

import operator
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from echoorg.core.units import Forest

__all__ = ["DERIVABLE", "SMALL", "SplitDisclosure", "split_disclosure", "suppress_split"]

SMALL = "small"  # fewer than k people in the group itself
DERIVABLE = "derivable"  # enough people, but shown it would let a small group be worked out

_GROUND = 0
_INFINITE = 1 << 60


@dataclass(frozen=True)
class SplitDisclosure:
    """A group an attacker can count from the shown figures: its atoms (unit, answer
    position) and its respondents (1 to k - 1)."""

    atoms: frozenset[tuple[int, int]]
    n: int


def _whole(what: str, value: object, least: int) -> int:
    try:
        number = operator.index(value) if not isinstance(value, bool) else None  # type: ignore[arg-type]
    except TypeError:
        number = None
    if number is None:
        raise ValueError(f"{what}: must be a whole number, not {value!r}.")
    if number < least:
        raise ValueError(f"{what}: must be at least {least} (got {number}).")
    return number


class _Table:
    """The unit tree, the respondents per (unit, answer) and the shown totals."""

    def __init__(
        self,
        parents: Sequence[int],
        shown_totals: Sequence[bool],
        own: Sequence[Sequence[int]],
        k: int,
    ) -> None:
        self.k = _whole("k", k, 3)
        self.forest = Forest.from_parents(parents)  # validates the forest
        self.units = len(parents)
        if len(shown_totals) != self.units or len(own) != self.units:
            raise ValueError(
                f"shown_totals and own: need one entry per unit ({self.units}), "
                f"got {len(shown_totals)} and {len(own)}."
            )
        self.options = len(own[0]) if self.units else 0
        self.own = []
        for u, row in enumerate(own):
            if len(row) != self.options:
                raise ValueError(f"own[{u}]: has {len(row)} answers, not {self.options}.")
            self.own.append([_whole(f"own[{u}][{o}]", n, 0) for o, n in enumerate(row)])
        self.parent = list(self.forest.parent)
        self.down = self.forest.breadth_first()  # parents before children
        self.up = self.forest.children_first()
        # Each unit's subtree respondents per answer.
        self.sub = [row[:] for row in self.own]
        for u in self.up:
            p = self.parent[u]
            if p >= 0:
                mine, theirs = self.sub[u], self.sub[p]
                for o in range(self.options):
                    theirs[o] += mine[o]
        # Node of the nearest shown total at or above each unit (ground when none).
        self.total_node = [_GROUND] * self.units
        for u in self.down:
            p = self.parent[u]
            if shown_totals[u]:
                self.total_node[u] = 1 + u
            elif p >= 0:
                self.total_node[u] = self.total_node[p]

    def cell_node(self, o: int, u: int) -> int:
        return 1 + self.units + o * self.units + u

    def cell_of(self, node: int) -> tuple[int, int]:
        """(answer, unit) of a cell node."""
        return divmod(node - 1 - self.units, self.units)

    def heads(self, shown: list[list[bool]]) -> list[list[int]]:
        """Per unit and answer, the node of the nearest shown cell at or above (or ground)."""
        head = [[_GROUND] * self.options for _ in range(self.units)]
        for u in self.down:
            p = self.parent[u]
            above = head[p] if p >= 0 else None
            mine, row = head[u], shown[u]
            for o in range(self.options):
                if row[o]:
                    mine[o] = self.cell_node(o, u)
                elif above is not None:
                    mine[o] = above[o]
        return head

    def arcs(self, head: list[list[int]]) -> dict[tuple[int, int], int]:
        """People per arc (total node, cell node), arcs without people included (0)."""
        weights: dict[tuple[int, int], int] = {}
        for v in range(self.units):
            tail, row, heads = self.total_node[v], self.own[v], head[v]
            for o in range(self.options):
                if not (tail == _GROUND and heads[o] == _GROUND):
                    key = (tail, heads[o])
                    weights[key] = weights.get(key, 0) + row[o]
        return weights


def _known_empty(weights: dict[tuple[int, int], int]) -> set[tuple[int, int]]:
    """The arcs without people that the shown figures prove empty.

    By Farkas' lemma a group is provably empty when some combination of the figures is 0
    and counts it with a positive weight; in the arcs' graph that is a cut of 0 people that
    the arc leaves. It exists exactly when the arc's head cannot be reached from its tail
    along arcs with people (either way) and arcs without people (head to tail only), that
    is when tail and head are in different strongly connected parts of that graph.
    """
    # Arcs with people join their ends both ways: those parts first (union-find), then the
    # strongly connected parts of the few arcs without people between them.
    joined: dict[int, int] = {}

    def find(x: int) -> int:
        root = x
        while joined.setdefault(root, root) != root:
            root = joined[root]
        while joined[x] != root:
            joined[x], x = root, joined[x]
        return root

    empty = [arc for arc, n in weights.items() if not n]
    if not empty:
        return set()
    for (tail, head), n in weights.items():
        if n:
            joined[find(tail)] = find(head)
    step: dict[int, list[int]] = {}
    for tail, head in empty:
        step.setdefault(find(head), []).append(find(tail))
        step.setdefault(find(tail), [])
    strong = _strong_parts(step)
    return {(t, h) for t, h in empty if strong[find(t)] != strong[find(h)]}


def _strong_parts(step: dict[int, list[int]]) -> dict[int, int]:
    """Strongly connected parts (Tarjan 1972, iteratively): node -> part number."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    part: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    counter = 0
    for start in step:
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, i = work[-1]
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            nexts = step[node]
            if i < len(nexts):
                work[-1] = (node, i + 1)
                other = nexts[i]
                if other not in index:
                    work.append((other, 0))
                elif other in on_stack:
                    low[node] = min(low[node], index[other])
                continue
            work.pop()
            if work:
                above = work[-1][0]
                low[above] = min(low[above], low[node])
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    part[member] = node
                    if member == node:
                        break
    return part


@dataclass
class _Cut:
    inside: set[int]  # X: no arc enters it
    leaving: list[tuple[int, int]]  # the arcs from X to outside: the group
    n: int


class _Flow:
    """Maximum flow by shortest augmenting paths, stopped once it reaches `cap`."""

    def __init__(self, nodes: int) -> None:
        self.to: list[int] = []
        self.capacity: list[int] = []
        self.out: list[list[int]] = [[] for _ in range(nodes)]

    def add(self, tail: int, head: int, forward: int, backward: int) -> None:
        self.out[tail].append(len(self.to))
        self.to.append(head)
        self.capacity.append(forward)
        self.out[head].append(len(self.to))
        self.to.append(tail)
        self.capacity.append(backward)

    def cut(self, source: int, sink: int, cap: int) -> tuple[int, set[int]]:
        """(flow value up to `cap`, nodes reachable from source in the residual graph)."""
        residual = self.capacity[:]
        to, out = self.to, self.out
        flow = 0
        while True:
            via = {source: -1}
            queue = deque([source])
            while queue and sink not in via:
                node = queue.popleft()
                for edge in out[node]:
                    if residual[edge] > 0 and to[edge] not in via:
                        via[to[edge]] = edge
                        queue.append(to[edge])
            if sink not in via or flow >= cap:
                return flow, set(via)
            push, node = cap - flow, sink
            while node != source:
                edge = via[node]
                push = min(push, residual[edge])
                node = to[edge ^ 1]
            node = sink
            while node != source:
                edge = via[node]
                residual[edge] -= push
                residual[edge ^ 1] += push
                node = to[edge ^ 1]
            flow += push


def _smallest_cut(all_weights: dict[tuple[int, int], int], k: int) -> _Cut | None:
    """A directed cut of 1 to k - 1 people in the arcs' graph, or None (see the module)."""
    empty = _known_empty(all_weights)
    weights = {arc: n for arc, n in all_weights.items() if arc not in empty}
    nodes = {t for t, _ in weights} | {h for _, h in weights}
    into: dict[int, int] = {}
    for (_, head), n in weights.items():
        into[head] = into.get(head, 0) + n
    for head, n in into.items():
        if 0 < n < k and head != _GROUND:  # a cell's own remainder: X is all but that node
            return _Cut(nodes - {head}, [a for a in weights if a[1] == head], n)
    # Total nodes with the same heads and at least k people are together in any small cut
    # (one in X, the other out, would leave all the first one's people on leaving arcs).
    heads_of: dict[int, dict[int, int]] = {}
    for (tail, head), n in weights.items():
        heads_of.setdefault(tail, {})[head] = n
    # The nodes on the totals' side: a small cut has some inside and some outside.
    tails = sorted(heads_of.keys() | ({_GROUND} if _GROUND in nodes else set()))
    group_of: dict[int, int] = {}
    by_heads: dict[frozenset[int], int] = {}
    for tail in tails:
        arcs = heads_of.get(tail, {})
        if tail != _GROUND and sum(arcs.values()) >= k:
            group_of[tail] = by_heads.setdefault(frozenset(arcs), tail)
        else:
            group_of[tail] = tail
    # Connected parts (union-find over arcs), then the flows within each.
    parent: dict[int, int] = {node: node for node in nodes}

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for tail, head in weights:
        parent[find(tail)] = find(head)
    parts: dict[int, list[int]] = {}
    for tail in tails:
        if group_of[tail] == tail:
            parts.setdefault(find(tail), []).append(tail)
    for members in parts.values():
        if len(members) < 2:
            continue
        part = find(members[0])
        local: dict[int, int] = {}
        pairs: dict[tuple[int, int], int] = {}
        for (tail, head), n in weights.items():
            if find(tail) != part:
                continue
            a = local.setdefault(group_of.get(tail, tail), len(local))
            b = local.setdefault(group_of.get(head, head), len(local))
            if a != b:
                pairs[(a, b)] = pairs.get((a, b), 0) + n
        flow = _Flow(len(local))
        for (a, b), n in pairs.items():
            flow.add(a, b, n, _INFINITE)
        ends = [local[m] for m in members]
        for first, second in zip(ends, ends[1:], strict=False):
            for source, sink in ((first, second), (second, first)):
                value, reach = flow.cut(source, sink, k)
                if value < k:
                    inside = {
                        node
                        for node in nodes
                        if find(node) == part and local[group_of.get(node, node)] in reach
                    }
                    leaving = [(t, h) for (t, h) in weights if t in inside and h not in inside]
                    return _Cut(inside, leaving, sum(weights[a] for a in leaving))
    return None


def _atoms_of(
    table: _Table, head: list[list[int]], arcs: list[tuple[int, int]]
) -> frozenset[tuple[int, int]]:
    wanted = set(arcs)
    return frozenset(
        (v, o)
        for v in range(table.units)
        for o in range(table.options)
        if table.own[v][o] and (table.total_node[v], head[v][o]) in wanted
    )


def split_disclosure(
    parents: Sequence[int],
    shown_totals: Sequence[bool],
    shown: Sequence[Sequence[bool]],
    own: Sequence[Sequence[int]],
    k: int,
) -> SplitDisclosure | None:
    """A group of 1 to k - 1 respondents that the shown figures give away, or None.

    Inputs: parents (each unit's parent position, -1 for a root); shown_totals (units whose
    subtree total is published); shown[u][o] (whether unit u's subtree count for answer o is
    published); own[u][o] (unit u's own respondents with answer o, every answer including
    "not answered"); k >= 3. Exact for this family of figures (module docstring): the
    group's atoms may include ones the figures prove empty. Linear combinations only: what
    bounds alone (counts are whole and not negative) narrow down is not considered.
    """
    table = _Table(parents, shown_totals, own, k)
    shown_matrix = _matrix(table, shown, "shown")
    head = table.heads(shown_matrix)
    cut = _smallest_cut(table.arcs(head), table.k)
    if cut is None:
        return None
    return SplitDisclosure(_atoms_of(table, head, cut.leaving), cut.n)


def _matrix(table: _Table, rows: Sequence[Sequence[bool]], what: str) -> list[list[bool]]:
    if len(rows) != table.units or any(len(r) != table.options for r in rows):
        raise ValueError(f"{what}: needs one row per unit with one entry per answer.")
    return [[bool(x) for x in row] for row in rows]


def suppress_split(
    parents: Sequence[int],
    shown_totals: Sequence[bool],
    candidates: Sequence[Sequence[bool]],
    own: Sequence[Sequence[int]],
    k: int,
) -> list[list[str | None]]:
    """Which groups of a split may be shown: per unit and answer, None (shown), or why not:
    `SMALL` (fewer than k people, or no candidate) or `DERIVABLE`.

    Inputs as `split_disclosure`; candidates[u][o] says which cells may be shown at all
    (the units whose figures are shown). The shown totals must be safe on their own
    (`anonymity.suppress_hierarchy` makes them so); a ValueError says so when they are not.
    Output: no group of 1 to k - 1 respondents can be worked out from the shown totals and
    cells (`split_disclosure` returns None for them).

    Steps (Cox 1980 for primary and complementary suppression):
    1. a cell below k is hidden;
    2. per answer, each shown cell's remainder (its people under no shown cell below it)
       must be 0 or at least k, repaired bottom-up as `anonymity.suppress_hierarchy` does;
    3. a unit's row is shown whole (every answer with people) or not at all, except where
       the hidden answers have no shown cell above (at the top: the whole organisation),
       and then the people they leave uncovered must be 0 or at least k (else one more
       cell with people is hidden, or the row). Why: a row missing one answer gives that
       answer away as the total minus the others, and hiding a second cell helps only
       if that cell cannot be worked out down its column in turn; rows shown whole make
       the table safe by construction (module docstring), which the check confirms;
    4. the exact check; a cut it still finds has the row of its cheapest cell hidden.
    """
    table = _Table(parents, shown_totals, own, k)
    k = table.k
    allowed = _matrix(table, candidates, "candidates")
    reason: list[list[str | None]] = [
        [None if allowed[u][o] and table.sub[u][o] >= k else SMALL for o in range(table.options)]
        for u in range(table.units)
    ]
    shown = [[r is None for r in row] for row in reason]
    _repair_remainders(table, shown, reason)
    while True:
        _whole_rows(table, shown, reason)
        head = table.heads(shown)
        cut = _smallest_cut(table.arcs(head), k)
        if cut is None:
            return reason
        victim = _victim(table, head, cut)
        if victim is None:
            raise ValueError(
                "shown_totals: the published totals alone give away a group of "
                f"{cut.n}, fewer than {k}; nothing hidden in the split can repair that."
            )
        _hide_row(table, shown, reason, victim[0])


def _hide_row(
    table: _Table, shown: list[list[bool]], reason: list[list[str | None]], u: int
) -> None:
    for o in range(table.options):
        if shown[u][o]:
            shown[u][o] = False
            reason[u][o] = DERIVABLE


def _whole_rows(table: _Table, shown: list[list[bool]], reason: list[list[str | None]]) -> None:
    """Step 3 of `suppress_split`, until nothing changes."""
    k, options = table.k, range(table.options)
    while True:
        head = table.heads(shown)
        has_row = [any(row) for row in shown]

        def above(u: int, o: int, head: list[list[int]] = head) -> int:
            p = table.parent[u]
            return head[p][o] if p >= 0 else _GROUND

        # Rows missing an answer with people that has a shown cell above: hidden whole,
        # the topmost first (hiding a row can leave a row below with nothing above).
        broken = [
            u
            for u in table.down
            if has_row[u]
            and any(not shown[u][o] and table.sub[u][o] and above(u, o) != _GROUND for o in options)
        ]
        if broken:
            doomed = set(broken)
            for u in broken:
                p = table.parent[u]
                while p >= 0 and p not in doomed:
                    p = table.parent[p]
                if p < 0:
                    _hide_row(table, shown, reason, u)
            continue
        # Rows at the top: the people their hidden answers leave uncovered, per row.
        nearest = [-1] * table.units
        for u in table.down:
            p = table.parent[u]
            nearest[u] = u if has_row[u] else (nearest[p] if p >= 0 else -1)
        loose = [0] * table.units
        for v in range(table.units):
            r = nearest[v]
            if r >= 0:
                loose[r] += sum(table.own[v][o] for o in options if head[v][o] == _GROUND)
        changed = False
        for u in table.down:
            if has_row[u] and 0 < loose[u] < k:
                # Another answer with people joins them (its remainder is at least k).
                extra = [
                    (table.sub[u][o], o)
                    for o in options
                    if shown[u][o] and above(u, o) == _GROUND and _remainder(table, head, u, o)
                ]
                if extra:
                    o = min(extra)[1]
                    shown[u][o] = False
                    reason[u][o] = DERIVABLE
                else:
                    _hide_row(table, shown, reason, u)
                changed = True
                break  # the regions above change: count again
        if not changed:
            return


def _remainder(table: _Table, head: list[list[int]], u: int, o: int) -> int:
    """People of answer o under unit u's shown cell and under no shown cell below it."""
    node = table.cell_node(o, u)
    return sum(table.own[v][o] for v in table.forest.subtree(u) if head[v][o] == node)


def _repair_remainders(
    table: _Table, shown: list[list[bool]], reason: list[list[str | None]]
) -> None:
    """Per answer, every shown cell's remainder is 0 or at least k. Bottom-up, as
    `anonymity.suppress_hierarchy` but keeping the higher cell where it can: a cell short
    of people takes them from below, hiding the fewest shown cells that pass on a
    remainder (cells with a remainder of 0 pass on their own cells below), the smallest
    first; only when nothing below has people left is the cell itself hidden."""
    k = table.k
    children = table.forest.children
    for o in range(table.options):
        remainder = [0] * table.units  # rem(u) while shown, hidden(u) once not
        nearest: list[list[int]] = [[] for _ in range(table.units)]  # shown cells below
        beneath: list[list[int]] = [[] for _ in range(table.units)]  # of a shown cell
        # Per shown cell: (cells to hide, people passed on, the cells) to pass people up.
        release: dict[int, tuple[int, int, list[int]]] = {}
        for u in table.up:
            rem = table.own[u][o]
            below: list[int] = []
            for c in children[u]:
                if shown[c][o]:
                    below.append(c)
                else:
                    rem += remainder[c]
                    below.extend(nearest[c])
            if shown[u][o] and 0 < rem < k:
                paths = [release[c] for c in below if c in release]
                if paths:
                    _, _, path = min(paths)
                    for step in path:
                        shown[step][o] = False
                        reason[step][o] = DERIVABLE
                    rem += remainder[path[-1]]
                    below = [c for c in below if c != path[0]]
                    for step in path:
                        below += [c for c in beneath[step] if c not in path]
                else:
                    shown[u][o] = False
                    reason[u][o] = DERIVABLE
            remainder[u] = rem
            if shown[u][o]:
                nearest[u], beneath[u] = [u], below
                if rem:
                    release[u] = (1, rem, [u])
                else:
                    deeper = [release[c] for c in below if c in release]
                    if deeper:
                        cost, people, path = min(deeper)
                        release[u] = (cost + 1, people, [u, *path])
            else:
                nearest[u] = below


def _victim(table: _Table, head: list[list[int]], cut: _Cut) -> tuple[int, int] | None:
    """A cell whose row, hidden, breaks `cut`: a shown cell inside it whose answer's next
    shown cell above is outside (hiding it joins the two, and the join has people
    outside, so at least k more people leave X), or a cell outside that receives the
    group and whose next cell above is inside; the one with the fewest people. Else any
    cell receiving the group; None when there is no shown cell to hide."""

    def above(node: int) -> int:
        o, u = table.cell_of(node)
        p = table.parent[u]
        return head[p][o] if p >= 0 else _GROUND

    receiving = {h for _, h in cut.leaving if h != _GROUND}
    cells = {n for n in cut.inside if n > table.units}
    choices = [n for n in cells if above(n) not in cut.inside]
    choices += [n for n in receiving if above(n) in cut.inside]
    choices = choices or sorted(receiving) or sorted(cells)
    if not choices:
        return None

    def size(node: int) -> tuple[int, int, int]:
        o, u = table.cell_of(node)
        return table.sub[u][o], u, o

    o, u = table.cell_of(min(choices, key=size))
    return u, o
