"""Peer pairing: every rule on its own, the command line, and properties for any areas."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes import read_areas
from outcomes._cli import main
from outcomes.core._resources import bundled_path
from outcomes.errors import DataProblem, PairingError, PeriodError, ValidationError
from outcomes.national._pairing import PAIR_COLUMNS, Pairing, pair_areas, read_pairs
from outcomes.returns._tidy import Areas
from tests.strategies import areas_with_family_groups

EXAMPLE_AREAS = bundled_path("example") / "areas.csv"


def areas_table(rows: Sequence[tuple[str, str]]) -> Areas:
    """An areas table from ``(area, family_group)`` rows."""
    return Areas.from_frame(pd.DataFrame({
        "area": [area for area, _ in rows], "name": [area for area, _ in rows],
        "family_group": [group for _, group in rows],
    }))  # fmt: skip


def plain_areas(count: int, group: str = "") -> list[tuple[str, str]]:
    return [(f"Area {n:02d}", group) for n in range(count)]


def assert_valid(pairing: Pairing, names: Sequence[str]) -> None:
    """Every rule that holds for any pairing, with or without history."""
    frame = pairing.frame
    assert list(frame.columns) == list(PAIR_COLUMNS)
    assert frame["area"].tolist() == sorted(names)
    assert sorted(frame["peer_area"]) == sorted(names)  # everyone assesses exactly once
    peer_of = pairing.peer_of
    assert all(peer != area for area, peer in peer_of.items())
    assert all(peer_of[peer] != area for area, peer in peer_of.items())  # no reciprocal pairs
    assert (frame["reason"] != "").all()


def last_year_partners(previous: Pairing) -> set[frozenset[str]]:
    return {frozenset(pair) for pair in previous.peer_of.items()}


def assert_no_repeat(pairing: Pairing, previous: Pairing) -> None:
    repeated = {frozenset(pair) for pair in pairing.peer_of.items()} & last_year_partners(previous)
    assert not repeated


# --- the rules, one by one -----------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, 2])
def test_fewer_than_three_areas_cannot_be_paired(count: int) -> None:
    with pytest.raises(PairingError, match="at least 3 areas"):
        pair_areas(areas_table(plain_areas(count)), "2025-26")


def test_three_areas_assess_each_other_in_a_ring() -> None:
    pairing = pair_areas(areas_table(plain_areas(3)), "2025-26")
    assert_valid(pairing, [area for area, _ in plain_areas(3)])


def test_the_direction_is_peer_area_assesses_area() -> None:
    pairing = pair_areas(areas_table(plain_areas(5)), "2025-26", seed=3)
    assessed = pairing.assessed_by_peer
    for area, peer in pairing.peer_of.items():
        assert assessed[peer] == area


def test_peers_come_from_the_same_family_group() -> None:
    areas = read_areas(EXAMPLE_AREAS)
    pairing = pair_areas(areas, "2025-26", seed=2026)
    group_of = areas.family_group_of
    assert_valid(pairing, areas.names)
    frame = pairing.frame
    assert (frame["family_group"] == frame["area"].map(group_of)).all()
    assert (frame["peer_area"].map(group_of) == frame["family_group"]).all()
    assert (frame["reason"] == "same family group (" + frame["family_group"] + ")").all()


def test_small_family_groups_and_areas_without_one_are_paired_across_groups() -> None:
    rows = [*plain_areas(3, "Big"), ("Pair 1", "Two"), ("Pair 2", "Two"), ("Lonely", "One"),
            ("Loose", "")]  # fmt: skip
    for seed in range(20):
        pairing = pair_areas(areas_table(rows), "2025-26", seed=seed)
        assert_valid(pairing, [area for area, _ in rows])
        reason = dict(zip(pairing.frame["area"], pairing.frame["reason"], strict=True))
        peer_of = pairing.peer_of
        for area, _ in plain_areas(3):  # a group of three keeps its own ring
            assert peer_of[area].startswith("Area")
            assert reason[area] == "same family group (Big)"
        # The two areas of a group of two sit next to each other in the ring of left-overs.
        assert sorted([reason["Pair 1"], reason["Pair 2"]]) == [
            "different family group: Two has only 2 areas", "same family group (Two)",
        ]  # fmt: skip
        assert reason["Lonely"] == "different family group: One has only 1 area"
        assert reason["Loose"] == "Loose has no family group"


def test_a_single_left_over_area_joins_a_family_group_ring() -> None:
    rows = [*plain_areas(4, "Big"), ("Lonely", "One")]
    pairing = pair_areas(areas_table(rows), "2025-26", seed=1)
    assert_valid(pairing, [area for area, _ in rows])
    frame = pairing.frame.set_index("area")
    assessed_by_lonely = pairing.assessed_by_peer["Lonely"]
    assert frame.at["Lonely", "reason"] == "different family group: One has only 1 area"
    assert frame.at[assessed_by_lonely, "reason"] == "different family group: One has only 1 area"
    assert (frame["reason"] == "same family group (Big)").sum() == 3


def test_last_years_pairs_are_not_repeated_in_either_direction() -> None:
    areas = read_areas(EXAMPLE_AREAS)
    last_year = pair_areas(areas, "2024-25", seed=5)
    for seed in range(5):
        pairing = pair_areas(areas, "2025-26", seed=seed, previous=last_year)
        assert_valid(pairing, areas.names)
        assert_no_repeat(pairing, last_year)
        assert pairing.frame["reason"].str.startswith("same family group").all()
        assert pairing.frame["reason"].str.endswith("; not paired last year").all()


def test_a_family_group_that_must_repeat_a_pair_is_paired_across_groups() -> None:
    rows = [*plain_areas(3, "Trio"), *[(f"Other {n}", "Many") for n in range(6)]]
    trio = [area for area, _ in plain_areas(3)]
    # Last year the trio assessed each other in a ring: every ring of three repeats a pair.
    last_year = pd.DataFrame({"area": trio, "peer_area": [trio[1], trio[2], trio[0]]})
    pairing = pair_areas(areas_table(rows), "2025-26", previous=last_year)
    assert_valid(pairing, [area for area, _ in rows])
    peers = pairing.peer_of
    assert all(not peers[area].startswith("Area") for area in trio)
    reason = dict(zip(pairing.frame["area"], pairing.frame["reason"], strict=True))
    assert reason[trio[0]] == ("different family group: every pairing within Trio would repeat "
                               "a pair from last year; not paired last year")  # fmt: skip


@pytest.mark.parametrize("count", [3, 4])
def test_three_or_four_areas_always_repeat_a_pair_from_last_year(count: int) -> None:
    areas = areas_table(plain_areas(count))
    last_year = pair_areas(areas, "2024-25")
    with pytest.raises(PairingError, match="would repeat a pair from last year"):
        pair_areas(areas, "2025-26", previous=last_year)


def test_five_areas_can_always_avoid_last_years_pairs() -> None:
    areas = areas_table(plain_areas(5))
    for seed in range(10):
        last_year = pair_areas(areas, "2024-25", seed=seed)
        pairing = pair_areas(areas, "2025-26", seed=seed, previous=last_year)
        assert_no_repeat(pairing, last_year)


def test_areas_no_longer_listed_in_last_years_pairs_are_ignored() -> None:
    last_year = pd.DataFrame({"area": ["Gone", "Area 00"], "peer_area": ["Area 00", "Gone"]})
    pairing = pair_areas(areas_table(plain_areas(4)), "2025-26", previous=last_year)
    assert_valid(pairing, [area for area, _ in plain_areas(4)])


def test_large_family_groups_and_many_areas_are_paired_quickly() -> None:
    rows = [*plain_areas(40, "Big"), *[(f"Zone {n:04d}", "") for n in range(400)]]
    areas = areas_table(rows)
    last_year = pair_areas(areas, "2024-25", seed=1)
    pairing = pair_areas(areas, "2025-26", seed=1, previous=last_year)
    assert_valid(pairing, [area for area, _ in rows])
    assert_no_repeat(pairing, last_year)
    big = pairing.frame[pairing.frame["family_group"] == "Big"]
    assert (big["reason"].str.startswith("same family group (Big)")).all()


def test_the_same_seed_gives_the_same_bytes_and_another_seed_another_pairing() -> None:
    areas = read_areas(EXAMPLE_AREAS)
    first = pair_areas(areas, "2025-26", seed=7).to_csv()
    assert pair_areas(areas, "2025-26", seed=7).to_csv() == first
    assert pair_areas(areas, "2025-26", seed=8).to_csv() != first
    # The period is part of the seed: one seed gives a fresh pairing each year.
    assert pair_areas(areas, "2026-27", seed=7).to_csv() != first


def test_the_period_and_seed_are_checked() -> None:
    areas = areas_table(plain_areas(3))
    with pytest.raises(PeriodError):
        pair_areas(areas, "2025-27")
    with pytest.raises(PairingError, match="seed"):
        pair_areas(areas, "2025-26", seed=-1)


# --- reading and writing pairs tables ------------------------------------------------------


def test_pairs_are_read_back_as_written(tmp_path: Path) -> None:
    rows = [("=Formula", "G"), ("-Minus", "G"), ("Plain, with comma", "G"), ("Fourth", "")]
    pairing = pair_areas(areas_table(rows), "2025-26", seed=4)
    path = tmp_path / "pairs.csv"
    text = pairing.to_csv(path)
    assert path.read_text(encoding="utf-8") == text
    assert text.startswith("area,peer_area,family_group,reason\n")
    assert "\n'=Formula," in text  # neutralised against spreadsheet formulas
    pd.testing.assert_frame_equal(read_pairs(path), pairing.frame, check_dtype=False)


def test_bad_rows_of_a_pairs_file_are_all_reported(tmp_path: Path) -> None:
    path = tmp_path / "pairs.csv"
    path.write_text(
        "area,peer_area,family_group,reason\n"
        "Angus,Angus,,\n"          # row 2: paired with itself
        "Fife,Moray,,\n"
        "Fife,Perth,,\n"           # row 4: Fife assessed twice
        "Moray,Perth,,\n"          # row 5: Perth assesses twice
        ",Highland,,\n"            # row 6: no area
        "Scotland,Stirling,,\n",   # row 7: reserved
        encoding="utf-8",
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        read_pairs(path)
    found = [(row.row, row.column, row.problem) for row in caught.value.problems]
    assert found == [
        (2, "peer_area", DataProblem.SELF_PAIR),
        (4, "area", DataProblem.DUPLICATE_AREA),
        (5, "peer_area", DataProblem.DUPLICATE_AREA),
        (6, "area", DataProblem.UNKNOWN_AREA),
        (7, "area", DataProblem.RESERVED_AREA),
    ]
    assert all(row.file == str(path) for row in caught.value.problems)


def test_a_pairs_file_needs_area_and_peer_area(tmp_path: Path) -> None:
    path = tmp_path / "pairs.csv"
    path.write_text("area,assessor\nFife,Angus\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        read_pairs(path)
    assert [(p.row, p.column, p.problem) for p in caught.value.problems] == [
        (1, "peer_area", DataProblem.MISSING_COLUMN)
    ]


def test_a_previous_table_given_as_a_frame_is_checked_too() -> None:
    bad = pd.DataFrame({"area": ["Area 00"], "peer_area": ["Area 00"]})
    with pytest.raises(ValidationError):
        pair_areas(areas_table(plain_areas(5)), "2025-26", previous=bad)


# --- the command line ----------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_pair_writes_the_pairs_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "pairs-2025-26.csv"
    code, stdout, err = run(capsys, "pair", "--areas", str(EXAMPLE_AREAS), "--period", "2025-26",
                            "--seed", "2026", "--out", str(out))  # fmt: skip
    assert code == 0
    assert stdout == ""
    assert str(out) in err
    assert "paired 32 areas for 2025-26: 32 with a peer from their own family group" in err
    expected = pair_areas(read_areas(EXAMPLE_AREAS), "2025-26", seed=2026).to_csv()
    assert out.read_text(encoding="utf-8") == expected

    following = tmp_path / "pairs-2026-27.csv"
    code, _, err = run(capsys, "pair", "--areas", str(EXAMPLE_AREAS), "--period", "2026-27",
                       "--previous", str(out), "--out", str(following), "--quiet")  # fmt: skip
    assert code == 0
    assert err == ""
    rows = list(csv.DictReader(io.StringIO(following.read_text(encoding="utf-8"))))
    last_year = {
        frozenset((r["area"], r["peer_area"])) for r in csv.DictReader(io.StringIO(expected))
    }
    assert not {frozenset((r["area"], r["peer_area"])) for r in rows} & last_year


def test_pair_to_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = run(capsys, "pair", "--areas", str(EXAMPLE_AREAS), "--period", "2025-26",
                          "--out", "-")  # fmt: skip
    assert code == 0
    assert stdout.splitlines()[0] == "area,peer_area,family_group,reason"
    assert len(stdout.splitlines()) == 33


def test_pair_reports_user_errors_without_a_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    areas = tmp_path / "areas.csv"
    areas.write_text("area,name\nFife,Fife\nAngus,Angus\n", encoding="utf-8")
    code, _, err = run(capsys, "pair", "--areas", str(areas), "--period", "2025-26",
                       "--out", str(tmp_path / "pairs.csv"))  # fmt: skip
    assert code == 1
    assert "at least 3 areas" in err
    assert "Traceback" not in err
    assert not (tmp_path / "pairs.csv").exists()


def test_pair_rejects_a_negative_seed_as_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["pair", "--areas", str(EXAMPLE_AREAS), "--period", "2025-26", "--seed", "-1",
              "--out", "-"])  # fmt: skip
    assert caught.value.code == 2
    assert "must be a whole number 0 or more" in capsys.readouterr().err


# --- properties for any areas --------------------------------------------------------------


@given(rows=areas_with_family_groups(), seed=st.integers(min_value=0, max_value=2**32))
@settings(max_examples=60, deadline=None)
def test_any_three_or_more_areas_get_a_valid_pairing(rows: list[tuple[str, str]],
                                                     seed: int) -> None:  # fmt: skip
    names = [area for area, _ in rows]
    pairing = pair_areas(areas_table(rows), "2025-26", seed=seed)
    assert_valid(pairing, names)
    # Deterministic for a seed, whatever the order of the areas table.
    shuffled = list(rows)
    random.Random(seed).shuffle(shuffled)
    again = pair_areas(areas_table(shuffled), "2025-26", seed=seed)
    assert again.to_csv() == pairing.to_csv()
    # A family group of three or more keeps its areas among themselves, but for the one or
    # two areas left over that join its ring when they are too few for a ring of their own.
    sizes = pd.Series([group for _, group in rows]).value_counts()
    frame = pairing.frame
    big = frame["family_group"].map(sizes).ge(3) & (frame["family_group"] != "")
    left_over = len(frame) - int(big.sum())
    same = frame["reason"] == "same family group (" + frame["family_group"] + ")"
    if left_over == 0 or left_over >= 3:
        assert same[big].all()
    else:
        assert (~same[big]).sum() <= left_over


@given(rows=areas_with_family_groups(min_areas=5), seed=st.integers(min_value=0, max_value=99))
@settings(max_examples=60, deadline=None)
def test_from_five_areas_last_years_pairs_are_never_repeated(
    rows: list[tuple[str, str]], seed: int
) -> None:
    areas = areas_table(rows)
    last_year = pair_areas(areas, "2024-25", seed=seed)
    pairing = pair_areas(areas, "2025-26", seed=seed, previous=last_year)
    assert_valid(pairing, areas.names)
    assert_no_repeat(pairing, last_year)


@given(
    rows=areas_with_family_groups(min_areas=6),
    leaving=st.integers(min_value=0, max_value=3),
    joining=st.lists(st.sampled_from(["New A", "New B", "New C"]), unique=True),
    seed=st.integers(min_value=0, max_value=99),
)
@settings(max_examples=60, deadline=None)
def test_from_six_areas_pairs_avoid_last_year_even_when_membership_changes(
    rows: list[tuple[str, str]], leaving: int, joining: list[str], seed: int
) -> None:
    """Last year's table may pair other areas: each area then has at most two partners from
    last year, and six areas are always enough (Ore's condition)."""
    this_year = [*rows[leaving:], *[(name, "") for name in joining]]
    if len(this_year) < 6:
        this_year = rows
    last_year = pair_areas(areas_table(rows), "2024-25", seed=seed)
    pairing = pair_areas(areas_table(this_year), "2025-26", seed=seed, previous=last_year)
    assert_valid(pairing, [area for area, _ in this_year])
    assert_no_repeat(pairing, last_year)


@given(rows=areas_with_family_groups(min_areas=3, max_areas=4))
@settings(max_examples=20, deadline=None)
def test_three_or_four_areas_can_never_avoid_last_years_pairs(rows: list[tuple[str, str]]) -> None:
    areas = areas_table(rows)
    with pytest.raises(PairingError):
        pair_areas(areas, "2025-26", previous=pair_areas(areas, "2024-25"))
