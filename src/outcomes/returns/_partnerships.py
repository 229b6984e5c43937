"""Partnership geography: the councils' data as the 31 Integration Authority areas.

Core Suite indicators are published for health and social care partnerships, not only for
councils; Clackmannanshire and Stirling share one partnership, every other council is its
own. :func:`by_partnership` turns a council dataset into a partnership dataset: an item that
adds up (a count, an amount of money, hours, days, weeks) is summed over the partnership's
councils, so that every indicator of the partnership is Σ numerators / Σ denominators; an
item that does not add up (a published estimate, a standard deviation, a score) is taken
from the dataset's own rows for the partnership (published partnership figures) and is
absent where there are none. Scotland's published rows pass through unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from outcomes.core._geography import known_areas, lookup_area
from outcomes.errors import DataProblem, DataProblemRow, UnknownAreaError, ValidationError
from outcomes.returns._tidy import Areas, Dataset
from outcomes.vocabulary import SCOTLAND, ItemKind

if TYPE_CHECKING:
    import pandas as pd

    from outcomes.catalogue._catalogue import Catalogue

__all__ = ["SUMMABLE_KINDS", "by_partnership"]

#: Kinds of item whose partnership figure is the sum of its councils' figures.
SUMMABLE_KINDS = frozenset(
    {ItemKind.COUNT, ItemKind.MONEY, ItemKind.HOURS, ItemKind.DAYS, ItemKind.WEEKS}
)
#: When councils' flags differ, the partnership's sum carries the most cautious one.
_FLAG_ORDER = ("provisional", "estimated", "revised", "")


def by_partnership(dataset: Dataset, areas: Areas, catalogue: Catalogue) -> tuple[Dataset, Areas]:
    """The dataset and areas of the partnerships that ``areas``' councils belong to.

    A partnership's summed item is given only when every one of its councils gives it (a
    part-sum would understate it): otherwise it is flagged ``not_collected``. Family groups
    are those of councils, so the partnership areas have none.

    >>> import outcomes
    >>> from outcomes.core._resources import bundled_path
    >>> example = bundled_path("example")
    >>> data, partnerships = by_partnership(outcomes.read_dataset(example / "data.csv"),
    ...     outcomes.read_areas(example / "areas.csv"), outcomes.load_catalogue())
    >>> len(partnerships.names), "Clackmannanshire and Stirling" in partnerships.names
    (31, True)
    """
    import pandas as pd

    partnership_of = _partnership_of(areas)
    members: dict[str, list[str]] = {}
    for council, partnership in partnership_of.items():
        members.setdefault(partnership, []).append(council)
    adds_up = {name: item.kind in SUMMABLE_KINDS for name, item in catalogue.items.items()}
    frame = dataset.frame
    summable = frame["item"].map(adds_up).fillna(False).astype(bool)
    national = frame["area"] == SCOTLAND
    councils = frame[summable & frame["area"].isin(list(partnership_of))].assign(
        partnership=lambda rows: rows["area"].map(partnership_of)
    )
    pieces: list[pd.DataFrame] = []
    if len(councils):
        grouped = councils.groupby(["partnership", "period", "item"], sort=True)
        summed = grouped.agg(
            value=("value", lambda values: values.sum(min_count=len(values))),
            given=("value", "count"),
            flag=("flag", _cautious_flag),
        ).reset_index()
        expected = summed["partnership"].map(lambda name: len(members[name]))
        complete = summed["given"] == expected
        summed.loc[~complete, "value"] = float("nan")
        summed.loc[~complete, "flag"] = "not_collected"
        pieces.append(summed.rename(columns={"partnership": "area"}))
    published = frame[~summable & ~national]
    if len(published):
        # Each distinct area looked up once, not once a row.
        spelled = {area: _published_partnership(area) for area in published["area"].unique()}
        as_partnership = published["area"].map(spelled)
        kept = published[as_partnership.notna()].assign(area=as_partnership.dropna())
        pieces.append(kept)
    pieces.append(frame[national])
    columns = ["area", "period", "item", "value", "flag"]
    tidy = pd.concat([piece[columns] for piece in pieces], ignore_index=True)
    tidy = tidy.sort_values(["area", "period", "item"], kind="stable").reset_index(drop=True)
    names = sorted(members)
    codes = {area.name: area.code for area in known_areas() if area.type == "partnership"}
    partnerships = pd.DataFrame({
        "area": names, "name": names, "family_group": [""] * len(names),
        "type": ["partnership"] * len(names), "code": [codes[name] for name in names],
    })  # fmt: skip
    source = f"{dataset.source} (by partnership)"
    return (
        Dataset(frame=tidy, source=source),
        Areas.from_frame(partnerships, source=f"{areas.source} (by partnership)"),
    )


def _partnership_of(areas: Areas) -> dict[str, str]:
    """Each council of ``areas`` and the name of its partnership; an area the bundled
    geography does not know as a council is an error naming it."""
    by_code = {area.code: area for area in known_areas()}
    codes = areas.frame["code"] if "code" in areas.frame.columns else [""] * len(areas.frame)
    found: dict[str, str] = {}
    problems: list[DataProblemRow] = []
    for row, (area, name, code) in enumerate(
        zip(areas.frame["area"], areas.frame["name"], codes, strict=True), start=2
    ):
        try:
            known = by_code.get(code) or lookup_area(name or area, type="council")
        except UnknownAreaError as error:
            problems.append(DataProblemRow(
                file=areas.source, row=row, column="area", area=area, value=area,
                problem=DataProblem.UNKNOWN_AREA, hint=str(error),
            ))  # fmt: skip
            continue
        if known.type != "council" or not known.partnership:
            problems.append(DataProblemRow(
                file=areas.source, row=row, column="area", area=area, value=area,
                problem=DataProblem.UNKNOWN_AREA,
                hint=f"{known.name} is a {known.type}, not a council of a partnership",
            ))  # fmt: skip
            continue
        found[area] = by_code[known.partnership].name
    if problems:
        raise ValidationError(tuple(problems))
    return found


def _published_partnership(area: str) -> str | None:
    """The partnership a dataset row's area names, if it names one (its own figures). A
    council's own figure stands for its partnership only where the partnership is that one
    council: Clackmannanshire's survey estimate is not Clackmannanshire and Stirling's."""
    try:
        known = lookup_area(area, type="partnership")
    except UnknownAreaError:
        return None
    if known.type != "partnership":
        return None
    members = [a for a in known_areas() if a.partnership == known.code]
    try:
        council = lookup_area(area, type="council")
    except UnknownAreaError:
        return known.name
    if council.type == "council" and len(members) > 1:
        return None
    return known.name


def _cautious_flag(flags: pd.Series) -> str:
    given = set(flags.fillna(""))
    return next((flag for flag in _FLAG_ORDER if flag in given), "")
