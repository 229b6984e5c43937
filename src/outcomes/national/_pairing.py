"""Peer pairing: whose Chief Social Work Officer assesses whose annual report.

A row ``area, peer_area`` of a pairing means that the CSWO of ``peer_area`` assesses the
report of ``area``. The rules:

- every area is assessed by exactly one peer and assesses exactly one other area;
- nobody assesses their own area;
- no two areas assess each other in the same year (no reciprocal pairs);
- with last year's pairs given, no two areas that were paired last year, in either
  direction, are paired again;
- peers come from the same family group where the rules allow.

Such a pairing is a permutation of the areas whose cycles all have at least three areas, so
it needs three areas or more. Each family group of three or more areas forms its own cycle
in a seeded random order; the areas left over (groups of one or two, areas with no family
group, and groups that cannot avoid last year's pairs) form one cycle across groups, or join
the group cycles when they are too few for a cycle of their own. When even that fails the
areas are paired across groups as a whole. The search is exact for up to
:data:`EXHAUSTIVE_UP_TO` areas; above that it repairs a random cycle by Palmer's method, which
always succeeds because each area has at most two partners from last year.

Last year's pairs can always be avoided when there are six areas or more, and with five when
last year's table pairs the same five areas; with three or four they never can
(:class:`PairingError`).
"""

from __future__ import annotations

import itertools
import numbers
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from outcomes.core._io import csv_text, restore_text, write_csv
from outcomes.core._periods import Period, as_period
from outcomes.core._tables import pop_row_numbers, read_tables
from outcomes.errors import DataProblem, DataProblemRow, PairingError, Severity, ValidationError
from outcomes.returns._tidy import Areas
from outcomes.vocabulary import is_computed_area

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["MINIMUM_AREAS", "PAIR_COLUMNS", "Pairing", "pair_areas", "read_pairs"]

#: Columns of ``outcomes pair --out pairs.csv``, in order (docs/contracts.md, "Verbs").
PAIR_COLUMNS = ("area", "peer_area", "family_group", "reason")
#: The fewest areas that can be paired without anyone assessing their assessor.
MINIMUM_AREAS = 3
#: Up to this many areas every cycle is tried (at most 4! = 24 orders); from six areas on,
#: Palmer's method always finds one.
EXHAUSTIVE_UP_TO = 5
_HEADER_ROWS = 1

#: Each area's partners last year, in either direction.
Partners = Mapping[str, frozenset[str]]
Allowed = Callable[[str, str], bool]


@attrs.frozen(kw_only=True)
class Pairing:
    """A peer pairing for one period: who assesses whom, and why.

    ``frame`` has the columns of :data:`PAIR_COLUMNS`, one row per area sorted by area:
    the CSWO of ``peer_area`` assesses the report of ``area``; ``family_group`` is the
    family group of ``area`` (empty when it has none); ``reason`` explains the pair.

    >>> import pandas as pd
    >>> areas = Areas.from_frame(pd.DataFrame({"area": ["A", "B", "C"], "name": ["A", "B", "C"]}))
    >>> pairing = pair_areas(areas, "2025-26", seed=1)
    >>> sorted(pairing.peer_of) == sorted(pairing.peer_of.values()) == ["A", "B", "C"]
    True
    """

    frame: pd.DataFrame = attrs.field(eq=False, repr=False)
    period: Period
    seed: int

    @property
    def peer_of(self) -> dict[str, str]:
        """The peer area assessing each area."""
        return dict(zip(self.frame["area"], self.frame["peer_area"], strict=True))

    @property
    def assessed_by_peer(self) -> dict[str, str]:
        """The area whose report each area's CSWO assesses (the inverse of :attr:`peer_of`)."""
        return dict(zip(self.frame["peer_area"], self.frame["area"], strict=True))

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """CSV text of the pairs (the same bytes for the same inputs), written atomically to
        ``path`` when given."""
        if path is None:
            return csv_text(self.frame)
        return write_csv(path, self.frame)[1]


