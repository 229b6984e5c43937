"""Importing published tables: the bundled geography, the mapping, and the real LGBF workbook
(tests/data/lgbf_sample.xlsx, copied unchanged from the Improvement Service's repository)."""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import outcomes
from outcomes._cli import main
from outcomes.errors import DataProblem, UnknownAreaError, ValidationError
from outcomes.returns import (
    PUBLISHED_COLUMNS,
    import_lgbf,
    import_table,
    known_areas,
    load_mapping,
    lookup_area,
)

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "lgbf_sample.xlsx"


@pytest.fixture(scope="module")
def imported() -> outcomes.returns.ImportedTable:
    return import_lgbf(SAMPLE)


def raw_sheet() -> list[tuple[object, ...]]:
    """The Raw Data sheet as openpyxl reads it, independently of the importer."""
    book = openpyxl.load_workbook(SAMPLE, read_only=True, data_only=True)
    try:
        return [tuple(row) for row in book["Raw Data"].iter_rows(values_only=True)]
    finally:
        book.close()


# --- geography ---------------------------------------------------------------------------


def test_the_geography_has_every_council_and_partnership_once() -> None:
    areas = known_areas()
    councils = [a for a in areas if a.type == "council"]
    partnerships = [a for a in areas if a.type == "partnership"]
    assert len(councils) == 32
    assert len(partnerships) == 31
    assert len({a.code for a in areas}) == len(areas)
    assert all(a.code.startswith("S12") for a in councils)
    assert all(a.code.startswith("S37") for a in partnerships)
    members: dict[str, list[str]] = {}
    for council in councils:
        members.setdefault(council.partnership, []).append(council.name)
    assert set(members) == {p.code for p in partnerships}
    shared = {code: names for code, names in members.items() if len(names) > 1}
    assert shared == {"S37000005": ["Clackmannanshire", "Stirling"]}


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Fife", "S12000047"), ("Glasgow City", "S12000049"), ("North Lanarkshire", "S12000050"),
        ("Perth & Kinross", "S12000048"), ("Dundee City", "S12000042"),
        ("East Ayrshire", "S12000008"), ("North Ayrshire", "S12000021"),
        ("South Ayrshire", "S12000028"), ("Edinburgh City", "S12000036"),
        ("City of Edinburgh", "S12000036"), ("Eilean Siar", "S12000013"),
        ("Comhairle nan Eilean Siar", "S12000013"), ("Na h-Eileanan Siar", "S12000013"),
        ("Argyll & Bute", "S12000035"), ("argyll  AND bute", "S12000035"),
        ("Dumfries & Galloway", "S12000006"), ("Orkney Islands", "S12000023"),
        ("Shetland Islands", "S12000027"), ("Fife Council", "S12000047"),
        ("s12000049", "S12000049"),
    ],
)  # fmt: skip
def test_publishers_spellings_resolve_to_one_code(name: str, code: str) -> None:
    assert lookup_area(name).code == code


def test_a_partnership_is_found_by_its_own_or_its_councils_name() -> None:
    assert lookup_area("Stirling", type="partnership").code == "S37000005"
    assert lookup_area("Clackmannanshire & Stirling").code == "S37000005"
    assert lookup_area("Western Isles", type="partnership").code == "S37000031"
    assert lookup_area("Edinburgh", type="partnership").code == "S37000012"
    assert lookup_area("Fife", type="partnership").code == "S37000032"
    assert lookup_area("Fife").type == "council"


def test_an_unknown_name_suggests_the_closest() -> None:
    with pytest.raises(UnknownAreaError, match="did you mean 'Fife'") as caught:
        lookup_area("Fiffe")
    assert isinstance(caught.value, outcomes.OutcomesError)
    assert caught.value.name == "Fiffe"


