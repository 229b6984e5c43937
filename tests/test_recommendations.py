"""The 13 recommendations of Changing Lives as package data."""

from __future__ import annotations

from pathlib import Path

import pytest

from outcomes.catalogue import load_recommendations
from outcomes.errors import CatalogueError, CatalogueProblem
from outcomes.vocabulary import Evidence, Scope


def test_thirteen_recommendations_in_order_with_what_each_requires() -> None:
    recommendations = load_recommendations()
    assert [r.number for r in recommendations] == list(range(1, 14))
    assert all(r.requires and r.title.endswith(".") for r in recommendations)
    rec11 = recommendations[10]
    assert "outcomes" in rec11.title
    assert any("peer assessed" in requirement for requirement in rec11.requires)


def test_only_recommendation_13_is_national() -> None:
    national = [r.number for r in load_recommendations() if r.scope is Scope.NATIONAL]
    assert national == [13]
    assert load_recommendations()[12].evidence is Evidence.NATIONAL


def test_a_broken_recommendations_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "recommendations.toml"
    path.write_text('[[recommendation]]\nnumber = 1\ntitel = "x"\n', encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_recommendations(path)
    kinds = {row.problem for row in caught.value.problems}
    assert CatalogueProblem.UNKNOWN_KEY in kinds
    assert CatalogueProblem.MISSING_KEY in kinds