def pair_areas(
    areas: Areas,
    period: str | Period,
    *,
    seed: int = 0,
    previous: Pairing | pd.DataFrame | None = None,
) -> Pairing:
    """Pair every area with a peer whose CSWO assesses its report for ``period``.

    The rules are in the module docstring. ``previous`` is last year's pairs table (see
    :func:`read_pairs`); areas in it that are no longer listed are ignored. The result is
    the same for the same areas, period and seed whatever the order of the areas table; the
    period is part of the seed, so one seed gives a fresh pairing each year.

    Raises :class:`PairingError` with fewer than :data:`MINIMUM_AREAS` areas or when every
    pairing would repeat one of last year's pairs, :class:`~outcomes.PeriodError` for a
    malformed period and :class:`ValidationError` for a malformed ``previous`` table.
    """
    import numpy as np

    parsed = as_period(period)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise PairingError(f"the seed must be a whole number 0 or more, not {seed!r}")
    seed = int(seed)
    names = sorted(areas.names)
    if len(names) < MINIMUM_AREAS:
        raise PairingError(
            f"peer pairing needs at least {MINIMUM_AREAS} areas so that no two areas assess "
            f"each other, but {areas.source or 'the areas table'} lists {len(names)}"
        )
    partners: Partners | None = None
    if previous is not None:
        frame = previous.frame if isinstance(previous, Pairing) else previous
        partners = _partners(_checked_pairs(frame, "<previous pairs>"), set(names))
    rng = np.random.default_rng([seed, parsed.first_year])
    group_of = {area: group for area, group in areas.family_group_of.items() if area in names}
    cycles, apart = _plan(names, group_of, partners or {}, rng)
    return Pairing(frame=_pairs_frame(cycles, group_of, apart, partners), period=parsed,
                   seed=seed)  # fmt: skip


