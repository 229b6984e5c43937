"""Named kinds of problem, so that tests and tools match on a name, never on message text."""

from __future__ import annotations

import enum

import attrs


class CatalogueProblem(enum.Enum):
    """Every kind of problem the catalogue loader reports."""

    UNREADABLE = "the file or directory cannot be read"
    TOML_SYNTAX = "the file is not valid TOML"
    NO_DEFINITIONS = "no indicator definitions were found"
    UNKNOWN_TABLE = "unknown top-level table"
    UNKNOWN_KEY = "unknown key"
    MISSING_KEY = "required key is missing"
    WRONG_TYPE = "value has the wrong type"
    BAD_VALUE = "value is not allowed"
    UNKNOWN_ITEM = "data item is not declared"
    DUPLICATE_ID = "indicator id is defined twice"
    DUPLICATE_ITEM = "data item is declared twice"
    DANGLING_ITEM = "data item is declared but no indicator uses it"
    BAD_RECOMMENDATION = "recommendation must be a number from 1 to 13"
    BAD_MULTIPLIER = "multiplier does not fit the measure"
    INCONSISTENT = "keys contradict each other"


@attrs.frozen(kw_only=True)
class CatalogueProblemRow:
    """One problem in a catalogue: where it is, what it is, and how to fix it."""

    file: str
    indicator: str = ""
    item: str = ""
    key: str = ""
    value: str = ""
    problem: CatalogueProblem
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.indicator:
            where += f", indicator {self.indicator}"
        if self.item:
            where += f", item {self.item}"
        if self.key:
            where += f", key {self.key!r}"
        text = f"{where}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text
