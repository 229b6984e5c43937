"""The indicator catalogue: loading, every kind of problem, and merging catalogues."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import attrs
import pytest

import outcomes
import outcomes.catalogue
import outcomes.errors
from outcomes import OutcomesError, load_catalogue
from outcomes.catalogue import BUNDLED
from outcomes.errors import CatalogueError, CatalogueProblem
from outcomes.vocabulary import Branch, Evidence, Measure
from tests.strategies import toml_document, valid_indicator, valid_items

DATA = Path(__file__).parent / "data"


def write_catalogue(
    folder: Path,
    indicators: list[dict[str, object]],
    items: list[dict[str, object]] | None = None,
    name: str = "local.toml",
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    document = {"indicator": indicators, "item": valid_items() if items is None else items}
    (folder / name).write_text(toml_document(document), encoding="utf-8")
    return folder


def problems_of(source: Path) -> list[outcomes.errors.CatalogueProblemRow]:
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(source)
    return list(caught.value.problems)


# --- The bundled catalogue -------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled() -> outcomes.Catalogue:
    return load_catalogue()


def test_bundled_catalogue_has_forty_real_indicators_in_every_branch(
    bundled: outcomes.Catalogue,
) -> None:
    assert len(bundled) >= 40
    assert {indicator.branch for indicator in bundled} == set(Branch)
    for indicator in bundled:
        assert "http" in indicator.source, f"{indicator.id} does not cite a public source"


def test_bundled_catalogue_has_the_lgbf_social_work_indicators(bundled: outcomes.Catalogue) -> None:
    lgbf = {indicator.aliases.get("lgbf", indicator.id) for indicator in bundled}
    required = {"SW1", "SW2", "SW3a", "SW4b", "SW4c", "SW4d", "SW4e", "SW5", "SW6", "SW7", "SW8"}
    required |= {"CHN8a", "CHN8b", "CHN9", "CHN22", "CHN23"}
    assert required <= lgbf


@pytest.mark.parametrize(
    ("code", "polarity"),
    [
        *[(code, "higher_is_better") for code in ["SW2", "SW3a", "SW4b", "SW4c", "SW4d"]],
        *[(code, "higher_is_better") for code in ["SW4e", "SW7", "CHN9"]],
        *[(code, "lower_is_better") for code in ["SW1", "SW5", "SW6", "SW8", "CHN8a"]],
        *[(code, "lower_is_better") for code in ["CHN8b", "CHN22", "CHN23"]],
    ],
)
def test_lgbf_polarities_follow_the_framework(
    bundled: outcomes.Catalogue, code: str, polarity: str
) -> None:
    assert bundled.by_alias("lgbf", code).polarity == polarity


def test_sw5_and_sw6_reproduce_published_lgbf_values(bundled: outcomes.Catalogue) -> None:
    """The catalogue's multipliers turn the real LGBF numerators and denominators into the
    published council values (tests/data, from the Improvement Service)."""
    with (DATA / "lgbf_sw5_sw6.csv").open(encoding="utf-8") as stream:
        rows = [row for row in csv.DictReader(stream) if row["area"] != "Scotland"]
    checked = 0
    for row in rows:
        if not (row["numerator"] and row["denominator"] and row["published_value"]):
            continue
        indicator = bundled.by_alias("lgbf", row["indicator"])
        value = indicator.multiplier * float(row["numerator"]) / float(row["denominator"])
        # Some published values are rounded to 4 decimal places.
        assert math.isclose(value, float(row["published_value"]), abs_tol=5e-5), row
        checked += 1
    assert checked > 600


def test_sw5_multiplier_is_parsed_from_its_ratio(bundled: outcomes.Catalogue) -> None:
    sw5 = bundled.by_alias("lgbf", "SW5")
    with (DATA / "lgbf_sw5_sw6_meta.csv").open(encoding="utf-8") as stream:
        meta = {row["indicator"]: row for row in csv.DictReader(stream)}
    assert sw5.multiplier_text == "1000/52"
    assert math.isclose(sw5.multiplier, float(meta["SW5"]["multiplier"]), rel_tol=1e-12)
    assert sw5.deflate
    assert sw5.polarity == meta["SW5"]["polarity"]


def test_every_recommendation_is_evidenced_or_declared_self_assessment_only(
    bundled: outcomes.Catalogue,
) -> None:
    evidence = bundled.by_recommendation()
    for recommendation in outcomes.catalogue.load_recommendations():
        indicators = evidence[recommendation.number]
        if recommendation.evidence is Evidence.INDICATORS:
            assert indicators, f"recommendation {recommendation.number} has no indicator"
        else:
            assert not indicators, (
                f"recommendation {recommendation.number} is marked {recommendation.evidence} "
                f"but {[i.id for i in indicators]} evidence it"
            )


def test_definitions_are_frozen(bundled: outcomes.Catalogue) -> None:
    indicator = bundled.indicators[0]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        indicator.title = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        indicator.aliases["lgbf"] = "X"  # type: ignore[index]


def test_unknown_indicator_lookup_suggests_the_closest_id(bundled: outcomes.Catalogue) -> None:
    with pytest.raises(KeyError, match="did you mean 'SW6'"):
        bundled["SW6x"]


def test_filter_keeps_matching_indicators_and_only_their_items(
    bundled: outcomes.Catalogue,
) -> None:
    justice = bundled.filter(branch="criminal_justice")
    assert justice.indicators
    assert all(indicator.branch is Branch.CRIMINAL_JUSTICE for indicator in justice)
    used = {name for indicator in justice for name in indicator.items}
    assert set(justice.items) == used
    rec11 = bundled.filter(recommendation=11)
    assert all(11 in indicator.recommendations for indicator in rec11)


# --- A catalogue of one's own ---------------------------------------------------------------


def test_a_valid_catalogue_loads_into_typed_objects(tmp_path: Path) -> None:
    catalogue = load_catalogue(write_catalogue(tmp_path, [valid_indicator()]))
    indicator = catalogue["CC99"]
    assert indicator.measure is Measure.PROPORTION
    assert indicator.multiplier == 100
    assert indicator.items == ("adults_feeling_safe", "adults_surveyed")
    assert indicator.defined_in == str(tmp_path / "local.toml")
    assert catalogue.warnings == ()


@pytest.mark.parametrize(
    ("text", "value"),
    [("1000/52", 1000 / 52), ("100", 100.0), ("1e5", 1e5), ("7 * 1000 / 52", 7000 / 52)],
)
def test_ratio_multipliers_are_parsed_not_evaluated(
    tmp_path: Path, text: str, value: float
) -> None:
    indicator = valid_indicator(measure="cost", multiplier=text)
    catalogue = load_catalogue(write_catalogue(tmp_path, [indicator]))
    assert math.isclose(catalogue["CC99"].multiplier, value)


BAD_CASES = {
    "unknown key": (valid_indicator(polarty="higher_is_better"), CatalogueProblem.UNKNOWN_KEY,
                    "polarty", "did you mean 'polarity'"),
    "missing key": ({k: v for k, v in valid_indicator().items() if k != "source"},
                    CatalogueProblem.MISSING_KEY, "source", ""),
    "misspelt polarity": (valid_indicator(polarity="lower_is_beter"), CatalogueProblem.BAD_VALUE,
                          "polarity", "did you mean 'lower_is_better'"),
    "misspelt branch": (valid_indicator(branch="comunity_care"), CatalogueProblem.BAD_VALUE,
                        "branch", "did you mean 'community_care'"),
    "unknown item": (valid_indicator(numerator="adults_feeling_saf"),
                     CatalogueProblem.UNKNOWN_ITEM, "numerator", "'adults_feeling_safe'"),
    "recommendation 14": (valid_indicator(recommendations=[11, 14]),
                          CatalogueProblem.BAD_RECOMMENDATION, "recommendations", ""),
    "recommendation 0": (valid_indicator(recommendations=[0]),
                         CatalogueProblem.BAD_RECOMMENDATION, "recommendations", ""),
    "no recommendation": (valid_indicator(recommendations=[]),
                          CatalogueProblem.BAD_RECOMMENDATION, "recommendations", ""),
    "proportion per 1,000": (valid_indicator(multiplier=1000), CatalogueProblem.BAD_MULTIPLIER,
                             "multiplier", "measure = 'rate'"),
    "negative multiplier": (valid_indicator(measure="rate", multiplier=-5),
                            CatalogueProblem.BAD_MULTIPLIER, "multiplier", ""),
    "code as multiplier": (valid_indicator(measure="rate", multiplier="__import__('os')"),
                           CatalogueProblem.BAD_MULTIPLIER, "multiplier", ""),
    "division by zero": (valid_indicator(measure="rate", multiplier="1000/0"),
                         CatalogueProblem.BAD_MULTIPLIER, "multiplier", ""),
    "count with denominator": (valid_indicator(measure="count", multiplier=1),
                               CatalogueProblem.INCONSISTENT, "denominator", ""),
    "rate without denominator": (
        {k: v for k, v in valid_indicator(measure="rate").items() if k != "denominator"},
        CatalogueProblem.MISSING_KEY, "denominator", ""),
    "sd on a proportion": (valid_indicator(sd="adults_surveyed"), CatalogueProblem.INCONSISTENT,
                           "sd", ""),
    "deflated proportion": (valid_indicator(deflate=True), CatalogueProblem.INCONSISTENT,
                            "deflate", ""),
    "wrong type": (valid_indicator(title=42), CatalogueProblem.WRONG_TYPE, "title", ""),
    "materiality of 1": (valid_indicator(materiality=1.0), CatalogueProblem.BAD_VALUE,
                         "materiality", ""),
    "bad id": (valid_indicator(id="9 lives"), CatalogueProblem.BAD_VALUE, "id", ""),
    "unknown outcome group": (valid_indicator(outcome_for=["carer"]), CatalogueProblem.BAD_VALUE,
                              "outcome_for", "did you mean 'carers'"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_each_kind_of_problem_names_file_indicator_and_key(tmp_path: Path, case: str) -> None:
    indicator, problem, key, hint = BAD_CASES[case]
    problems = problems_of(write_catalogue(tmp_path, [indicator]))
    # A misspelt item name also leaves the declared item unused; that is reported too.
    [row] = [row for row in problems if row.problem is not CatalogueProblem.DANGLING_ITEM]
    assert (row.problem, row.key) == (problem, key)
    assert row.file == str(tmp_path / "local.toml")
    assert row.indicator == "CC99" or key == "id"
    assert hint in row.hint
    assert row.file in str(row)
    assert key in str(row)


def test_every_problem_in_every_file_is_reported_at_once(tmp_path: Path) -> None:
    write_catalogue(tmp_path, [valid_indicator(polarity="up", branch="x")], name="a.toml")
    write_catalogue(
        tmp_path,
        [valid_indicator(id="CC98", recommendations=[99]), valid_indicator(id="CC97", title="")],
        items=[],
        name="b.toml",
    )
    problems = problems_of(tmp_path)
    found = {(Path(row.file).name, row.indicator or row.item, row.key) for row in problems}
    assert found == {
        ("a.toml", "CC99", "polarity"),
        ("a.toml", "CC99", "branch"),
        ("b.toml", "CC98", "recommendations"),
        ("b.toml", "CC97", "title"),
    }


def test_duplicate_ids_across_files_are_an_error(tmp_path: Path) -> None:
    write_catalogue(tmp_path, [valid_indicator()], name="a.toml")
    write_catalogue(tmp_path, [valid_indicator()], items=[], name="b.toml")
    [row] = problems_of(tmp_path)
    assert row.problem is CatalogueProblem.DUPLICATE_ID
    assert row.file.endswith("b.toml")
    assert "a.toml" in row.message


def test_duplicate_and_dangling_items_are_errors(tmp_path: Path) -> None:
    spare: dict[str, object] = {
        "name": "spare_item",
        "title": "Unused",
        "unit": "people",
        "kind": "count",
    }
    items = [*valid_items(), valid_items()[0], spare]
    problems = problems_of(write_catalogue(tmp_path, [valid_indicator()], items=items))
    assert {(row.problem, row.item) for row in problems} == {
        (CatalogueProblem.DUPLICATE_ITEM, "adults_feeling_safe"),
        (CatalogueProblem.DANGLING_ITEM, "spare_item"),
    }


def test_a_proportion_divides_like_by_like(tmp_path: Path) -> None:
    items = valid_items()
    items[1]["kind"] = "money"
    [row] = problems_of(write_catalogue(tmp_path, [valid_indicator()], items=items))
    assert (row.problem, row.key) == (CatalogueProblem.INCONSISTENT, "denominator")


def test_toml_syntax_errors_name_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text('[[indicator]]\nid = "CC1\n', encoding="utf-8")
    [row] = problems_of(tmp_path)
    assert row.problem is CatalogueProblem.TOML_SYNTAX
    assert row.file.endswith("broken.toml")
    assert "line 2" in row.message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[indicators]\nid = "x"\n', CatalogueProblem.UNKNOWN_TABLE),
        ('[indicator]\nid = "x"\n', CatalogueProblem.WRONG_TYPE),
    ],
)
def test_misshapen_tables_are_reported(
    tmp_path: Path, text: str, problem: CatalogueProblem
) -> None:
    (tmp_path / "odd.toml").write_text(text, encoding="utf-8")
    assert problem in {row.problem for row in problems_of(tmp_path)}


def test_missing_or_empty_sources_are_reported(tmp_path: Path) -> None:
    [missing] = problems_of(tmp_path / "nowhere")
    assert missing.problem is CatalogueProblem.UNREADABLE
    [empty] = problems_of(tmp_path)
    assert empty.problem is CatalogueProblem.NO_DEFINITIONS


def test_catalogue_errors_are_value_errors_and_outcomes_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="nowhere") as caught:
        load_catalogue(tmp_path / "nowhere")
    assert isinstance(caught.value, OutcomesError)


def test_constructing_an_indicator_in_python_applies_the_same_rules() -> None:
    fields = valid_indicator(multiplier=1000.0)
    with pytest.raises(CatalogueError) as caught:
        outcomes.Indicator(**fields)  # type: ignore[arg-type]
    assert [row.problem for row in caught.value.problems] == [CatalogueProblem.BAD_MULTIPLIER]


# --- Merging ---------------------------------------------------------------------------------


def test_a_local_catalogue_extends_the_bundled_one(tmp_path: Path) -> None:
    local = write_catalogue(tmp_path, [valid_indicator()])
    merged = load_catalogue(BUNDLED, local)
    assert len(merged) == len(load_catalogue()) + 1
    assert "CC99" in merged
    assert merged.warnings == ()


def test_a_local_definition_overrides_the_bundled_one_with_a_warning(
    tmp_path: Path, bundled: outcomes.Catalogue
) -> None:
    original = bundled.by_alias("lgbf", "SW6")
    replacement = valid_indicator(
        id=original.id, title="Readmissions, local definition", measure="rate", multiplier=1000,
        numerator=original.numerator, denominator=original.denominator,
    )  # fmt: skip
    merged = load_catalogue(BUNDLED, write_catalogue(tmp_path, [replacement], items=[]))
    assert merged[original.id].title == "Readmissions, local definition"
    assert len(merged) == len(bundled)
    [warning] = merged.warnings
    assert original.id in warning
    assert str(tmp_path) in warning


def test_items_left_unused_by_an_override_are_dropped_with_a_warning(
    tmp_path: Path, bundled: outcomes.Catalogue
) -> None:
    original = bundled.by_alias("lgbf", "SW6")
    only_users = [i for i in bundled if original.numerator in i.items]
    assert [i.id for i in only_users] == [original.id], "pick an item only SW6 uses"
    replacement = valid_indicator(id=original.id)
    merged = load_catalogue(BUNDLED, write_catalogue(tmp_path, [replacement]))
    assert original.numerator not in merged.items
    assert any(original.numerator in warning for warning in merged.warnings)
    assert original.numerator not in outcomes.DatasetSpec.from_catalogue(merged)


def test_a_local_folder_alone_replaces_the_bundled_catalogue(tmp_path: Path) -> None:
    catalogue = load_catalogue(write_catalogue(tmp_path, [valid_indicator()]))
    assert catalogue.ids == ("CC99",)
