"""Property tests: whatever a catalogue file holds, the loader answers with a catalogue or a
CatalogueError that locates every problem, never with another exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomes import Catalogue, load_catalogue
from outcomes.errors import CatalogueError, CatalogueProblem, CatalogueProblemRow
from tests.strategies import faulty_catalogue_documents, toml_document, valid_indicator, valid_items


def load_text(text: str) -> Catalogue:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.toml"
        path.write_text(text, encoding="utf-8")
        return load_catalogue(path)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(faulty_catalogue_documents())
def test_faulty_catalogues_fail_only_with_located_catalogue_errors(text: str) -> None:
    problems: tuple[CatalogueProblemRow, ...] = ()
    try:
        catalogue = load_text(text)
    except CatalogueError as error:
        problems = error.problems
        assert problems, "a CatalogueError must list at least one problem"
    else:
        used = {name for indicator in catalogue for name in indicator.items}
        assert used == set(catalogue.items)
    for row in problems:
        assert isinstance(row.problem, CatalogueProblem)
        assert row.file.endswith("generated.toml")
        assert row.message


@given(
    title=st.text(min_size=1).filter(str.strip),
    multiplier=st.sampled_from([1, 100]),
    recommendations=st.sets(st.integers(min_value=1, max_value=13), min_size=1),
)
def test_well_formed_definitions_load_unchanged(
    title: str, multiplier: int, recommendations: set[int]
) -> None:
    indicator = valid_indicator(
        title=title, multiplier=multiplier, recommendations=sorted(recommendations)
    )
    text = toml_document({"indicator": [indicator], "item": valid_items()})
    loaded = load_text(text)["CC99"]
    assert loaded.title == title.strip()
    assert loaded.multiplier == multiplier
    assert loaded.recommendations == tuple(sorted(recommendations))
