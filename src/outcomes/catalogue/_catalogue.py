"""The indicator catalogue: TOML definitions loaded into frozen, validated objects.

The loader is lazy in pandera's sense: it runs every check on every file and raises one
:class:`CatalogueError` listing all problems, each with its file, indicator id and key.
"""

from __future__ import annotations

import math
import os
import types
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from outcomes.core._resources import bundled_path
from outcomes.core._suggest import did_you_mean
from outcomes.core._toml import (
    Parsers,
    Problem,
    TomlFileError,
    choice,
    choices,
    flag,
    identifier,
    item_name,
    load_toml,
    multiplier,
    number,
    optional_text,
    parse_table,
    problem_rows,
    text,
    text_table,
    whole_number,
    whole_numbers,
)
from outcomes.errors import CatalogueError, CatalogueProblem, CatalogueProblemRow
from outcomes.vocabulary import (
    RECOMMENDATIONS,
    SUPPLIERS,
    Branch,
    Frequency,
    ItemKind,
    Measure,
    OutcomeGroup,
    PeriodType,
    Polarity,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BUNDLED", "Catalogue", "DataItem", "Indicator", "load_catalogue"]

#: Pass as a source to :func:`load_catalogue` to mean the catalogue shipped with the package.
BUNDLED = "bundled"

_PROPORTION_MULTIPLIERS = (1.0, 100.0)


def _read_only(mapping: Mapping[str, str]) -> Mapping[str, str]:
    return types.MappingProxyType(dict(sorted(mapping.items())))


def _outcome_groups(groups: Iterable[OutcomeGroup | str]) -> tuple[OutcomeGroup, ...]:
    return tuple(OutcomeGroup(group) for group in groups)


def _numbers(numbers: Iterable[int]) -> tuple[int, ...]:
    return tuple(numbers)


def _indicator_tuple(indicators: Iterable[Indicator]) -> tuple[Indicator, ...]:
    return tuple(indicators)


def _item_mapping(items: Mapping[str, DataItem]) -> Mapping[str, DataItem]:
    return types.MappingProxyType(dict(items))


def _texts(texts: Iterable[str]) -> tuple[str, ...]:
    return tuple(texts)


@attrs.frozen(kw_only=True)
class DataItem:
    """One data item of the minimal national dataset: a number a council returns.

    >>> DataItem(name="discharges", title="Discharges from hospital", unit="discharges",
    ...          kind=ItemKind.COUNT).kind
    <ItemKind.COUNT: 'count'>
    """

    name: str
    title: str
    unit: str
    kind: ItemKind = attrs.field(converter=ItemKind)
    description: str = ""
    #: Who supplies it: ``council`` (the council's return) or a national source
    #: (:data:`~outcomes.vocabulary.SUPPLIERS`), with the publication it comes from.
    supplier: str = "council"
    publication: str = ""
    defined_in: str = attrs.field(default="", eq=False)

    @property
    def from_council(self) -> bool:
        """Whether the council's return asks for it (no national source publishes it)."""
        return self.supplier == "council"


@attrs.frozen(kw_only=True)
class Indicator:
    """One outcome indicator: how its value is formed from data items, and what it evidences.

    Rules that tie keys together (a count has no denominator, a proportion's multiplier is
    1 or 100, ...) are checked on construction and raise :class:`CatalogueError`.
    """

    id: str
    title: str
    measure: Measure = attrs.field(converter=Measure)
    numerator: str
    denominator: str | None = None
    multiplier: float = 1.0
    #: The multiplier as written in the catalogue, e.g. ``"1000/52"``.
    multiplier_text: str = attrs.field()
    unit: str
    polarity: Polarity = attrs.field(converter=Polarity)
    branch: Branch = attrs.field(converter=Branch)
    recommendations: tuple[int, ...] = attrs.field(converter=_numbers)
    outcome_for: tuple[OutcomeGroup, ...] = attrs.field(converter=_outcome_groups)
    period_type: PeriodType = attrs.field(converter=PeriodType)
    source: str
    aliases: Mapping[str, str] = attrs.field(factory=dict, converter=_read_only, hash=False)
    description: str = ""
    sd: str | None = None
    disclosure_threshold: int | None = None
    materiality: float = 0.0
    deflate: bool = False
    #: How often a figure is published, and how many whole periods after a period ends
    #: its figure appears (docs/methods.md, "Change").
    frequency: Frequency = attrs.field(default=Frequency.ANNUAL, converter=Frequency)
    lag: int = 0
    #: For an estimate: the items holding its published interval's bounds.
    lower: str | None = None
    upper: str | None = None
    defined_in: str = attrs.field(default="", eq=False)

    @multiplier_text.default
    def _multiplier_as_written(self) -> str:
        return f"{self.multiplier:g}"

    def __attrs_post_init__(self) -> None:
        problems = _indicator_rules(self)
        if problems:
            raise CatalogueError(
                problem_rows(self.defined_in or "<python>", problems, indicator=self.id)
            )

    @property
    def items(self) -> tuple[str, ...]:
        """The data items this indicator needs: numerator, then denominator, sd and the
        interval's bounds if any."""
        return tuple(
            name
            for name in (self.numerator, self.denominator, self.sd, self.lower, self.upper)
            if name
        )


def _indicator_rules(indicator: Indicator) -> list[Problem]:
    """Rules between keys of one indicator (each key on its own is already well-formed)."""
    problems: list[Problem] = []
    measure = indicator.measure
    if measure is Measure.COUNT and indicator.denominator is not None:
        problems.append(
            (
                "denominator",
                CatalogueProblem.INCONSISTENT,
                "a count has no denominator",
                "remove 'denominator' or choose another measure",
            )
        )
    if measure not in (Measure.COUNT, Measure.ESTIMATE) and indicator.denominator is None:
        problems.append(
            (
                "denominator",
                CatalogueProblem.MISSING_KEY,
                f"a {measure} needs a denominator",
                "name the data item to divide by",
            )
        )
    if measure is Measure.PROPORTION and indicator.multiplier not in _PROPORTION_MULTIPLIERS:
        problems.append(
            (
                "multiplier",
                CatalogueProblem.BAD_MULTIPLIER,
                f"a proportion's multiplier must be 1 or 100, not {indicator.multiplier_text}",
                "use 100 for a percentage, or measure = 'rate' for 'per 1,000'",
            )
        )
    if measure in (Measure.COUNT, Measure.ESTIMATE) and indicator.multiplier != 1:
        problems.append(
            (
                "multiplier",
                CatalogueProblem.BAD_MULTIPLIER,
                f"a {measure}'s multiplier must be 1, not {indicator.multiplier_text}",
                "",
            )
        )
    if (indicator.lower is None) != (indicator.upper is None):
        problems.append(
            (
                "upper" if indicator.upper is None else "lower",
                CatalogueProblem.MISSING_KEY,
                "an interval needs both bounds",
                "name the items of both 'lower' and 'upper', or neither",
            )
        )
    if indicator.lower is not None and measure is not Measure.ESTIMATE:
        problems.append(
            (
                "lower",
                CatalogueProblem.INCONSISTENT,
                "only an estimate has published interval bounds",
                "remove 'lower' and 'upper' or use measure = 'estimate'",
            )
        )
    if indicator.lag < 0:
        problems.append(("lag", CatalogueProblem.BAD_VALUE, "lag must be 0 or more", ""))
    if not (math.isfinite(indicator.multiplier) and indicator.multiplier > 0):
        problems.append(
            (
                "multiplier",
                CatalogueProblem.BAD_MULTIPLIER,
                f"multiplier must be a positive number, not {indicator.multiplier_text}",
                "",
            )
        )
    if indicator.sd is not None and measure is not Measure.MEAN:
        problems.append(
            (
                "sd",
                CatalogueProblem.INCONSISTENT,
                "only a mean has a standard deviation item",
                "remove 'sd' or use measure = 'mean'",
            )
        )
    if indicator.deflate and measure is not Measure.COST:
        problems.append(
            (
                "deflate",
                CatalogueProblem.INCONSISTENT,
                "only costs can be shown in real terms",
                "remove 'deflate'",
            )
        )
    outside = [n for n in indicator.recommendations if n not in RECOMMENDATIONS]
    if outside or not indicator.recommendations:
        problems.append(
            (
                "recommendations",
                CatalogueProblem.BAD_RECOMMENDATION,
                f"recommendations must be 1 to 13, got {list(indicator.recommendations)}",
                "list the Changing Lives recommendations this indicator evidences",
            )
        )
    if not indicator.outcome_for:
        problems.append(
            (
                "outcome_for",
                CatalogueProblem.BAD_VALUE,
                "name at least one outcome group",
                did_you_mean("", [group.value for group in OutcomeGroup]),
            )
        )
    if indicator.disclosure_threshold is not None and indicator.disclosure_threshold < 0:
        problems.append(
            (
                "disclosure_threshold",
                CatalogueProblem.BAD_VALUE,
                "disclosure_threshold must be 0 or more",
                "",
            )
        )
    if not 0 <= indicator.materiality < 1:
        problems.append(
            (
                "materiality",
                CatalogueProblem.BAD_VALUE,
                "materiality is a relative change from 0 up to (not including) 1",
                "e.g. 0.02 for 2%",
            )
        )
    return problems


@attrs.frozen(kw_only=True)
class Catalogue:
    """A set of indicators and the data items they use.

    Checks between definitions (every item an indicator names is declared with the right
    kind, no item is declared without being used, ids are unique) run on construction.
    ``warnings`` records what merging catalogues replaced; nothing is printed.

    One class because a catalogue is one value: its indicators and items are checked
    together on construction, and every lookup (by id, by alias, :meth:`filter`, by
    recommendation, :meth:`to_frame`) reads them as one.

    >>> catalogue = load_catalogue()
    >>> catalogue["SW6"].polarity
    <Polarity.LOWER_IS_BETTER: 'lower_is_better'>
    """

    indicators: tuple[Indicator, ...] = attrs.field(converter=_indicator_tuple)
    items: Mapping[str, DataItem] = attrs.field(converter=_item_mapping, hash=False)
    warnings: tuple[str, ...] = attrs.field(default=(), converter=_texts, eq=False)

    def __attrs_post_init__(self) -> None:
        problems = _catalogue_rules(self.indicators, self.items)
        if problems:
            raise CatalogueError(tuple(problems))

    def __len__(self) -> int:
        return len(self.indicators)

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.indicators)

    def __contains__(self, indicator_id: object) -> bool:
        return any(indicator.id == indicator_id for indicator in self.indicators)

    def __getitem__(self, indicator_id: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        hint = did_you_mean(indicator_id, self.ids)
        raise KeyError(f"no indicator {indicator_id!r} in the catalogue; {hint}")

    @property
    def ids(self) -> tuple[str, ...]:
        """Indicator ids in catalogue order."""
        return tuple(indicator.id for indicator in self.indicators)

    def by_alias(self, scheme: str, code: str) -> Indicator:
        """Find an indicator by another framework's code.

        >>> load_catalogue().by_alias("lgbf", "SW6").id
        'SW6'
        """
        for indicator in self.indicators:
            if indicator.aliases.get(scheme) == code:
                return indicator
        known = [c for i in self.indicators for s, c in i.aliases.items() if s == scheme]
        raise KeyError(f"no indicator has {scheme} code {code!r}; {did_you_mean(code, known)}")

    def filter(
        self,
        *,
        branch: Branch | str | None = None,
        recommendation: int | None = None,
        outcome_for: OutcomeGroup | str | None = None,
    ) -> Catalogue:
        """Return the indicators that match every given criterion, with the items they use."""
        chosen = [
            indicator
            for indicator in self.indicators
            if (branch is None or indicator.branch == Branch(branch))
            and (recommendation is None or recommendation in indicator.recommendations)
            and (outcome_for is None or OutcomeGroup(outcome_for) in indicator.outcome_for)
        ]
        used = {name for indicator in chosen for name in indicator.items}
        items = {name: item for name, item in self.items.items() if name in used}
        return Catalogue(indicators=chosen, items=items, warnings=self.warnings)

    def select(self, ids: Iterable[str]) -> Catalogue:
        """The indicators ``ids`` (in catalogue order), with the items they use: one
        partition of the work, since every indicator is computed on its own items
        (docs/performance.md, "Beyond one machine").

        >>> load_catalogue().select(["SW6", "SW5"]).ids
        ('SW5', 'SW6')
        """
        wanted = set(ids)
        unknown = sorted(wanted - set(self.ids))
        if unknown:
            raise KeyError(f"no indicator {unknown[0]!r}; {did_you_mean(unknown[0], self.ids)}")
        chosen = [indicator for indicator in self.indicators if indicator.id in wanted]
        used = {name for indicator in chosen for name in indicator.items}
        items = {name: item for name, item in self.items.items() if name in used}
        return Catalogue(indicators=chosen, items=items, warnings=self.warnings)

    def by_recommendation(self) -> dict[int, tuple[Indicator, ...]]:
        """Indicators evidencing each recommendation 1-13 (empty tuples included)."""
        return {
            number: tuple(i for i in self.indicators if number in i.recommendations)
            for number in RECOMMENDATIONS
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per indicator, lists joined with ``;``, aliases as ``scheme=code``."""
        import pandas as pd

        rows = [
            {
                "id": i.id,
                "title": i.title,
                "branch": i.branch.value,
                "measure": i.measure.value,
                "numerator": i.numerator,
                "denominator": i.denominator or "",
                "sd": i.sd or "",
                "multiplier": i.multiplier_text,
                "unit": i.unit,
                "polarity": i.polarity.value,
                "recommendations": ";".join(map(str, i.recommendations)),
                "outcome_for": ";".join(group.value for group in i.outcome_for),
                "period_type": i.period_type.value,
                "aliases": ";".join(f"{k}={v}" for k, v in i.aliases.items()),
                "disclosure_threshold": i.disclosure_threshold,
                "materiality": i.materiality,
                "deflate": i.deflate,
                "frequency": i.frequency.value,
                "lag": i.lag,
                "lower": i.lower or "",
                "upper": i.upper or "",
                "source": i.source,
                "description": i.description,
            }
            for i in self.indicators
        ]
        return pd.DataFrame(rows, columns=_FRAME_COLUMNS)


_FRAME_COLUMNS = [
    "id",
    "title",
    "branch",
    "measure",
    "numerator",
    "denominator",
    "sd",
    "multiplier",
    "unit",
    "polarity",
    "recommendations",
    "outcome_for",
    "period_type",
    "aliases",
    "disclosure_threshold",
    "materiality",
    "deflate",
    "frequency",
    "lag",
    "lower",
    "upper",
    "source",
    "description",
]


def _catalogue_rules(
    indicators: tuple[Indicator, ...], items: Mapping[str, DataItem]
) -> list[CatalogueProblemRow]:
    rows: list[CatalogueProblemRow] = []
    first_definition: dict[str, Indicator] = {}
    used: set[str] = set()
    for indicator in indicators:
        where = indicator.defined_in or "<python>"
        if indicator.id in first_definition:
            earlier = first_definition[indicator.id].defined_in or "<python>"
            rows += problem_rows(
                where,
                indicator=indicator.id,
                problems=[
                    (
                        "id",
                        CatalogueProblem.DUPLICATE_ID,
                        f"{indicator.id!r} is already defined in {earlier}",
                        "give each indicator its own id",
                    )
                ],
            )
        first_definition.setdefault(indicator.id, indicator)
        used.update(indicator.items)
        rows += problem_rows(where, _item_rules(indicator, items), indicator=indicator.id)
    for name, item in items.items():
        if name not in used:
            rows.append(
                CatalogueProblemRow(
                    file=item.defined_in or "<python>",
                    item=name,
                    key="name",
                    problem=CatalogueProblem.DANGLING_ITEM,
                    message=f"data item {name!r} is declared but no indicator uses it",
                    hint="remove it: the minimal dataset collects only what an indicator needs",
                )
            )
    return rows


def _item_rules(indicator: Indicator, items: Mapping[str, DataItem]) -> list[Problem]:
    problems: list[Problem] = []
    for key in ("numerator", "denominator", "sd", "lower", "upper"):
        name = getattr(indicator, key)
        if name is not None and name not in items:
            problems.append(
                (
                    key,
                    CatalogueProblem.UNKNOWN_ITEM,
                    f"data item {name!r} is not declared",
                    did_you_mean(name, items) + " (declare it in an [[item]] table)",
                )
            )
    if problems:
        return problems
    numerator = items[indicator.numerator]
    if indicator.measure is Measure.PROPORTION and indicator.denominator is not None:
        denominator = items[indicator.denominator]
        if numerator.kind is not denominator.kind:
            problems.append(
                (
                    "denominator",
                    CatalogueProblem.INCONSISTENT,
                    f"a proportion divides like by like, but {numerator.name!r} is "
                    f"{numerator.kind} and {denominator.name!r} is {denominator.kind}",
                    "use measure = 'rate' or 'cost'",
                )
            )
    if indicator.measure is Measure.ESTIMATE:
        for key in ("numerator", "lower", "upper"):
            name = getattr(indicator, key)
            if name is not None and items[name].kind is not ItemKind.ESTIMATE:
                problems.append(
                    (
                        key,
                        CatalogueProblem.INCONSISTENT,
                        f"an estimate's {key} is a published figure, but {name!r} is "
                        f"{items[name].kind}",
                        "declare the item with kind = 'estimate'",
                    )
                )
    if indicator.sd is not None and items[indicator.sd].kind is not ItemKind.SD:
        problems.append(
            (
                "sd",
                CatalogueProblem.INCONSISTENT,
                f"data item {indicator.sd!r} is {items[indicator.sd].kind}, not sd",
                "",
            )
        )
    return problems


# ---------------------------------------------------------------------------------------------
# Reading TOML


# key -> (parser, required)
_INDICATOR_KEYS: Parsers = {
    "id": (identifier, True),
    "title": (text, True),
    "measure": (choice(Measure), True),
    "numerator": (item_name, True),
    "denominator": (item_name, False),
    "multiplier": (multiplier, True),
    "unit": (text, True),
    "polarity": (choice(Polarity), True),
    "branch": (choice(Branch), True),
    "recommendations": (whole_numbers, True),
    "outcome_for": (choices(OutcomeGroup), True),
    "period_type": (choice(PeriodType), True),
    "source": (text, True),
    "aliases": (text_table, False),
    "description": (optional_text, False),
    "sd": (item_name, False),
    "disclosure_threshold": (whole_number, False),
    "materiality": (number, False),
    "deflate": (flag, False),
    "frequency": (choice(Frequency), False),
    "lag": (whole_number, False),
    "lower": (item_name, False),
    "upper": (item_name, False),
}
_ITEM_KEYS: Parsers = {
    "name": (item_name, True),
    "title": (text, True),
    "unit": (text, True),
    "kind": (choice(ItemKind), True),
    "description": (optional_text, False),
    "supplier": (identifier, False),
    "publication": (optional_text, False),
}
_TABLES = {"indicator": _INDICATOR_KEYS, "item": _ITEM_KEYS}


@attrs.frozen
class _Layer:
    """What one source (the bundled folder, a user folder or file) defines."""

    indicators: list[Indicator] = attrs.Factory(list)
    items: list[DataItem] = attrs.Factory(list)
    problems: list[CatalogueProblemRow] = attrs.Factory(list)
    #: Items named by indicator tables that could not be loaded: not reported as unused.
    mentioned: set[str] = attrs.Factory(set)


def _load_file(path: Path, layer: _Layer) -> None:
    """Read one TOML file into ``layer``: its indicators, items and every problem in it."""
    file = str(path)
    try:
        document = load_toml(path)
    except TomlFileError as error:
        kind = CatalogueProblem.TOML_SYNTAX if error.syntax else CatalogueProblem.UNREADABLE
        layer.problems.append(_file_problem(file, kind, error.message, hint=error.hint))
        return
    for table in sorted(set(document) - set(_TABLES)):
        hint = did_you_mean(table, _TABLES) + " (write [[indicator]] or [[item]])"
        message = f"unknown table {table!r}"
        layer.problems.append(
            _file_problem(file, CatalogueProblem.UNKNOWN_TABLE, message, table, hint)
        )
    for table, keys in _TABLES.items():
        entries = document.get(table, [])
        if not isinstance(entries, list):
            message = f"write [[{table}]] (an array of tables), not [{table}]"
            layer.problems.append(_file_problem(file, CatalogueProblem.WRONG_TYPE, message, table))
            continue
        for position, raw in enumerate(entries, start=1):
            fields, problems = parse_table(raw, keys, f"[[{table}]] #{position}")
            if table == "indicator":
                where = {"indicator": str(fields.get("id", f"#{position}"))}
                if isinstance(raw, dict):
                    layer.mentioned.update(
                        str(raw.get(key))
                        for key in ("numerator", "denominator", "sd", "lower", "upper")
                    )
            else:
                where = {"item": str(fields.get("name", f"#{position}"))}
            layer.problems.extend(problem_rows(file, problems, **where))
            if problems:
                continue
            try:
                if table == "indicator":
                    fields["multiplier"], fields["multiplier_text"] = fields["multiplier"]
                    layer.indicators.append(Indicator(**fields, defined_in=file))
                else:
                    layer.items.append(DataItem(**fields, defined_in=file))
            except CatalogueError as error:
                layer.problems.extend(error.problems)


def _file_problem(
    file: str, kind: CatalogueProblem, message: str, key: str = "", hint: str = ""
) -> CatalogueProblemRow:
    return CatalogueProblemRow(file=file, key=key, problem=kind, message=message, hint=hint)


def _load_source(source: str | os.PathLike[str]) -> _Layer:
    bundled = isinstance(source, str) and source == BUNDLED
    path = bundled_path("indicators") if bundled else Path(source)
    layer = _Layer()
    if path.is_dir():
        files = sorted(path.rglob("*.toml"))
    elif path.is_file():
        files = [path]
    else:
        message = "no such file or directory"
        layer.problems.append(_file_problem(str(path), CatalogueProblem.UNREADABLE, message))
        return layer
    if not files:
        message = "the folder holds no .toml files"
        layer.problems.append(_file_problem(str(path), CatalogueProblem.NO_DEFINITIONS, message))
    for file in files:
        _load_file(file, layer)
    seen: dict[str, DataItem] = {}
    for item in layer.items:
        if item.name in seen:
            layer.problems.append(
                CatalogueProblemRow(
                    file=item.defined_in,
                    item=item.name,
                    key="name",
                    problem=CatalogueProblem.DUPLICATE_ITEM,
                    message=f"{item.name!r} is already declared in {seen[item.name].defined_in}",
                    hint="declare each data item once",
                )
            )
        seen.setdefault(item.name, item)
    return layer


def load_catalogue(*sources: str | os.PathLike[str]) -> Catalogue:
    """Load indicator definitions from the bundled catalogue, your own folders or files.

    With no arguments, the bundled catalogue is loaded. Sources are merged in order: a
    later definition replaces an earlier one with the same id (or item name), and the
    replacement is recorded in :attr:`Catalogue.warnings`. Pass :data:`BUNDLED` and your
    folder to extend the bundled catalogue; pass only your folder to replace it.

    Every problem in every file is collected and raised together as one
    :class:`CatalogueError`.

    >>> len(load_catalogue(BUNDLED)) >= 40
    True
    """
    layers = [_load_source(source) for source in (sources or (BUNDLED,))]
    problems = [row for layer in layers for row in layer.problems]
    warnings: list[str] = []
    indicators: dict[str, Indicator] = {}
    items: dict[str, DataItem] = {}
    owner: dict[str, _Layer] = {}
    duplicate_ids: list[Indicator] = []
    for layer in layers:
        defined_here: set[str] = set()
        for indicator in layer.indicators:
            if indicator.id in defined_here:
                duplicate_ids.append(indicator)  # reported by the catalogue rules below
                continue
            defined_here.add(indicator.id)
            if indicator.id in indicators:
                earlier = indicators[indicator.id]
                warnings.append(
                    f"indicator {indicator.id} from {indicator.defined_in} replaces "
                    f"the definition in {earlier.defined_in}"
                )
            indicators[indicator.id] = indicator
        for item in layer.items:
            if item.name in items and item != items[item.name]:
                warnings.append(
                    f"data item {item.name} from {item.defined_in} replaces the "
                    f"declaration in {items[item.name].defined_in}"
                )
            items[item.name] = item
            owner[item.name] = layer
            if item.supplier not in SUPPLIERS:
                warnings.append(
                    f"data item {item.name} from {item.defined_in} names supplier "
                    f"{item.supplier!r}, not one of the known sources; "
                    + did_you_mean(item.supplier, SUPPLIERS)
                )
    # An item left unused only because its indicators were replaced is dropped, not an error.
    used = {name for indicator in indicators.values() for name in indicator.items}
    for name in sorted(set(items) - used):
        layer_use = {n for indicator in owner[name].indicators for n in indicator.items}
        if name in layer_use and len(layers) > 1:
            warnings.append(f"data item {name} is no longer used by any indicator and is left out")
            del items[name]
    try:
        catalogue = Catalogue(
            indicators=[*indicators.values(), *duplicate_ids], items=items, warnings=warnings
        )
    except CatalogueError as error:
        # An item named by an indicator that failed to load is not "unused": say it once.
        mentioned = {name for layer in layers for name in layer.mentioned}
        problems += [
            row
            for row in error.problems
            if not (row.problem is CatalogueProblem.DANGLING_ITEM and row.item in mentioned)
        ]
    if problems:
        raise CatalogueError(tuple(problems))
    return catalogue