def test_an_areas_file_code_must_be_known_and_fit_the_name() -> None:
    good = pd.DataFrame({"area": ["Edinburgh City", "Fife"], "name": ["City of Edinburgh", "Fife"],
                         "code": ["S12000036", "S12000047"], "type": ["council", ""]})  # fmt: skip
    areas = outcomes.Areas.from_frame(good)
    assert areas.area_for("City of Edinburgh") == "Edinburgh City"
    assert areas.area_for("S12000047") == "Fife"
    assert areas.area_for("Nowhere") == "Nowhere"
    bad = pd.DataFrame({"area": ["Fife", "Angus", "Moray"], "name": ["Fife", "Angus", "Moray"],
                        "code": ["S12000042", "S12999999", "S12000020"],
                        "type": ["", "", "partnership"]})  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        outcomes.Areas.from_frame(bad, "areas.csv")
    found = {(p.row, p.column, p.problem) for p in caught.value.problems}
    assert found == {
        (2, "code", DataProblem.INCONSISTENT_CODE),
        (3, "code", DataProblem.UNKNOWN_CODE),
        (4, "type", DataProblem.INCONSISTENT_CODE),
    }


def test_the_example_areas_carry_codes_that_fit() -> None:
    from outcomes.core._resources import bundled_path

    areas = outcomes.read_areas(bundled_path("example") / "areas.csv")
    assert "code" in areas.frame.columns
    for area, code in zip(areas.frame["area"], areas.frame["code"], strict=True):
        assert lookup_area(area).code == code


# --- the LGBF workbook -------------------------------------------------------------------


def test_every_published_council_value_of_sw5_and_sw6_is_reproduced(
    imported: outcomes.returns.ImportedTable,
) -> None:
    catalogue = outcomes.load_catalogue()
    results = outcomes.compute(imported.dataset, catalogue, imported.areas).frame
    published = imported.published
    wanted = published["indicator"].isin(["SW5", "SW6"]) & (published["area"] != "Scotland")
    councils = published[wanted & published["value"].notna()]
    both = councils.merge(results, on=["indicator", "area", "period"], suffixes=("", "_computed"))
    assert len(both) == len(councils) > 600
    relative = (both["value_computed"] - both["value"]).abs() / both["value"].abs()
    assert (relative <= 1e-6).all(), both[relative > 1e-6][["indicator", "area", "period"]]


def test_published_figures_are_kept_as_given_including_scotland(
    imported: outcomes.returns.ImportedTable,
) -> None:
    rows = raw_sheet()
    header = list(rows[0])
    at = header.index("SW5 2015-16")
    by_area = {row[0]: row for row in rows[1:] if row[0]}
    published = imported.published.set_index(["indicator", "area", "period"])
    scotland = by_area["Scotland"]
    assert published.loc[("SW5", "Scotland", "2015-16"), "value"] == scotland[at]
    assert published.loc[("SW5", "Scotland", "2015-16"), "numerator"] == scotland[at + 1]
    assert published.loc[("SW5", "Scotland", "2015-16"), "denominator"] == scotland[at + 2]
    edinburgh = by_area["Edinburgh City"]
    assert published.loc[("SW5", "City of Edinburgh", "2015-16"), "value"] == edinburgh[at]
    assert tuple(imported.published.columns) == PUBLISHED_COLUMNS


def test_sw4b_keeps_its_published_values(imported: outcomes.returns.ImportedTable) -> None:
    rows = raw_sheet()
    header = list(rows[0])
    columns = {str(h).split()[1]: i for i, h in enumerate(header) if str(h).startswith("SW4b ")}
    expected = {
        (lookup_area(str(row[0])).name if row[0] != "Scotland" else "Scotland", period): row[i]
        for row in rows[1:] for period, i in columns.items()
        if isinstance(row[i], int | float)
    }  # fmt: skip
    sw4b = imported.published[imported.published["indicator"] == "SW4b"]
    kept = {(a, p): v for a, p, v in zip(sw4b["area"], sw4b["period"], sw4b["value"], strict=True)}
    assert kept == expected
    assert len(kept) >= 4 * 33
    assert imported.value_only == ()
    assert "2020-21" not in set(sw4b["period"])  # published as #N/A
    # SW4b is an estimate: its published value is its item, Scotland's included.
    item = outcomes.load_catalogue()["SW4b"].numerator
    rows_of = imported.dataset.frame[imported.dataset.frame["item"] == item]
    as_read = {
        (a, p): float(v)
        for a, p, v in zip(rows_of["area"], rows_of["period"], rows_of["value"], strict=True)
        if not math.isnan(v)
    }
    assert as_read == pytest.approx({key: float(str(value)) for key, value in expected.items()})


