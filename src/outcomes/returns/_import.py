"""Published tables into the tidy dataset, driven by a mapping written in TOML.

A mapping (docs/importing.md) says which sheet holds the table, which column names the
area, how indicators and periods are laid out (``wide``: a column per indicator and period,
as the LGBF workbook; ``long``: a row per indicator, area and period), which cells mean
"not published", and where the deflators are. :func:`import_table` reads a workbook or CSV
with it and gives an :class:`ImportedTable`: the tidy dataset (numerators and denominators
under the catalogue's item names), the areas (official names with GSS codes), the
deflators, and every published figure as given, the Scotland row included, for comparison.

Every problem (an unknown area, a cell that is not a number, a bad period) is collected
with its file, sheet, row and column and raised at once as a
:class:`~outcomes.errors.ValidationError`; nothing is dropped without being listed.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from outcomes.core._geography import AREA_TYPES, area_key, lookup_area
from outcomes.core._io import csv_text, format_number, write_text_atomic
from outcomes.core._periods import parse_period
from outcomes.core._resources import package_text
from outcomes.core._suggest import did_you_mean
from outcomes.core._tables import RawTable, read_tables
from outcomes.core._toml import (
    FieldError,
    Parsers,
    Problem,
    TomlFileError,
    load_toml,
    parse_table,
    problem_rows,
    text,
)
from outcomes.errors import (
    CatalogueError,
    CatalogueProblem,
    CatalogueProblemRow,
    DataProblem,
    DataProblemRow,
    PeriodError,
    Severity,
    UnknownAreaError,
    ValidationError,
)
from outcomes.returns._rows import parse_number
from outcomes.returns._tidy import Areas, Dataset
from outcomes.vocabulary import SCOTLAND, Measure

if TYPE_CHECKING:
    import pandas as pd

    from outcomes.catalogue._catalogue import Catalogue, Indicator

__all__ = [
    "IMPORT_ROLES",
    "PUBLISHED_COLUMNS",
    "ImportMapping",
    "ImportedTable",
    "import_lgbf",
    "import_table",
    "load_mapping",
]

#: What a cell of a published table can hold for an indicator, area and period.
#: ``numerator`` and ``denominator`` go into the tidy dataset under the indicator's items;
#: every role is kept in the published table.
IMPORT_ROLES: Final = ("value", "numerator", "denominator", "lower", "upper")

#: Columns of ``published.csv``: every published figure as given, one row per indicator
#: (the catalogue's id), area (the areas file's ``area``, or ``Scotland``) and period.
PUBLISHED_COLUMNS: Final = ("indicator", "area", "period", *IMPORT_ROLES)

#: Mappings shipped with the package, by name (``outcomes import NAME``).
BUNDLED_MAPPINGS: Final = ("lgbf",)

_LAYOUTS = ("wide", "long")
_PERIOD = r"\d{4}(?:-\d{2})?"


def _texts(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FieldError(CatalogueProblem.WRONG_TYPE, "expected a list of text")
    return tuple(value)


def _one_of(choices: tuple[str, ...]) -> Any:
    def parse(value: object) -> str:
        if value not in choices:
            raise FieldError(CatalogueProblem.BAD_VALUE, f"{value!r} is not allowed",
                             did_you_mean(str(value), choices))  # fmt: skip
        return str(value)

    return parse


def _roles(value: object) -> tuple[str, ...]:
    roles = _texts(value)
    for role in roles:
        _one_of(IMPORT_ROLES)(role)
    return roles


def _pattern(value: object) -> str:
    pattern = text(value)
    if "{indicator}" not in pattern or "{period}" not in pattern:
        raise FieldError(CatalogueProblem.BAD_VALUE, "the pattern needs {indicator} and {period}",
                         'e.g. "{indicator} {period}"')  # fmt: skip
    return pattern


_TABLE_KEYS: Parsers = {
    "publisher": (text, False),
    "sheet": (text, False),
    "layout": (_one_of(_LAYOUTS), True),
    "area_column": (text, True),
    "area_type": (_one_of(AREA_TYPES[:2]), False),
    "national": (text, False),
    "missing": (_texts, False),
    "indicator_scheme": (text, False),
}
_WIDE_KEYS: Parsers = {"value_column": (_pattern, True), "following": (_roles, False)}
_LONG_KEYS: Parsers = {
    "indicator_column": (text, True),
    "period_column": (text, True),
    **{f"{role}_column": (text, role == "value") for role in IMPORT_ROLES},
}
_DEFLATOR_KEYS: Parsers = {
    "sheet": (text, False),
    "period_column": (text, True),
    "deflator_column": (text, True),
}


def _under(section: str, problems: list[Problem]) -> list[Problem]:
    """Problems of one table of the mapping, their keys written ``section.key``."""
    return [(f"{section}.{key}" if key else section, kind, message, hint)
            for key, kind, message, hint in problems]  # fmt: skip


@attrs.frozen(kw_only=True)
class ImportMapping:
    """How a published table is laid out (docs/importing.md, "Mapping keys").

    ``layout`` is ``wide`` (``value_column`` is the header pattern of a value column, e.g.
    ``"{indicator} {period}"``, and ``following`` the roles of the columns after it that end
    with the same period) or ``long`` (``columns`` maps ``indicator``, ``period`` and each
    role of :data:`IMPORT_ROLES` given to its column header). ``indicator_scheme`` names the
    catalogue alias the table's ids are (``lgbf``); empty means the catalogue's own ids.
    """

    source: str
    publisher: str = ""
    sheet: str = ""
    layout: str
    area_column: str
    area_type: str = "council"
    national: str = SCOTLAND
    missing: tuple[str, ...] = ("", "#N/A", "*", "-")
    indicator_scheme: str = ""
    value_column: str = "{indicator} {period}"
    following: tuple[str, ...] = ()
    columns: Mapping[str, str] = attrs.field(factory=dict)
    deflator_sheet: str | None = None
    deflator_period_column: str = ""
    deflator_column: str = ""

    @classmethod
    def from_toml(cls, data: Mapping[str, Any], source: str) -> ImportMapping:
        """Check a parsed mapping, collecting every problem (as for a catalogue)."""
        problems: list[CatalogueProblemRow] = []
        unknown = sorted(set(data) - {"table", "wide", "long", "deflators"})
        problems += problem_rows(source, [
            (name, CatalogueProblem.UNKNOWN_TABLE, f"unknown table [{name}]",
             did_you_mean(name, ["table", "wide", "long", "deflators"]))
            for name in unknown
        ])  # fmt: skip
        table, found = parse_table(data.get("table"), _TABLE_KEYS, "[table]")
        problems += problem_rows(source, _under("table", found))
        fields: dict[str, Any] = dict(table)
        layout = table.get("layout", "")
        if layout in _LAYOUTS:
            keys = _WIDE_KEYS if layout == "wide" else _LONG_KEYS
            section, found = parse_table(data.get(layout, {}), keys, f"[{layout}]")
            problems += problem_rows(source, _under(layout, found))
            if layout == "wide":
                fields.update(section)
            else:
                fields["columns"] = {key.removesuffix("_column"): column
                                     for key, column in section.items()}  # fmt: skip
        if "deflators" in data:
            section, found = parse_table(data["deflators"], _DEFLATOR_KEYS, "[deflators]")
            problems += problem_rows(source, _under("deflators", found))
            fields["deflator_sheet"] = section.get("sheet", "")
            fields["deflator_period_column"] = section.get("period_column", "")
            fields["deflator_column"] = section.get("deflator_column", "")
        if problems:
            raise CatalogueError(tuple(problems))
        return cls(source=source, **fields)


def load_mapping(name_or_path: str | os.PathLike[str]) -> ImportMapping:
    """A mapping shipped with the package (``"lgbf"``) or read from a TOML file.

    >>> load_mapping("lgbf").area_column
    'Local Authority'
    """
    if str(name_or_path) in BUNDLED_MAPPINGS:
        import tomllib

        content, where = package_text("outcomes.returns", f"mappings/{name_or_path}.toml")
        return ImportMapping.from_toml(tomllib.loads(content), where)
    path = Path(name_or_path)
    try:
        data = load_toml(path)
    except TomlFileError as error:
        kind = CatalogueProblem.TOML_SYNTAX if error.syntax else CatalogueProblem.UNREADABLE
        row = CatalogueProblemRow(file=str(path), problem=kind, message=str(error),
                                  hint=error.hint)  # fmt: skip
        raise CatalogueError((row,)) from error
    return ImportMapping.from_toml(data, str(path))


@attrs.frozen(kw_only=True)
class ImportedTable:
    """What a published table gives, ready to write or compute.

    - ``dataset``: the tidy dataset: each council's numerators and denominators under the
      catalogue's item names; a cell published as missing is a row flagged
      ``not_collected``.
    - ``areas``: the areas found, with ``area`` and ``name`` the official name, ``code``
      the GSS code and ``type``.
    - ``deflators``: ``{period: index}`` (empty when the mapping names none).
    - ``published``: every figure as published (:data:`PUBLISHED_COLUMNS`), the national
      row as ``Scotland``; the table ``compute(published=...)`` compares with.
    - ``ignored``: the table's indicator ids that the catalogue does not know, left out.
    - ``value_only``: the catalogue ids published as a value only (no numerator and
      denominator), kept in ``published`` alone.
    """

    dataset: Dataset
    areas: Areas
    deflators: Mapping[str, float] = attrs.field(factory=dict)
    published: pd.DataFrame = attrs.field(eq=False, repr=False)
    ignored: tuple[str, ...] = ()
    value_only: tuple[str, ...] = ()

    def write(self, directory: str | os.PathLike[str]) -> list[Path]:
        """Write ``data.csv``, ``areas.csv``, ``deflators.csv`` and ``published.csv`` into
        ``directory``; return the paths. The same table gives the same bytes."""
        import pandas as pd

        folder = Path(directory)
        deflators = pd.DataFrame(
            {"period": list(self.deflators), "deflator": list(self.deflators.values())}
        )
        return [
            write_text_atomic(folder / "data.csv", csv_text(self.dataset.frame)),
            write_text_atomic(folder / "areas.csv", csv_text(self.areas.frame)),
            write_text_atomic(folder / "deflators.csv", csv_text(deflators)),
            write_text_atomic(folder / "published.csv", csv_text(self.published)),
        ]


@attrs.frozen
class _Cell:
    """One published figure, where it was read."""

    area: str
    row: int
    column: str
    indicator: str
    period: str
    role: str
    text: str


def import_lgbf(path: str | os.PathLike[str], catalogue: Catalogue | None = None) -> ImportedTable:
    """Import the LGBF "Raw Data" workbook with the bundled ``lgbf`` mapping.

    >>> from pathlib import Path
    >>> sample = Path("tests/data/lgbf_sample.xlsx")
    >>> table = import_lgbf(sample) if sample.exists() else None
    >>> table is None or table.ignored == ("CHN1",)
    True
    """
    return import_table(path, load_mapping("lgbf"), catalogue)


def import_table(
    path: str | os.PathLike[str], mapping: ImportMapping, catalogue: Catalogue | None = None
) -> ImportedTable:
    """Read the published table at ``path`` (XLSX or CSV) as ``mapping`` says.

    Only indicators the catalogue knows (by ``mapping.indicator_scheme``) are taken;
    ``catalogue`` defaults to the bundled one. Raises :class:`ValidationError` listing
    every problem with its file, sheet, row and column.
    """
    import pandas as pd

    from outcomes.catalogue._catalogue import load_catalogue

    catalogue = catalogue if catalogue is not None else load_catalogue()
    file = str(path)
    tables, problems = read_tables(path)
    if any(row.severity is Severity.ERROR for row in problems) or not tables:
        raise ValidationError(tuple(problems))
    table = _sheet(tables, mapping.sheet, file)
    cells, problems = _cells(table, mapping)
    by_source = {i.aliases.get(mapping.indicator_scheme) if mapping.indicator_scheme else i.id: i
                 for i in catalogue}  # fmt: skip
    ignored = sorted({cell.indicator for cell in cells} - set(by_source))
    cells = [cell for cell in cells if cell.indicator in by_source]
    places: dict[str, str] = {}
    for cell in cells:
        if cell.area in places:
            continue
        if area_key(cell.area) == area_key(mapping.national):
            places[cell.area] = SCOTLAND
            continue
        try:
            places[cell.area] = lookup_area(cell.area, type=mapping.area_type).name
        except UnknownAreaError as error:
            places[cell.area] = ""
            problems.append(DataProblemRow(
                file=file, sheet=table.sheet, row=cell.row, column=mapping.area_column,
                area=cell.area, value=cell.area, problem=DataProblem.UNKNOWN_AREA,
                hint=f"not a {mapping.area_type} of the bundled geography; {error.hint}",
            ))  # fmt: skip
    missing = {text.strip().casefold() for text in mapping.missing}
    records: list[dict[str, Any]] = []
    for cell in cells:
        indicator = by_source[cell.indicator]
        number = math.nan
        if cell.text.strip().casefold() not in missing:
            parsed, problem, hint = parse_number(cell.text)
            if problem is not None or parsed is None:
                problems.append(DataProblemRow(
                    file=file, sheet=table.sheet, row=cell.row, column=cell.column,
                    area=cell.area, period=cell.period, value=cell.text,
                    problem=problem or DataProblem.NOT_A_NUMBER,
                    hint=hint or "list the text in the mapping's missing values if it means "
                    "'not published'",
                ))  # fmt: skip
                continue
            number = parsed
        records.append({"indicator": indicator.id, "area": places[cell.area],
                        "period": cell.period, "role": cell.role, "value": number,
                        "item": _item(indicator, cell.role), "row": cell.row,
                        "column": cell.column})  # fmt: skip
    problems += _period_problems(records, file, table.sheet)
    deflators, more = _deflators(tables, mapping, file)
    problems += more
    frame = pd.DataFrame(records, columns=["indicator", "area", "period", "role", "value",
                                           "item", "row", "column"])  # fmt: skip
    dataset, more = _dataset(frame, file, table.sheet)
    problems += more
    if any(row.severity is Severity.ERROR for row in problems):
        raise ValidationError(tuple(problems))
    areas = _areas(frame)
    with_items = set(frame.loc[frame["item"] != "", "indicator"])
    value_only = tuple(i.id for i in catalogue if i.id in set(frame["indicator"]) - with_items)
    return ImportedTable(dataset=dataset, areas=areas, deflators=deflators,
                         published=_published(frame, catalogue), ignored=tuple(ignored),
                         value_only=value_only)  # fmt: skip


def _sheet(tables: list[RawTable], sheet: str, file: str) -> RawTable:
    if not sheet:
        return tables[0]
    for table in tables:
        if table.sheet == sheet:
            return table
    raise ValidationError((DataProblemRow(
        file=file, sheet=sheet, problem=DataProblem.UNREADABLE_FILE,
        hint=f"the workbook has no sheet {sheet!r}; "
        + did_you_mean(sheet, [t.sheet for t in tables]),
    ),))  # fmt: skip


def _column(table: RawTable, name: str, file: str) -> int:
    header = [cell.strip() for cell in table.header]
    if name in header:
        return header.index(name)
    raise ValidationError((DataProblemRow(
        file=file, sheet=table.sheet, row=table.header_row, column=name,
        problem=DataProblem.MISSING_COLUMN, hint=did_you_mean(name, [h for h in header if h]),
    ),))  # fmt: skip


def _cells(table: RawTable, mapping: ImportMapping) -> tuple[list[_Cell], list[DataProblemRow]]:
    """Every published figure of the table with its indicator, period and role."""
    area_at = _column(table, mapping.area_column, table.file)
    header = [cell.strip() for cell in table.header]
    if mapping.layout == "wide":
        places = _wide_columns(header, mapping)
        return [
            _Cell(cells[area_at].strip(), number, header[at], indicator, period, role,
                  cells[at] if at < len(cells) else "")
            for number, cells in table.rows
            for at, (indicator, period, role) in places.items()
        ], []  # fmt: skip
    roles = {role: _column(table, column, table.file) for role, column in mapping.columns.items()}
    found: list[_Cell] = []
    for number, cells in table.rows:
        padded = [*cells, *[""] * (len(header) - len(cells))]
        for role in IMPORT_ROLES:
            if role in roles:
                found.append(_Cell(padded[area_at].strip(), number, header[roles[role]],
                                   padded[roles["indicator"]].strip(),
                                   padded[roles["period"]].strip(), role,
                                   padded[roles[role]]))  # fmt: skip
    return found, []


def _wide_columns(header: list[str], mapping: ImportMapping) -> dict[int, tuple[str, str, str]]:
    """Column position -> (indicator, period, role) for a wide table: each value column
    matches the pattern; the columns after it that end with its period take the roles of
    ``following`` in order."""
    pattern = re.escape(mapping.value_column)
    pattern = pattern.replace(re.escape("{indicator}"), r"(?P<indicator>[A-Za-z][\w.-]*)")
    pattern = pattern.replace(re.escape("{period}"), rf"(?P<period>{_PERIOD})")
    value = re.compile(pattern)
    places: dict[int, tuple[str, str, str]] = {}
    at = 0
    while at < len(header):
        match = value.fullmatch(header[at])
        if not match:
            at += 1
            continue
        indicator, period = match["indicator"], match["period"]
        places[at] = (indicator, period, "value")
        at += 1
        for role in mapping.following:
            if (
                at < len(header)
                and header[at].endswith(f" {period}")
                and not value.fullmatch(header[at])
            ):
                places[at] = (indicator, period, role)
                at += 1
            else:
                break
    return places


def _item(indicator: Indicator, role: str) -> str:
    """The catalogue item a role's figure is returned under, or "" (published only). An
    estimate's value and interval bounds are its items; a ratio's value is computed, so
    only its numerator and denominator are."""
    if indicator.measure is Measure.ESTIMATE:
        items = {"value": indicator.numerator, "lower": indicator.lower, "upper": indicator.upper}
        return items.get(role) or ""
    if role == "numerator" and indicator.denominator is not None:
        return indicator.numerator
    if role == "denominator":
        return indicator.denominator or ""
    return ""


def _period_problems(records: list[dict[str, Any]], file: str, sheet: str) -> list[DataProblemRow]:
    problems: list[DataProblemRow] = []
    seen: set[str] = set()
    for record in records:
        label = record["period"]
        if label in seen:
            continue
        seen.add(label)
        try:
            parse_period(label)
        except PeriodError as error:
            problems.append(
                DataProblemRow(
                    file=file,
                    sheet=sheet,
                    row=record["row"],
                    column=record["column"],
                    value=label,
                    problem=DataProblem.BAD_PERIOD,
                    hint=str(error),
                )
            )
    return problems


def _dataset(frame: pd.DataFrame, file: str, sheet: str) -> tuple[Dataset, list[DataProblemRow]]:
    """The councils' numerators and denominators as the tidy dataset; one value per area,
    period and item (two source columns giving different values is a problem)."""
    import pandas as pd

    # Scotland's rows stay: published national figures, an estimate's national value and,
    # for a ratio, compared with the councils' Σ numerators / Σ denominators.
    rows = frame[(frame["item"] != "") & (frame["area"] != "")]
    problems: list[DataProblemRow] = []
    keys = ["area", "period", "item"]
    repeated = rows[rows.duplicated(keys, keep=False)]
    for _, group in repeated.groupby(keys, sort=True):
        values = {format_number(v) for v in group["value"]}
        if len(values) > 1:
            first = group.iloc[-1]
            problems.append(DataProblemRow(
                file=file, sheet=sheet, row=int(first["row"]), column=str(first["column"]),
                area=str(first["area"]), period=str(first["period"]), item=str(first["item"]),
                value=", ".join(sorted(values)), problem=DataProblem.CONFLICTING_VALUES,
                hint="two columns give this item different values",
            ))  # fmt: skip
    rows = rows.drop_duplicates(keys)
    tidy = pd.DataFrame({
        "area": rows["area"].astype(str), "period": rows["period"].astype(str),
        "item": rows["item"].astype(str),
        "value": [format_number(v) for v in rows["value"]],
        "flag": ["not_collected" if math.isnan(v) else "" for v in rows["value"]],
    })  # fmt: skip
    if problems or tidy.empty:
        empty = pd.DataFrame(columns=["area", "period", "item", "value", "flag"])
        return Dataset.from_frame(empty, file), problems
    dataset = Dataset.from_frame(tidy, file)
    return Dataset(frame=_sorted(dataset.frame), source=file), problems


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    starts = {label: parse_period(label).start for label in frame["period"].unique()}
    order = frame.assign(_start=frame["period"].map(starts))
    order = order.sort_values(["area", "_start", "item"], kind="stable")
    return order.drop(columns="_start").reset_index(drop=True)


def _areas(frame: pd.DataFrame) -> Areas:
    import pandas as pd

    names = sorted(set(frame["area"]) - {"", SCOTLAND})
    known = [lookup_area(name, type="council") for name in names]
    return Areas.from_frame(pd.DataFrame({
        "area": names, "name": names, "family_group": [""] * len(names),
        "type": [area.type for area in known], "code": [area.code for area in known],
    }), "imported areas")  # fmt: skip


def _published(frame: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """One row per indicator, area and period with each role's figure as published."""
    import pandas as pd

    wide = frame[frame["area"] != ""].pivot_table(
        index=["indicator", "area", "period"], columns="role", values="value",
        aggfunc="first", dropna=False,
    )  # fmt: skip
    wide = wide.reindex(columns=list(IMPORT_ROLES)).reset_index()
    wide = wide.dropna(subset=list(IMPORT_ROLES), how="all")
    order = {indicator: position for position, indicator in enumerate(catalogue.ids)}
    starts = {label: parse_period(label).start for label in wide["period"].unique()}
    wide = wide.assign(_order=wide["indicator"].map(order), _start=wide["period"].map(starts),
                       _national=wide["area"] != SCOTLAND)  # fmt: skip
    wide = wide.sort_values(["_order", "_national", "area", "_start"], kind="stable")
    result = pd.DataFrame(wide[list(PUBLISHED_COLUMNS)]).reset_index(drop=True)
    result.columns.name = None
    return result


