"""Where the files bundled with the package live.

In a wheel, ``indicators/``, ``report_templates/`` and the example inputs are placed
under ``outcomes/_bundled/`` (see ``pyproject.toml``). In a source checkout or an
editable install the same folders sit at the top of the repository. Both are found
through :func:`bundled_path`, so callers never care which kind of install they run in.
"""

from __future__ import annotations

from pathlib import Path

from outcomes._errors import ResourceError

_PACKAGE = Path(__file__).resolve().parent
# name inside the wheel -> folder at the top of a source checkout
_SOURCE_LAYOUT = {
    "indicators": "indicators",
    "report_templates": "report_templates",
    "example": "examples/inputs",
}


def bundled_path(name: str) -> Path:
    """Return the folder of bundled files called ``name``.

    >>> bundled_path("indicators").is_dir()
    True
    """
    if name not in _SOURCE_LAYOUT:
        raise ValueError(
            f"unknown bundled folder {name!r}; expected one of {sorted(_SOURCE_LAYOUT)}"
        )
    candidates = (_PACKAGE / "_bundled" / name, _PACKAGE.parent.parent / _SOURCE_LAYOUT[name])
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise ResourceError(
        f"the bundled folder {name!r} is missing (looked in {', '.join(map(str, candidates))}); "
        "reinstall the outcomes package"
    )