def read_pairs(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a pairs CSV (``area, peer_area`` and optionally ``family_group, reason``).

    Every row is checked and one :class:`ValidationError` lists every problem with its file,
    row and column: a missing area or peer, an area paired with itself, an area listed twice
    as ``area`` or twice as ``peer_area``, or a reserved name such as ``Scotland``.
    """
    file = str(path)
    tables, problems = read_tables(path)
    if any(row.severity is Severity.ERROR for row in problems) or not tables:
        raise ValidationError(tuple(problems))
    return _checked_pairs(tables[0].to_frame(), file)


# --- the search ------------------------------------------------------------------------------


def _partners(pairs: pd.DataFrame, names: set[str]) -> dict[str, frozenset[str]]:
    """Last year's partners of each current area, in either direction."""
    found: dict[str, set[str]] = {}
    for area, peer in zip(pairs["area"], pairs["peer_area"], strict=True):
        if area in names and peer in names:
            found.setdefault(area, set()).add(peer)
            found.setdefault(peer, set()).add(area)
    return {area: frozenset(others) for area, others in found.items()}


def _plan(
    names: Sequence[str], group_of: Mapping[str, str], partners: Partners, rng: np.random.Generator
) -> tuple[list[list[str]], dict[str, str]]:
    """Cycles covering every area, and for areas paired outside their family group why.

    In each cycle the next area's CSWO assesses an area: ``cycle[i + 1]`` is the peer of
    ``cycle[i]``, and the first area is the peer of the last.
    """

    def allowed(area: str, peer: str) -> bool:
        return area != peer and peer not in partners.get(area, ())

    members: dict[str, list[str]] = {}
    for area in names:
        if group_of.get(area, ""):
            members.setdefault(group_of[area], []).append(area)
    cycles: list[list[str]] = []
    apart: dict[str, str] = {}
    blocks: list[list[str]] = []  # left-over areas, family group by family group
    for group in sorted(members):
        areas = members[group]
        cycle = _cycle(_shuffled(areas, rng), allowed, rng, group_of)
        if cycle is not None:
            cycles.append(cycle)
            continue
        if len(areas) < MINIMUM_AREAS:
            why = f"{group} has only {len(areas)} area{'s' if len(areas) > 1 else ''}"
        else:
            why = f"every pairing within {group} would repeat a pair from last year"
        apart.update(dict.fromkeys(areas, why))
        blocks.append(_shuffled(areas, rng))
    for area in names:
        if not group_of.get(area, ""):
            apart[area] = f"{area} has no family group"
            blocks.append([area])
    blocks = [blocks[i] for i in rng.permutation(len(blocks))]
    left_over = [area for block in blocks for area in block]
    if left_over:
        cycle = _cycle(left_over, allowed, rng, group_of)
        if cycle is not None:
            cycles.append(cycle)
        else:
            spliced = _splice(cycles, blocks, allowed, rng)
            if spliced is None:
                return _everyone(names, allowed, rng, group_of, partners)
            cycles = spliced
    return cycles, apart


def _everyone(
    names: Sequence[str], allowed: Allowed, rng: np.random.Generator,
    group_of: Mapping[str, str], partners: Partners,
) -> tuple[list[list[str]], dict[str, str]]:  # fmt: skip
    """One cycle of all areas, family groups set aside: the last resort."""
    cycle = _cycle(_shuffled(names, rng), allowed, rng, group_of)
    if cycle is None:
        raise PairingError(
            f"every pairing of these {len(names)} areas would repeat a pair from last year; "
            "with 3 or 4 areas this is always so (5 areas can always be paired anew when "
            "last year's table pairs the same 5, and 6 or more always can)"
            if partners
            else f"these {len(names)} areas cannot be paired"
        )
    why = "no pairing within family groups avoids last year's pairs"
    return [cycle], dict.fromkeys(names, why)


def _shuffled(areas: Sequence[str], rng: np.random.Generator) -> list[str]:
    return [areas[i] for i in rng.permutation(len(areas))]


def _same_group_pairs(cycle: Sequence[str], group_of: Mapping[str, str]) -> int:
    return sum(
        bool(group_of.get(area, "")) and group_of.get(area) == group_of.get(peer)
        for area, peer in zip(cycle, [*cycle[1:], cycle[0]], strict=True)
    )


def _allowed_cycle(cycle: Sequence[str], allowed: Allowed) -> bool:
    return all(allowed(a, b) for a, b in zip(cycle, [*cycle[1:], cycle[0]], strict=True))


def _cycle(
    order: Sequence[str], allowed: Allowed, rng: np.random.Generator, group_of: Mapping[str, str]
) -> list[str] | None:
    """A cycle through every area of ``order`` using allowed pairs only, or None.

    Up to :data:`EXHAUSTIVE_UP_TO` areas every cycle is tried and one with the most
    same-family-group pairs is drawn at random; above that ``order`` is repaired.
    """
    if len(order) < MINIMUM_AREAS:
        return None
    if len(order) > EXHAUSTIVE_UP_TO:
        return _repaired(list(order), allowed)
    first, rest = order[0], order[1:]
    best: list[list[str]] = []
    best_score = -1
    for arrangement in itertools.permutations(rest):
        cycle = [first, *arrangement]
        if not _allowed_cycle(cycle, allowed):
            continue
        score = _same_group_pairs(cycle, group_of)
        if score > best_score:
            best, best_score = [], score
        if score == best_score:
            best.append(cycle)
    return best[int(rng.integers(len(best)))] if best else None


def _repaired(cycle: list[str], allowed: Allowed) -> list[str] | None:
    """Palmer's method: while two neighbours may not be paired, reverse a stretch of the
    cycle so that both new neighbours may be. Each step removes at least one bad pair, and
    a stretch always exists when any two areas that may not be paired together may be
    paired with at least ``len(cycle)`` others between them (Ore's condition; true here for
    six areas or more, as each area has at most two partners from last year)."""
    size = len(cycle)
    for _ in range(size + 1):
        gap = next((i for i in range(size) if not allowed(cycle[i], cycle[(i + 1) % size])),
                   None)  # fmt: skip
        if gap is None:
            return cycle
        cycle = cycle[gap + 1 :] + cycle[: gap + 1]  # the bad pair is now last -> first
        stretch = next(
            (j for j in range(1, size - 1)
             if allowed(cycle[-1], cycle[j]) and allowed(cycle[0], cycle[j + 1])),
            None,
        )  # fmt: skip
        if stretch is None:
            return None
        cycle[: stretch + 1] = cycle[stretch::-1]
    return None


def _splice(
    cycles: list[list[str]], blocks: list[list[str]], allowed: Allowed, rng: np.random.Generator
) -> list[list[str]] | None:
    """The cycles with the left-over areas inserted, a family group's areas next to each
    other where possible; None when some area fits nowhere."""
    spliced = [list(cycle) for cycle in cycles]

    def insert(chain: list[str]) -> bool:
        if not all(allowed(a, b) for a, b in itertools.pairwise(chain)):
            return False
        places = [
            (c, k)
            for c, cycle in enumerate(spliced)
            for k in range(len(cycle))
            if allowed(cycle[k], chain[0]) and allowed(chain[-1], cycle[(k + 1) % len(cycle)])
        ]
        if not places:
            return False
        c, k = places[int(rng.integers(len(places)))]
        spliced[c][k + 1 : k + 1] = chain
        return True

    for block in blocks:
        if not insert(block) and not all(insert([area]) for area in block):
            return None
    return spliced


# --- the table -------------------------------------------------------------------------------


def _pairs_frame(
    cycles: Sequence[Sequence[str]], group_of: Mapping[str, str], apart: Mapping[str, str],
    partners: Partners | None,
) -> pd.DataFrame:  # fmt: skip
    import pandas as pd

    rows = []
    for cycle in cycles:
        for area, peer in zip(cycle, [*cycle[1:], cycle[0]], strict=True):
            group = group_of.get(area, "")
            if group and group_of.get(peer, "") == group:
                reason = f"same family group ({group})"
            elif not group:
                reason = apart.get(area, f"{area} has no family group")
            else:
                reason = f"different family group: {apart.get(area) or apart.get(peer, '')}"
            if partners is not None:
                reason += "; not paired last year"
            rows.append((area, peer, group, reason))
    frame = pd.DataFrame(sorted(rows), columns=list(PAIR_COLUMNS), dtype=object)
    return frame.reset_index(drop=True)


def _checked_pairs(raw: pd.DataFrame, file: str) -> pd.DataFrame:
    """The pairs table with the columns of :data:`PAIR_COLUMNS` as stripped text."""
    frame = raw.copy()
    lines = pop_row_numbers(frame, _HEADER_ROWS)
    frame = frame.reset_index(drop=True)
    frame.columns = [str(column).strip() for column in frame.columns]
    problems = [
        DataProblemRow(file=file, row=_HEADER_ROWS, column=column,
                       problem=DataProblem.MISSING_COLUMN,
                       hint=f"the header has {', '.join(map(str, frame.columns)) or 'no columns'}")
        for column in PAIR_COLUMNS[:2]
        if column not in frame.columns
    ]  # fmt: skip
    if problems:
        raise ValidationError(tuple(problems))
    for column in PAIR_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
        frame[column] = frame[column].fillna("").astype(str).str.strip().map(restore_text)
    roles = {"area": "the area whose report is assessed",
             "peer_area": "the area whose CSWO assesses it"}  # fmt: skip
    for position, (area, peer) in enumerate(zip(frame["area"], frame["peer_area"], strict=True)):
        row = lines[position]
        for column, name in (("area", area), ("peer_area", peer)):
            if name == "":
                problems.append(DataProblemRow(
                    file=file, row=row, column=column, problem=DataProblem.UNKNOWN_AREA,
                    hint=f"every row needs {roles[column]}",
                ))  # fmt: skip
            elif is_computed_area(name):
                problems.append(DataProblemRow(
                    file=file, row=row, column=column, area=area, value=name,
                    problem=DataProblem.RESERVED_AREA, hint="only areas take part in pairing",
                ))  # fmt: skip
        if area and area == peer:
            problems.append(DataProblemRow(
                file=file, row=row, column="peer_area", area=area, value=peer,
                problem=DataProblem.SELF_PAIR, hint="a CSWO cannot assess their own area",
            ))  # fmt: skip
    for column, hint in (("area", "each area is assessed by one peer"),
                         ("peer_area", "each area's CSWO assesses one other area")):  # fmt: skip
        named = frame[column] != ""
        for position in frame.index[named & frame[column].duplicated()]:
            name = str(frame.at[position, column])
            problems.append(DataProblemRow(
                file=file, row=lines[int(position)], column=column,
                area=str(frame.at[position, "area"]), value=name,
                problem=DataProblem.DUPLICATE_AREA, hint=hint,
            ))  # fmt: skip
    if problems:
        raise ValidationError(tuple(sorted(problems, key=lambda p: (p.row or 0, p.column))))
    return frame[list(PAIR_COLUMNS)].reset_index(drop=True)
