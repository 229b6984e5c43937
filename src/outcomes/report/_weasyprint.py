"""SVG text in the PDF drawn as whole runs, not letter by letter.

WeasyPrint (70) lays out and draws every character of an SVG ``<text>`` on its own, to
honour per-character ``x``, ``dx`` or ``rotate`` lists. The report's charts never use
those, and their 10,000-odd characters took a third of the time of a council's PDF. Here a
plain ``<text>`` (one ``x``, one ``y``, no ``dx``, ``dy``, ``rotate``, ``textLength`` or
``letter-spacing``, no child elements, one line, left-to-right text only) is shaped once,
as one run, and drawn at the same place with the same bounding box, so ``text-anchor``
still centres or ends it; anything else goes to WeasyPrint's own drawing. Shaping the run
whole also applies the font's kerning and ligatures and keeps combining accents on their
letters, as browsers do (a label may come out a pixel or two narrower; WeasyPrint's pull
request 2754 takes the same approach).

The change is to WeasyPrint's SVG drawing in this process, made once (under a lock) on the
exact WeasyPrint version it was written and tested against (:data:`VERSIONS`); other
versions draw as they always do. tests/test_report_pdf.py compares where the text lands
with WeasyPrint's own drawing.
"""

from __future__ import annotations

import threading
import unicodedata
from math import inf
from types import ModuleType
from typing import Any

__all__ = ["VERSIONS", "install"]

#: WeasyPrint versions whose SVG text drawing this replaces (tested on each).
VERSIONS = ("70.0",)
_PER_CHARACTER = ("dx", "dy", "rotate", "textLength", "letter-spacing")
#: Characters that end a line (Pango breaks the run there) or need the bidi algorithm.
_NOT_ONE_RUN = frozenset("\n\r\x85\u2028\u2029")
_RIGHT_TO_LEFT = frozenset(("R", "AL", "RLE", "RLO", "RLI"))
_INSTALLING = threading.Lock()


def install(weasyprint: ModuleType) -> bool:
    """Draw plain SVG text as whole runs in this process; False (nothing changed) on a
    WeasyPrint version not in :data:`VERSIONS`. Calling it again changes nothing."""
    from weasyprint import svg  # type: ignore[import-not-found, import-untyped, unused-ignore]

    if str(weasyprint.__version__) not in VERSIONS:
        return False
    with _INSTALLING:
        original = svg.TAGS["text"]
        if getattr(original, "whole_runs", False):
            return True

        def text(drawing: Any, node: Any, font_size: float) -> None:
            if not (_plain(node) and _draw_run(drawing, node, font_size)):
                original(drawing, node, font_size)

        text.whole_runs = True  # type: ignore[attr-defined]
        # draw_node recognises text by comparing with the module's ``text``: replace both.
        svg.TAGS.update({tag: text for tag, draw in svg.TAGS.items() if draw is original})
        svg.text = text
        return svg.TAGS["text"] is svg.text


def _plain(node: Any) -> bool:
    """A ``<text>`` with one position and nothing placed per character."""
    from weasyprint.svg.utils import normalize  # type: ignore[import-not-found, import-untyped, unused-ignore]

    text = node.text
    return (
        node.tag == "text"
        and bool(text)
        and node.get("direction", "ltr") == "ltr"
        and next(iter(node), None) is None
        and all(node.get(name) is None for name in _PER_CHARACTER)
        and all(len(normalize(node.attrib.get(axis, "")).split()) <= 1 for axis in ("x", "y"))
        and not any(
            character in _NOT_ONE_RUN or unicodedata.bidirectional(character) in _RIGHT_TO_LEFT
            for character in text
        )
    )


