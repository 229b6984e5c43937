"""The bundled geography: Scotland's 32 councils and 31 health and social care partnerships
(Integration Authorities) with their GSS codes, and the names publishers use for them.

Publishers spell areas differently: the Improvement Service's LGBF writes ``Edinburgh City``,
``Eilean Siar`` and ``Argyll & Bute``, official lists ``City of Edinburgh``,
``Na h-Eileanan Siar`` and ``Argyll and Bute``, Public Health Scotland's partnership tables
``Edinburgh`` and ``Western Isles``. :func:`lookup_area` maps any of them, and the GSS code
itself, to one :class:`KnownArea`. The table is ``geography.csv`` beside this module.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from typing import Final

import attrs

from outcomes.core._resources import package_text
from outcomes.core._suggest import did_you_mean
from outcomes.errors import UnknownAreaError

__all__ = ["AREA_TYPES", "KnownArea", "area_key", "known_areas", "lookup_area"]

#: The kinds of area in the bundled geography, in the order a bare name prefers them
#: (``Fife`` is a council and a partnership; without a type it is the council).
AREA_TYPES: Final = ("council", "partnership", "country")

_GSS_CODE = re.compile(r"[Ss]\d{8}")
_NOT_LETTERS = re.compile(r"[^0-9a-z]+")
# Words around a name that say what kind of body it is, not which one.
_LEADING = ("the ",)
_TRAILING = (
    " health and social care partnership", " integration joint board",
    " integration authority", " hscp", " ijb", " council",
)  # fmt: skip


@attrs.frozen(kw_only=True)
class KnownArea:
    """One area of the bundled geography.

    ``code`` is its GSS code (``S12…`` a council, ``S37…`` a partnership, ``S92000003``
    Scotland), ``name`` its official name, ``type`` one of :data:`AREA_TYPES`,
    ``partnership`` the code of a council's partnership (empty otherwise) and ``aliases``
    the other names publishers use for it.
    """

    code: str
    name: str
    type: str
    partnership: str = ""
    aliases: tuple[str, ...] = ()


def area_key(name: str) -> str:
    """The form in which names are compared: case, spacing, punctuation, ``&``/``and``, a
    leading ``the`` and a trailing ``council``/``HSCP`` do not count.

    >>> area_key("  Argyll & Bute Council"), area_key("argyll and bute")
    ('argyll and bute', 'argyll and bute')
    """
    key = _NOT_LETTERS.sub(" ", name.casefold().replace("&", " and ")).strip()
    key = " ".join(key.split())
    for prefix in _LEADING:
        key = key.removeprefix(prefix)
    for suffix in _TRAILING:
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key.removesuffix(suffix)
    return key


@functools.cache
def known_areas() -> tuple[KnownArea, ...]:
    """Every area of the bundled geography: Scotland, the councils, the partnerships.

    >>> sum(area.type == "council" for area in known_areas())
    32
    """
    text, _ = package_text("outcomes.core", "geography.csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    areas = [
        KnownArea(code=row["code"], name=row["name"], type=row["type"],
                  partnership=row["partnership"],
                  aliases=tuple(alias for alias in row["aliases"].split("|") if alias))
        for row in rows
    ]  # fmt: skip
    # A partnership of one council also answers to that council's names.
    members: dict[str, list[KnownArea]] = {}
    for area in areas:
        if area.partnership:
            members.setdefault(area.partnership, []).append(area)
    return tuple(
        attrs.evolve(area, aliases=(*area.aliases, members[area.code][0].name,
                                    *members[area.code][0].aliases))
        if len(members.get(area.code, [])) == 1 else area
        for area in areas
    )  # fmt: skip


@functools.cache
def _by_key() -> dict[str, tuple[KnownArea, ...]]:
    found: dict[str, list[KnownArea]] = {}
    for area in known_areas():
        for name in (area.name, *area.aliases):
            candidates = found.setdefault(area_key(name), [])
            if area not in candidates:
                candidates.append(area)
    return {
        key: tuple(sorted(candidates, key=lambda area: AREA_TYPES.index(area.type)))
        for key, candidates in found.items()
    }


def lookup_area(name: str, *, type: str | None = None) -> KnownArea:
    """The area a name, alias or GSS code stands for.

    ``type`` (``council``, ``partnership`` or ``country``) says which kind is meant where
    a name is both (``Fife``); without it a council is preferred. An unknown name raises
    :class:`~outcomes.errors.UnknownAreaError` with a did-you-mean hint.

    >>> lookup_area("Edinburgh City").code, lookup_area("eilean siar").name
    ('S12000036', 'Na h-Eileanan Siar')
    >>> lookup_area("Stirling", type="partnership").name
    'Clackmannanshire and Stirling'
    >>> lookup_area("S12000047").name
    'Fife'
    """
    if type is not None and type not in AREA_TYPES:
        raise ValueError(f"type is one of {', '.join(AREA_TYPES)}, not {type!r}")
    text = " ".join(str(name).split())
    candidates: tuple[KnownArea, ...]
    if _GSS_CODE.fullmatch(text):
        candidates = tuple(area for area in known_areas() if area.code == text.upper())
    else:
        candidates = _by_key().get(area_key(text), ())
    if type is not None:
        candidates = tuple(area for area in candidates if area.type == type)
        if type == "partnership" and not candidates:
            # A council's name finds its partnership (Stirling -> Clackmannanshire and Stirling).
            council = _by_key().get(area_key(text), ())
            codes = {area.partnership for area in council if area.partnership}
            candidates = tuple(area for area in known_areas() if area.code in codes)
    if candidates:
        return candidates[0]
    choices = [
        spelling
        for area in known_areas()
        if type is None or area.type == type
        for spelling in (area.name, *area.aliases)
    ]
    raise UnknownAreaError(text, did_you_mean(text, choices))