def test_sw4b_two_yearly_change_is_taken_since_the_previous_survey(
    imported: outcomes.returns.ImportedTable,
) -> None:
    catalogue = outcomes.load_catalogue()
    results = outcomes.compute(imported.dataset, catalogue, imported.areas)
    published = imported.published.set_index(["indicator", "area", "period"])["value"]
    for area in ("Fife", "Scotland", "City of Edinburgh"):
        row = results.row("SW4b", area, "2019-20")
        assert row["previous_period"] == "2017-18"
        before = published[("SW4b", area, "2017-18")]
        after = published[("SW4b", area, "2019-20")]
        assert row["value"] == pytest.approx(after)
        assert row["change"] == pytest.approx(after - before)
        assert row["direction"] != "not_comparable"


def test_indicators_the_catalogue_does_not_know_are_left_out(
    imported: outcomes.returns.ImportedTable,
) -> None:
    assert imported.ignored == ("CHN1",)
    assert set(imported.published["indicator"]) == {"SW4b", "SW5", "SW6"}
    catalogue = outcomes.load_catalogue()
    wanted = {item for i in ("SW5", "SW6") for item in catalogue[i].items}
    wanted.add(catalogue["SW4b"].numerator)  # its published value (no interval published)
    assert set(imported.dataset.frame["item"]) == wanted


def test_lgbf_names_become_official_names_with_codes(
    imported: outcomes.returns.ImportedTable,
) -> None:
    frame = imported.areas.frame
    assert len(frame) == 32
    assert set(frame["type"]) == {"council"}
    codes = dict(zip(frame["area"], frame["code"], strict=True))
    assert codes["City of Edinburgh"] == "S12000036"
    assert codes["Na h-Eileanan Siar"] == "S12000013"
    assert codes["Argyll and Bute"] == "S12000035"
    assert len(set(codes.values())) == 32
    assert "Edinburgh City" not in set(imported.dataset.frame["area"])


def test_missing_cells_are_flagged_not_dropped(imported: outcomes.returns.ImportedTable) -> None:
    rows = raw_sheet()
    header = list(rows[0])
    gaps = sum(
        1 for row in rows[1:] if row[0] != "Scotland"
        for i, name in enumerate(header)
        if str(name).startswith(("Number of readmissions", "Number of discharges"))
        and not isinstance(row[i], int | float)
    )  # fmt: skip
    frame = imported.dataset.frame
    flagged = frame[frame["item"].isin(["readmissions_within_28_days",
                                        "hospital_discharges_18_plus"])]  # fmt: skip
    assert (flagged["flag"] == "not_collected").sum() == gaps
    assert flagged["value"].isna().sum() == gaps


def test_deflators_come_from_their_sheet(imported: outcomes.returns.ImportedTable) -> None:
    book = openpyxl.load_workbook(SAMPLE, read_only=True, data_only=True)
    rows = list(book["Deflators"].iter_rows(min_row=2, values_only=True))
    book.close()
    expected = {str(row[0]): float(row[1]) for row in rows if row[0]}  # type: ignore[arg-type]
    assert dict(imported.deflators) == expected


