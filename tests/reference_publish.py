"""The publication step as it was first written, row-wise with pandas lookups: the oracle
that :meth:`outcomes.Results.published` (which works on integer codes) must match frame for
frame. Kept out of the package; slow at scale, plain to read."""

from __future__ import annotations

import numpy as np
import pandas as pd

from outcomes import Results
from outcomes.results._results import _CHANGE, _FIGURES, DEFAULT_SUPPRESS_BELOW
from outcomes.vocabulary import SCOTLAND, ItemKind, Polarity


def published_frame(results: Results, suppress_below: int | None = None) -> pd.DataFrame:
    """The published table of ``results``, computed cell by cell."""
    frame = results.frame.copy()
    catalogue = results.catalogue
    default = DEFAULT_SUPPRESS_BELOW if suppress_below is None else suppress_below
    threshold = frame["indicator"].map(
        {i.id: (default if i.disclosure_threshold is None else i.disclosure_threshold)
         for i in catalogue}
    )  # fmt: skip
    counted = frame["indicator"].map(
        {i.id: catalogue.items[i.numerator].kind is ItemKind.COUNT for i in catalogue}
    )
    numerator = frame["numerator"]
    hidden = counted & (numerator >= 1) & (numerator < threshold)
    hidden = _secondary(frame.assign(family_group=frame["area"].map(results.family_groups)),
                        hidden, counted)  # fmt: skip
    frame["suppressed"] = hidden
    frame.loc[hidden, list(_FIGURES)] = np.nan
    frame.loc[hidden, list(_CHANGE)] = np.nan
    frame.loc[hidden, ["direction"]] = "suppressed"
    frame.loc[hidden, ["vs_scotland", "vs_family_group", "trend"]] = None
    hidden_keys = pd.MultiIndex.from_frame(frame.loc[hidden, ["indicator", "area", "period"]])
    follows = pd.MultiIndex.from_arrays(
        [frame["indicator"], frame["area"], frame["previous_period"]]
    ).isin(hidden_keys)
    follows_hidden = pd.Series(follows, index=frame.index) & ~hidden
    frame.loc[follows_hidden, list(_CHANGE)] = np.nan
    frame.loc[follows_hidden, "direction"] = "not_comparable"
    notes = frame.loc[follows_hidden, "note"]
    frame.loc[follows_hidden, "note"] = notes.where(notes == "", notes + "; ") + (
        "previous value suppressed"
    )
    if hidden.any():
        _rerank(frame, results)
    return frame


def _rerank(frame: pd.DataFrame, results: Results) -> None:
    ranked = frame["rank"].notna()
    if not ranked.any():
        return
    sign = frame["indicator"].map(
        {i.id: -1.0 if i.polarity is Polarity.HIGHER_IS_BETTER else 1.0 for i in results.catalogue}
    )
    oriented = (frame["value"].astype(np.float64) * sign).where(ranked)
    groups = oriented.groupby([frame["indicator"], frame["period"]])
    rank = groups.rank(method="min")
    rank_of = groups.transform("count").where(ranked)
    quartile = np.ceil(4 * rank / rank_of)
    for column, values in (("rank", rank), ("rank_of", rank_of), ("quartile", quartile)):
        frame[column] = values.round().astype("Int64")


def _secondary(frame: pd.DataFrame, hidden: pd.Series, counted: pd.Series) -> pd.Series:
    hidden = hidden.copy()
    is_area = ~frame["area"].eq(SCOTLAND) & ~frame["area"].str.contains(":", regex=False)
    members = frame[is_area & counted & frame["numerator"].notna()]
    totals = [["indicator", "period"], ["indicator", "period", "family_group"]]
    changed = True
    while changed:
        changed = False
        for keys in totals:
            grouped = hidden[members.index].groupby([members[k] for k in keys])
            lonely = grouped.transform("sum") == 1
            candidates = members[lonely & ~hidden[members.index]]
            if candidates.empty:
                continue
            ordered = candidates.sort_values(["numerator", "area"], kind="stable")
            smallest = ordered.groupby(keys).head(1).index
            hidden[smallest] = True
            changed = True
    return hidden
