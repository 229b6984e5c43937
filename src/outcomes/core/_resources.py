"""Where the files bundled with the package live.

In a wheel, ``indicators/``, ``report_templates/`` and the example inputs are placed
under ``outcomes/_bundled/`` (see ``pyproject.toml``). In a source checkout or an
editable install the same folders sit at the top of the repository. Both are found
through :func:`bundled_path`, so callers never care which kind of install they run in.
Files that live inside the package itself (the prompts, the recommendations) are read
with :func:`package_text`.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from outcomes.errors import ResourceError

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
    # The package is always installed as plain files (a wheel or an editable install),
    # so its resources root is a real folder.
    package = Path(str(files("outcomes")))
    candidates = (package / "_bundled" / name, package.parent.parent / _SOURCE_LAYOUT[name])
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise ResourceError(
        f"the bundled folder {name!r} is missing (looked in {', '.join(map(str, candidates))}); "
        "reinstall the outcomes package"
    )


def package_text(package: str, name: str) -> tuple[str, str]:
    """The text of the file ``name`` shipped inside ``package``, and where it was read from.

    >>> text, where = package_text("outcomes.assessment", "prompts.toml")
    >>> where.endswith("prompts.toml")
    True
    """
    resource = files(package).joinpath(name)
    try:
        return resource.read_text(encoding="utf-8"), str(resource)
    except OSError as error:
        raise ResourceError(
            f"the bundled file {name!r} of {package} cannot be read ({error}); "
            "reinstall the outcomes package"
        ) from error