def _draw_run(drawing: Any, node: Any, font_size: float) -> bool:
    """WeasyPrint's ``svg.text.text`` for one run: the same style, position, baseline
    alignment and bounding box, one layout instead of one per character. False, having
    drawn nothing, when the text does not fit one line after all."""
    from weasyprint.draw.text import draw_emojis, draw_first_line  # type: ignore[import-not-found, import-untyped, unused-ignore]
    from weasyprint.matrix import Matrix  # type: ignore[import-not-found, import-untyped, unused-ignore]
    from weasyprint.svg.bounding_box import extend_bounding_box  # type: ignore[import-not-found, import-untyped, unused-ignore]
    from weasyprint.svg.text import TextBox  # type: ignore[import-not-found, import-untyped, unused-ignore]
    from weasyprint.svg.utils import normalize, size  # type: ignore[import-not-found, import-untyped, unused-ignore]
    from weasyprint.text.line_break import split_first_line  # type: ignore[import-not-found, import-untyped, unused-ignore]

    style = _style(drawing, node, font_size)
    layout, _, resume_at, width, height, baseline = split_first_line(
        node.text, style, drawing.context, inf, 0
    )
    if resume_at is not None:  # a line break Pango found: WeasyPrint's own way
        return False
    given = {
        axis: size(normalize(node.attrib[axis]).strip(), font_size, extent)
        for axis, extent in (("x", drawing.inner_width), ("y", drawing.inner_height))
        if normalize(node.attrib.get(axis, "")).strip()
    }
    # As WeasyPrint does: a given position resets the pending shift along its axis.
    if "x" in given:
        drawing.cursor_d_position[0] = 0
    if "y" in given:
        drawing.cursor_d_position[1] = 0
    x = given.get("x", drawing.cursor_position[0])
    y = given.get("y", drawing.cursor_position[1])
    drawing.cursor_position = x + width, y
    x_position = x + drawing.cursor_d_position[0]
    y_position = y + drawing.cursor_d_position[1] + _y_align(node, font_size, height)
    node.text_bounding_box = extend_bounding_box(
        node.text_bounding_box,
        ((x_position, y_position - baseline), (x_position + width, y_position - baseline + height)),
    )
    drawing.stream.push_state()
    fill, stroke = drawing.set_graphical_state(node, font_size)
    drawing.stream.begin_text()
    layout.reactivate(style)
    drawing.fill_stroke(fill, stroke, text=True)
    box = TextBox(layout, style)
    box.baseline = baseline
    emojis = draw_first_line(
        drawing.stream, box, "none", "none", Matrix(a=1, d=-1, e=x_position, f=y_position)
    )
    drawing.stream.end_text()
    drawing.stream.pop_state()
    draw_emojis(drawing.stream, style, x, y, emojis)
    return True


def _style(drawing: Any, node: Any, font_size: float) -> Any:
    """The text's style as WeasyPrint's SVG text gives it (font family, style, weight, size
    and direction from the node)."""
    from weasyprint.css.properties import INITIAL_VALUES  # type: ignore[import-not-found, import-untyped, unused-ignore]
    from weasyprint.svg.text import Style  # type: ignore[import-not-found, import-untyped, unused-ignore]

    style = Style()
    style.update(INITIAL_VALUES)
    style.font_config = drawing.font_config
    style["font_family"] = [
        font.strip("\"'") for font in node.get("font-family", "sans-serif").split(",")
    ]
    style["font_style"] = node.get("font-style", "normal")
    weight = node.get("font-weight", 400)
    weights = {"normal": 400, "bold": 700}
    try:
        style["font_weight"] = weights[weight] if weight in weights else int(weight)
    except ValueError:
        style["font_weight"] = 400
    style["font_size"] = font_size
    if node.get("direction") in ("ltr", "rtl"):
        style["direction"] = node.get("direction")
    return style


def _y_align(node: Any, font_size: float, height: float) -> float:
    """The vertical shift WeasyPrint gives ``display-anchor`` or ``dominant-baseline``."""
    ascent, descent = font_size * 0.8, font_size * 0.2
    y_align = 0.0
    anchor = node.get("display-anchor")
    alignment = node.get("dominant-baseline", node.get("alignment-baseline"))
    if anchor == "middle":
        y_align = -height / 2
    elif anchor == "bottom":
        y_align = -height
    elif anchor != "top" and alignment in ("central", "middle"):
        y_align = (ascent + descent) / 2 - descent
    elif anchor != "top" and alignment in (
        "text-before-edge", "before_edge", "top", "hanging", "text-top",
    ):  # fmt: skip
        y_align = ascent
    elif anchor != "top" and alignment in (
        "text-after-edge", "after_edge", "bottom", "text-bottom",
    ):  # fmt: skip
        y_align = -descent
    return y_align