def _deflators(
    tables: list[RawTable], mapping: ImportMapping, file: str
) -> tuple[dict[str, float], list[DataProblemRow]]:
    if mapping.deflator_sheet is None:
        return {}, []
    table = _sheet(tables, mapping.deflator_sheet, file)
    period_at = _column(table, mapping.deflator_period_column, file)
    value_at = _column(table, mapping.deflator_column, file)
    found: dict[str, float] = {}
    problems: list[DataProblemRow] = []
    for number, cells in table.rows:
        padded = [*cells, "", ""]
        label, given = padded[period_at].strip(), padded[value_at]
        if not label and not given.strip():
            continue
        try:
            label = parse_period(label).label
        except PeriodError as error:
            problems.append(
                DataProblemRow(
                    file=file,
                    sheet=table.sheet,
                    row=number,
                    column=mapping.deflator_period_column,
                    value=label,
                    problem=DataProblem.BAD_PERIOD,
                    hint=str(error),
                )
            )
            continue
        value, problem, hint = parse_number(given)
        if value is None or not value > 0:
            problems.append(
                DataProblemRow(
                    file=file,
                    sheet=table.sheet,
                    row=number,
                    column=mapping.deflator_column,
                    period=label,
                    value=given,
                    problem=problem or DataProblem.NOT_A_NUMBER,
                    hint=hint or "a deflator is a positive number",
                )
            )
            continue
        found[label] = value
    ordered = sorted(found, key=lambda label: parse_period(label).start)
    return {label: found[label] for label in ordered}, problems