def test_an_unknown_council_is_named_with_sheet_row_and_column(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(SAMPLE)
    sheet = book["Raw Data"]
    row = next(cell.row for cell in sheet["A"] if cell.value == "Fife")
    sheet.cell(row=row, column=1, value="Fiffe")
    changed = tmp_path / "changed.xlsx"
    book.save(changed)
    with pytest.raises(ValidationError) as caught:
        import_lgbf(changed)
    (problem,) = caught.value.problems
    assert problem.problem is DataProblem.UNKNOWN_AREA
    assert (problem.sheet, problem.row, problem.column) == ("Raw Data", row, "Local Authority")
    assert "did you mean 'Fife'" in problem.hint
    assert problem.value == "Fiffe"


def test_a_text_that_is_not_a_number_nor_missing_is_a_problem(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(SAMPLE)
    sheet = book["Raw Data"]
    column = next(c.column for c in sheet[1] if c.value == "SW6 2019-20")
    sheet.cell(row=5, column=column, value="n/k")
    changed = tmp_path / "changed.xlsx"
    book.save(changed)
    with pytest.raises(ValidationError) as caught:
        import_lgbf(changed)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.problem) == (
        5, "SW6 2019-20", DataProblem.NOT_A_NUMBER,
    )  # fmt: skip


def test_a_long_table_with_its_own_mapping(tmp_path: Path) -> None:
    table = tmp_path / "table.csv"
    table.write_text(
        "Council,Measure,Year,Rate,Readmissions,Discharges\n"
        "Edinburgh City,SW6,2022-23,100,10,100\n"
        "Perth & Kinross,SW6,2022-23,*,,\n"
        "Scotland,SW6,2022-23,90,9,100\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        '[table]\nlayout = "long"\narea_column = "Council"\nmissing = ["", "*"]\n'
        'indicator_scheme = "lgbf"\n[long]\nindicator_column = "Measure"\n'
        'period_column = "Year"\nvalue_column = "Rate"\nnumerator_column = "Readmissions"\n'
        'denominator_column = "Discharges"\n',
        encoding="utf-8",
    )
    result = import_table(table, load_mapping(mapping))
    frame = result.dataset.frame.set_index(["area", "item"])
    assert frame.loc[("City of Edinburgh", "readmissions_within_28_days"), "value"] == 10
    assert frame.loc[("Perth and Kinross", "readmissions_within_28_days"), "flag"] == (
        "not_collected"
    )
    scotland = result.published[result.published["area"] == "Scotland"]
    assert scotland["value"].tolist() == [90]
    assert "Perth and Kinross" not in set(result.published["area"])  # nothing published


def test_a_mapping_with_an_unknown_key_says_so(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[table]\nlayout = "wide"\narea_colum = "Council"\n', encoding="utf-8")
    with pytest.raises(outcomes.errors.CatalogueError) as caught:
        load_mapping(mapping)
    keys = {(row.key, row.problem.name) for row in caught.value.problems}
    assert ("table.area_colum", "UNKNOWN_KEY") in keys
    assert ("table.area_column", "MISSING_KEY") in keys


# --- the command -------------------------------------------------------------------------


def test_outcomes_import_lgbf_writes_the_inputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "lgbf"
    assert main(["import", "lgbf", str(SAMPLE), "--out", str(out)]) == 0
    assert "CHN1" in capsys.readouterr().err
    names = ("data.csv", "areas.csv", "deflators.csv", "published.csv")
    first = {name: (out / name).read_bytes() for name in names}
    data = outcomes.read_dataset(out / "data.csv")
    areas = outcomes.read_areas(out / "areas.csv")
    deflators = outcomes.read_deflators(out / "deflators.csv")
    results = outcomes.compute(data, outcomes.load_catalogue(), areas, deflators=deflators,
                               base_period="2020-21")  # fmt: skip
    assert results.row("SW6", "Fife", "2019-20")["value"] > 0
    assert main(["import", "lgbf", str(SAMPLE), "--out", str(out), "-q"]) == 0
    assert {name: (out / name).read_bytes() for name in names} == first


def test_outcomes_import_of_a_bad_workbook_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = openpyxl.load_workbook(SAMPLE)
    book["Raw Data"]["A3"] = "Aberdeenshyre"
    changed = tmp_path / "changed.xlsx"
    book.save(changed)
    assert main(["import", "lgbf", str(changed), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "Raw Data, row 3, column Local Authority" in err
    assert "Aberdeenshire" in err
    assert not (tmp_path / "out").exists()


def test_the_example_holds_a_real_councils_published_figures(tmp_path: Path) -> None:
    written = outcomes.write_example(tmp_path)
    folder = tmp_path / "lgbf"
    assert {folder / n for n in ("data.csv", "areas.csv", "deflators.csv")} <= set(written)
    areas = outcomes.read_areas(folder / "areas.csv")
    assert (areas.frame["family_group"] != "").all()
    results = outcomes.compute(outcomes.read_dataset(folder / "data.csv"),
                               outcomes.load_catalogue(), areas)  # fmt: skip
    published = pd.read_csv(folder / "published.csv").set_index(["indicator", "area", "period"])
    for indicator in ("SW5", "SW6"):
        given = published.loc[(indicator, "Fife", "2020-21"), "value"]
        assert results.row(indicator, "Fife", "2020-21")["value"] == pytest.approx(given, rel=1e-6)
