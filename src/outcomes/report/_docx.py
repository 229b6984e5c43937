"""The annual report as a Word document, built from the report's own rendered HTML.

The HTML is the one description of the report's structure, so the Word document follows it
whatever the templates say: this module reads the small vocabulary the templates use
(headings, paragraphs, lists, tables with captions, figures with inline SVG charts, links,
emphasis, details and definition lists, and the sectioning elements) with the standard
library's HTML parser and writes each as its Word counterpart with python-docx (the ``docx``
extra). An element it does not know keeps its text.

- ``h1``..``h6`` are Word's Heading 1..6, so the navigation pane works; the first ``nav``
  (the contents) becomes a table of contents field that Word and LibreOffice fill in.
- Tables keep every cell's text, repeat their header rows on each page, carry their caption,
  and are fitted to the page; one of more than :data:`LANDSCAPE_COLUMNS` columns gets a
  landscape page.
- Charts (inline SVG) are rasterised with CairoSVG at :data:`DPI` and keep their accessible
  name as the picture's alternative text.
- Every page shows the report's status in its header and "Page X of Y" in its footer.
- Same HTML, same bytes: the zip's timestamps and the document properties are fixed.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import attrs

from outcomes.errors import OutcomesError

if TYPE_CHECKING:
    from docx.document import Document
    from docx.oxml.xmlchemy import BaseOxmlElement

__all__ = ["DPI", "LANDSCAPE_COLUMNS", "render_docx"]

#: Resolution of the rasterised charts, dots per inch (twice the 96 of a CSS pixel).
DPI = 192
#: A table with more columns than this is given a landscape page.
LANDSCAPE_COLUMNS = 7

_MM = 36000  # EMU per millimetre
_PX = 9525  # EMU per CSS pixel (1/96 inch)
_TWIP = 635  # EMU per twentieth of a point
# The width of a wide character of the tables' 8.5 pt text, bold or not (0.65 em), EMU.
_CHARACTER = 70000
# A cell's text up to this long is kept on one line where the page allows.
_UNBROKEN = 14
_PAGE = (210 * _MM, 297 * _MM)  # A4 portrait
# The margins of the PDF's @page rule (report_templates/style.css): 18 mm by 15 mm.
_MARGIN_VERTICAL, _MARGIN_HORIZONTAL = 18 * _MM, 15 * _MM
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr"}
)  # fmt: skip
_SKIPPED = frozenset({"head", "style", "script", "template", "title", "noscript"})
_CONTAINERS = frozenset(
    {"html", "body", "main", "section", "article", "div", "header", "footer", "aside",
     "details", "dl", "nav", "figure", "hgroup", "search", "address", "fieldset"}
)  # fmt: skip
_PARAGRAPHS = frozenset({"p", "dt", "dd", "summary", "figcaption", "blockquote", "pre", "legend"})
_BLOCKS = (
    _CONTAINERS | _PARAGRAPHS | {"h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "table"}
)
_BOLD = frozenset({"strong", "b", "th"})
_ITALIC = frozenset({"em", "i", "cite", "dfn", "var"})
_MONOSPACE = frozenset({"code", "kbd", "samp"})
# Characters XML 1.0 cannot hold; they are dropped rather than fail the document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SPACE = re.compile(r"[ \t\n\r\f]+")
_FONT = "Arial"  # Liberation Sans or DejaVu Sans where Arial is missing
# The root ``svg`` start tag's style attribute, and the CSS properties that size it.
_ROOT_STYLE = re.compile(r"""\s*<svg\b[^>]*?\sstyle\s*=\s*(["'])(?P<style>.*?)\1""", re.S)
_CSS_SIZING = frozenset(
    {"width", "height", "max-width", "max-height", "min-width", "min-height", "aspect-ratio"}
)
_TOC = 'TOC \\o "1-3" \\h \\z \\u'
# The zip entries' timestamp: the earliest a zip can hold, the same on every run.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def render_docx(html: str, *, status: str, author: str, subject: str = "") -> bytes:
    """The Word document (bytes of a ``.docx``) of a report rendered as ``html``.

    ``status`` is shown in every page's header; ``author`` (the council) and ``subject``
    (by default the HTML's ``title``) go into the document's properties, with the title
    taken from the HTML's ``h1``.

    >>> docx = render_docx(render(report, "html"), status="Draft", author="Fife")  # doctest: +SKIP
    """
    try:
        import cairosvg  # type: ignore[import-untyped]  # noqa: F401  (libcairo2 loads here)
        import docx
    except (ImportError, OSError) as error:  # pragma: no cover - depends on the installation
        raise OutcomesError(
            "Word output needs python-docx and CairoSVG: pip install 'outcomes[docx]' (and, "
            "on Debian, the package libcairo2)"
        ) from error
    root = _parse(html)
    page_title = _text(next(_find(root, "title"), None))
    title = _text(next(_find(root, "h1"), None)) or page_title
    document = docx.Document()
    _set_up(document, status=status, title=title)
    _Writer(document, root).write(root)
    _set_properties(document, title=title, subject=subject or page_title, author=author,
                    status=status)  # fmt: skip
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())


# --- the HTML, as a tree ----------------------------------------------------------------


@attrs.define
class _Element:
    """An HTML element: its tag, attributes and children (elements and text)."""

    tag: str
    attributes: dict[str, str]
    children: list[_Element | str] = attrs.field(factory=list)
    #: An ``svg`` element's markup as written (attribute names keep their case).
    source: str = ""
    start: int = 0

    def classes(self) -> list[str]:
        return self.attributes.get("class", "").split()


class _TreeBuilder(HTMLParser):
    """Builds the :class:`_Element` tree; a stray end tag is ignored, never an error."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self._html = html
        self._lines = [0, *(match.end() for match in re.finditer("\n", html))]
        self.root = _Element("#root", {})
        self._open = [self.root]

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = _Element(tag, {name: value or "" for name, value in attrs})
        self._open[-1].children.append(element)
        if tag == "svg":
            element.start = self._offset()
        if tag not in _VOID:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open[-1].children.append(_Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                closed = self._open[depth]
                del self._open[depth:]
                if tag == "svg":
                    end = self._html.index(">", self._offset()) + 1
                    closed.source = self._html[closed.start : end]
                return

    def handle_data(self, data: str) -> None:
        self._open[-1].children.append(data)


def _parse(html: str) -> _Element:
    builder = _TreeBuilder(html)
    builder.feed(html)
    builder.close()
    return builder.root


def _find(element: _Element, tag: str) -> Iterator[_Element]:
    """Every element named ``tag`` under ``element``, in document order."""
    for child in element.children:
        if isinstance(child, _Element):
            if child.tag == tag:
                yield child
            yield from _find(child, tag)


def _walk(element: _Element) -> Iterator[_Element]:
    for child in element.children:
        if isinstance(child, _Element):
            yield child
            yield from _walk(child)


def _text(element: _Element | None) -> str:
    """The element's text with white space collapsed, as a browser shows it."""
    if element is None:
        return ""
    parts: list[str] = []

    def gather(node: _Element) -> None:
        for child in node.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag not in _SKIPPED:
                gather(child)

    gather(element)
    return _clean(_SPACE.sub(" ", "".join(parts)).strip())


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


# --- the document's frame: page, styles, header, footer, properties ---------------------


def _set_up(document: Document, *, status: str, title: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Emu, Pt

    section = document.sections[0]
    section.page_width, section.page_height = Emu(_PAGE[0]), Emu(_PAGE[1])
    section.top_margin = section.bottom_margin = Emu(_MARGIN_VERTICAL)
    section.left_margin = section.right_margin = Emu(_MARGIN_HORIZONTAL)
    _styles(document)
    header = section.header.paragraphs[0]
    header.style = document.styles["Header"]
    header.add_run(f"{title}. " if title else "").font.size = Pt(8)
    status_run = header.add_run(f"Status: {status}")
    status_run.bold = True
    status_run.font.size = Pt(8)
    footer = section.footer.paragraphs[0]
    footer.style = document.styles["Footer"]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer_element = footer._p
    footer_element.append(_run("Page "))
    _append_field(footer_element, "PAGE", "1")
    footer_element.append(_run(" of "))
    _append_field(footer_element, "NUMPAGES", "1")
    _settings(document)


def _styles(document: Document) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    styles = document.styles
    # British English for spelling and hyphenation, throughout.
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        run_defaults = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if run_defaults is not None:
            language = run_defaults.find(qn("w:lang"))
            if language is None:
                language = OxmlElement("w:lang")
                run_defaults.append(language)
            language.set(qn("w:val"), "en-GB")
    # One sans-serif font, as the HTML has, in place of the template's theme fonts (Calibri
    # and Cambria, which LibreOffice may lack and replace with a serif).
    for fonts in styles.element.iter(qn("w:rFonts")):
        for name in [name for name in fonts.attrib if name.lower().endswith("theme")]:
            del fonts.attrib[name]
        for which in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(which), _FONT)
    hyperlink = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    hyperlink.font.color.rgb = RGBColor(0x0B, 0x4F, 0x8A)
    hyperlink.font.underline = True
    cell = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = styles["Normal"]
    cell.font.size = Pt(8.5)
    cell.paragraph_format.space_after = Pt(0)
    cell.paragraph_format.space_before = Pt(0)
    caption = styles["Caption"]
    caption.paragraph_format.keep_with_next = True
    figure = styles.add_style("Figure", WD_STYLE_TYPE.PARAGRAPH)
    figure.base_style = styles["Normal"]
    figure.paragraph_format.keep_with_next = True
    for level in (1, 2, 3):
        entry = styles.add_style(f"TOC {level}", WD_STYLE_TYPE.PARAGRAPH)
        entry.base_style = styles["Normal"]
        entry.paragraph_format.left_indent = Pt(12 * (level - 1))
        entry.paragraph_format.space_after = Pt(2)


def _settings(document: Document) -> None:
    """Ask Word and LibreOffice to update the fields (the contents) on opening."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    # Schema order: updateFields comes before these (ECMA-376, CT_Settings).
    later = ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids")
    following = next((child for name in later if (child := settings.find(qn(f"w:{name}")))
                      is not None), None)  # fmt: skip
    if following is None:
        settings.append(update)
    else:
        following.addprevious(update)
    language = settings.find(qn("w:themeFontLang"))
    if language is not None:
        language.set(qn("w:val"), "en-GB")


def _set_properties(
    document: Document, *, title: str, subject: str, author: str, status: str
) -> None:
    from docx.oxml.ns import qn

    properties = document.core_properties
    properties.title = title
    properties.subject = subject
    properties.author = properties.last_modified_by = _clean(author)
    properties.language = "en-GB"
    properties.content_status = status
    properties.keywords = ""
    properties.comments = ""
    properties.category = ""
    properties.revision = 1
    # No dates: the same report gives the same bytes whenever it is rendered.
    element = properties._element
    for name in ("dcterms:created", "dcterms:modified", "cp:lastPrinted"):
        for found in element.findall(qn(name)):
            element.remove(found)


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry's timestamp and attributes fixed."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(entry.filename))
    return output.getvalue()


# --- runs and fields ----------------------------------------------------------------------


def _run(
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    monospace: bool = False,
    style: str | None = None,
) -> BaseOxmlElement:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = OxmlElement("w:r")
    if style or bold or italic or monospace:
        properties = OxmlElement("w:rPr")
        if style:
            style_element = OxmlElement("w:rStyle")
            style_element.set(qn("w:val"), style)
            properties.append(style_element)
        if monospace:
            fonts = OxmlElement("w:rFonts")
            for which in ("w:ascii", "w:hAnsi", "w:cs"):
                fonts.set(qn(which), "Courier New")
            properties.append(fonts)
        if bold:
            properties.append(OxmlElement("w:b"))
        if italic:
            properties.append(OxmlElement("w:i"))
        run.append(properties)
    if text:
        text_element = OxmlElement("w:t")
        text_element.text = text
        text_element.set(qn("xml:space"), "preserve")
        run.append(text_element)
    return run


def _field_part(kind: str, *, dirty: bool = False) -> BaseOxmlElement:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = OxmlElement("w:r")
    character = OxmlElement("w:fldChar")
    character.set(qn("w:fldCharType"), kind)
    if dirty:
        character.set(qn("w:dirty"), "true")
    run.append(character)
    return run


def _instruction(text: str) -> BaseOxmlElement:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = OxmlElement("w:r")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {text} "
    run.append(instruction)
    return run


def _append_field(paragraph: BaseOxmlElement, instruction: str, shown: str) -> None:
    """A complex field (``PAGE``, ``NUMPAGES``) showing ``shown`` until it is updated."""
    paragraph.append(_field_part("begin"))
    paragraph.append(_instruction(instruction))
    paragraph.append(_field_part("separate"))
    paragraph.append(_run(shown))
    paragraph.append(_field_part("end"))


# --- inline content -----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Look:
    """How inline text looks: emphasis and the link it belongs to."""

    bold: bool = False
    italic: bool = False
    monospace: bool = False
    link: str | None = None


@attrs.frozen(kw_only=True)
class _Text:
    text: str
    look: _Look


@attrs.frozen(kw_only=True)
class _Picture:
    png: bytes
    width: int  # EMU
    height: int
    alt: str
    look: _Look


@attrs.frozen(kw_only=True)
class _Break:
    look: _Look


_Piece = _Text | _Picture | _Break


@attrs.frozen(kw_only=True)
class _Block:
    """How a paragraph looks: its style and the few properties the HTML implies."""

    style: str = "Normal"
    bold: bool = False
    indent: bool = False
    align: str = ""  # "", "right" or "center"
    page_break_before: bool = False
    list_level: int = 0


def _collapse(pieces: Sequence[_Piece]) -> list[_Piece]:
    """White space collapsed as a browser does: runs of spaces become one, none at the ends."""
    result: list[_Piece] = []
    space_before = True  # at the start, a space is dropped
    for piece in pieces:
        if not isinstance(piece, _Text):
            result.append(piece)
            space_before = isinstance(piece, _Break)
            continue
        text = _clean(_SPACE.sub(" ", piece.text))
        if space_before:
            text = text.lstrip(" ")
        if text:
            result.append(attrs.evolve(piece, text=text))
            space_before = text.endswith(" ")
    while result and isinstance(result[-1], _Text):
        last = result[-1]
        assert isinstance(last, _Text)
        stripped = last.text.rstrip(" ")
        if stripped:
            result[-1] = attrs.evolve(last, text=stripped)
            break
        result.pop()
    return result


# --- the writer ---------------------------------------------------------------------------


class _Flow:
    """Where paragraphs go (the body or a table cell) and the inline content gathered."""

    def __init__(self, parent: BaseOxmlElement, *, body: bool, width: int) -> None:
        self.parent = parent
        self.body = body
        self.width = width  # EMU available to a picture
        self.pieces: list[_Piece] = []
        # A new cell holds one empty paragraph, used for its first.
        self.unused = None if body else parent.find(_qn("w:p"))


def _qn(name: str) -> str:
    from docx.oxml.ns import qn

    return qn(name)


class _Writer:
    """Writes the HTML tree into the document, block by block."""

    def __init__(self, document: Document, root: _Element) -> None:
        self.document = document
        self.part = document.part
        self.ids = {element.attributes["id"]: element for element in _walk(root)
                    if "id" in element.attributes}  # fmt: skip
        targets = sorted({element.attributes["href"][1:] for element in _walk(root)
                          if element.tag == "a" and element.attributes.get("href", "")
                          .startswith("#")} & self.ids.keys())  # fmt: skip
        #: Headings of levels 1 to 3 outside the contents (``nav``): the contents' entries.
        self.outline = list(_outline(root))
        headings = {entry.attributes["id"] for _, entry in self.outline if "id" in entry.attributes}
        self.bookmarks = _bookmark_names(sorted(headings.union(targets)))
        self.pending: list[str] = []  # bookmarks waiting for the next paragraph
        self.next_bookmark = 0
        self.next_picture = 0
        self.landscape = False
        self.fresh_page = True  # nothing written yet on the current page
        self.contents_written = False
        self.styles: dict[str, str] = {}

    # -- walking ------------------------------------------------------------------------

    def write(self, root: _Element) -> None:
        body = _Flow(self.document.element.body, body=True, width=self._text_width())
        self._children(root, body, _Look(), _Block())
        self._flush(body, _Block())

    def _children(self, element: _Element, flow: _Flow, look: _Look, block: _Block) -> None:
        for child in element.children:
            if isinstance(child, str):
                flow.pieces.append(_Text(text=child, look=look))
            else:
                self._element(child, flow, look, block)

    def _element(self, element: _Element, flow: _Flow, look: _Look, block: _Block) -> None:
        tag = element.tag
        if tag in _SKIPPED or "skip" in element.classes() or "hidden" in element.attributes:
            return
        if "id" in element.attributes and element.attributes["id"] in self.bookmarks:
            if tag in _BLOCKS:  # the text before it is a paragraph of its own, unmarked
                self._flush(flow, block)
            self.pending.append(self.bookmarks[element.attributes["id"]])
        if re.fullmatch(r"h[1-6]", tag):
            self._heading(element, flow, look, int(tag[1]))
        elif tag == "nav" and not self.contents_written and flow.body:
            self._contents(element, flow, look)
        elif tag == "table":
            self._table(element, flow, look, block)
        elif tag in ("ul", "ol"):
            self._list(element, flow, look, block)
        elif tag == "figure":
            self._figure(element, flow, look, block)
        elif tag == "main" and not self.contents_written and flow.body:
            self._flush(flow, block)
            self._write_contents(flow, None)
            self._children(element, flow, look, block)
            self._flush(flow, block)
        elif tag in _CONTAINERS:
            self._flush(flow, block)
            self._children(element, flow, look, block)
            self._flush(flow, block)
        elif tag in _PARAGRAPHS or tag == "li":
            self._paragraph(element, flow, look, block)
        else:
            self._inline(element, flow, look, block)

    def _paragraph(self, element: _Element, flow: _Flow, look: _Look, block: _Block) -> None:
        tag = element.tag
        self._flush(flow, block)
        own = block
        if tag in ("dt", "summary"):
            own = attrs.evolve(block, bold=True)
        elif tag in ("dd", "blockquote"):
            own = attrs.evolve(block, indent=True)
        elif tag in ("figcaption", "caption"):
            own = _Block(style="Caption")
        self._children(element, flow, look, own)
        self._flush(flow, own)

    def _inline(self, element: _Element, flow: _Flow, look: _Look, block: _Block) -> None:
        """Inline content, or an element the writer does not know: its text is kept, and a
        block inside it (a paragraph in a ``span``) takes the surrounding block's style."""
        tag = element.tag
        if tag == "br":
            flow.pieces.append(_Break(look=look))
            return
        if tag == "svg":
            flow.pieces.append(self._picture(element, None, flow, look))
            return
        if tag == "img":
            flow.pieces.append(_Text(text=element.attributes.get("alt", ""), look=look))
            return
        if tag in _BOLD:
            look = attrs.evolve(look, bold=True)
        elif tag in _ITALIC:
            look = attrs.evolve(look, italic=True)
        elif tag in _MONOSPACE:
            look = attrs.evolve(look, monospace=True)
        elif tag == "a":
            look = attrs.evolve(look, link=self._link(element.attributes.get("href", "")))
        if tag == "q":
            flow.pieces.append(_Text(text="\u201c", look=look))
        self._children(element, flow, look, block)
        if tag == "q":
            flow.pieces.append(_Text(text="\u201d", look=look))

    def _link(self, href: str) -> str | None:
        """``#bookmark`` for a link inside the report, the address for one outside it."""
        if href.startswith("#"):
            name = self.bookmarks.get(href[1:])
            return None if name is None else f"#{name}"
        if re.match(r"(?i)(https?|mailto):", href):
            return _clean(href)
        return None

    # -- blocks -------------------------------------------------------------------------

    def _heading(self, element: _Element, flow: _Flow, look: _Look, level: int) -> None:
        block = _Block()
        self._flush(flow, block)
        if not flow.body:  # a heading inside a table cell is bold text
            own = _Block(style="Table Text", bold=True)
        else:
            own = _Block(style=f"Heading {level}", page_break_before=level == 2)
        self._children(element, flow, look, own)
        self._flush(flow, own)

    def _list(self, element: _Element, flow: _Flow, look: _Look, block: _Block) -> None:
        self._flush(flow, block)
        level = min(block.list_level + 1, 3)
        kind = "List Number" if element.tag == "ol" else "List Bullet"
        style = kind if level == 1 else f"{kind} {level}"
        if not flow.body:
            style = "Table Text"
        own = attrs.evolve(block, style=style, list_level=level, bold=False)
        for child in element.children:
            if isinstance(child, str):
                flow.pieces.append(_Text(text=child, look=look))
            elif child.tag == "li":
                self._paragraph(child, flow, look, own)
            else:
                self._element(child, flow, look, own)
        self._flush(flow, own)

    def _contents(self, nav: _Element, flow: _Flow, look: _Look) -> None:
        """The report's contents as a Word table of contents, under the nav's heading."""
        self._flush(flow, _Block())
        heading = next((child for child in _walk(nav) if re.fullmatch(r"h[1-6]", child.tag)),
                       None)  # fmt: skip
        self._write_contents(flow, heading)

    def _write_contents(self, flow: _Flow, heading: _Element | None) -> None:
        """The contents field, filled with the outline's entries (no page numbers) for a
        reader that does not update fields; Word updates it on opening (``updateFields``)."""
        self.contents_written = True
        self._orient(flow, landscape=False)
        if heading is not None:
            self._children(heading, flow, _Look(), _Block(style="TOC Heading"))
            self._flush(flow, _Block(style="TOC Heading"))
        entries: list[tuple[int, _Element | None]] = [*self.outline] or [(1, None)]
        for number, (level, entry) in enumerate(entries):
            paragraph = self._new_paragraph(flow, _Block(style=f"TOC {level}"))
            if number == 0:
                paragraph.append(_field_part("begin", dirty=True))
                paragraph.append(_instruction(_TOC))
                paragraph.append(_field_part("separate"))
            if entry is None:
                paragraph.append(_run("Update the fields to fill in the contents."))
            else:
                name = self.bookmarks.get(entry.attributes.get("id", ""))
                target = paragraph if name is None else self._hyperlink(paragraph, f"#{name}")
                target.append(_run(_text(entry)))
            if number == len(entries) - 1:
                paragraph.append(_field_part("end"))

    def _flush(self, flow: _Flow, block: _Block, *, landscape: bool = False) -> None:
        """Write the gathered inline content as one paragraph in ``block``'s style."""
        pieces = _collapse(flow.pieces)
        flow.pieces = []
        if not pieces:
            return
        if block.bold:
            pieces = [attrs.evolve(piece, look=attrs.evolve(piece.look, bold=True))
                      for piece in pieces]  # fmt: skip
        paragraph = self._new_paragraph(flow, block, landscape=landscape)
        index = 0
        while index < len(pieces):
            link = pieces[index].look.link
            end = index
            while end < len(pieces) and pieces[end].look.link == link:
                end += 1
            target = paragraph if link is None else self._hyperlink(paragraph, link)
            for piece in pieces[index:end]:
                target.append(self._piece_run(piece))
            index = end

    def _new_paragraph(
        self, flow: _Flow, block: _Block, *, landscape: bool = False
    ) -> BaseOxmlElement:
        from docx.oxml import OxmlElement

        self._orient(flow, landscape=landscape)
        paragraph: BaseOxmlElement
        if flow.unused is not None:
            paragraph, flow.unused = flow.unused, None
        else:
            paragraph = OxmlElement("w:p")
            last = flow.parent[-1] if len(flow.parent) else None
            if last is not None and last.tag == _qn("w:sectPr"):  # the body's own, kept last
                last.addprevious(paragraph)
            else:
                flow.parent.append(paragraph)
        properties = self._paragraph_properties(block)
        if properties is not None:
            paragraph.insert(0, properties)
        self._bookmark(paragraph)
        if flow.body:
            self.fresh_page = False
        return paragraph

    def _paragraph_properties(self, block: _Block) -> BaseOxmlElement | None:
        """``w:pPr`` for ``block``, its children in the schema's order; ``None`` if empty."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        children = []
        if block.style != "Normal":
            style = OxmlElement("w:pStyle")
            style.set(qn("w:val"), self._style_id(block.style))
            children.append(style)
        if block.page_break_before and not self.fresh_page:
            children.append(OxmlElement("w:pageBreakBefore"))
        if block.indent:
            indent = OxmlElement("w:ind")
            indent.set(qn("w:left"), "360")  # twips: 18 pt
            children.append(indent)
        if block.align:
            alignment = OxmlElement("w:jc")
            alignment.set(qn("w:val"), block.align)
            children.append(alignment)
        if not children:
            return None
        properties = OxmlElement("w:pPr")
        properties.extend(children)
        return properties

    def _style_id(self, name: str) -> str:
        if name not in self.styles:
            self.styles[name] = self.document.styles[name].style_id
        return self.styles[name]

    def _bookmark(self, paragraph: BaseOxmlElement) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        for name in self.pending:
            start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
            start.set(qn("w:id"), str(self.next_bookmark))
            start.set(qn("w:name"), name)
            end.set(qn("w:id"), str(self.next_bookmark))
            self.next_bookmark += 1
            paragraph.append(start)
            paragraph.append(end)
        self.pending = []

    def _hyperlink(self, paragraph: BaseOxmlElement, link: str) -> BaseOxmlElement:
        from docx.opc.constants import RELATIONSHIP_TYPE
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        hyperlink = OxmlElement("w:hyperlink")
        if link.startswith("#"):
            hyperlink.set(qn("w:anchor"), link[1:])
        else:
            relationship = self.part.relate_to(link, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
            hyperlink.set(qn("r:id"), relationship)
        paragraph.append(hyperlink)
        return hyperlink

    def _piece_run(self, piece: _Piece) -> BaseOxmlElement:
        look = piece.look
        style = "Hyperlink" if look.link else None
        options: dict[str, Any] = {
            "bold": look.bold,
            "italic": look.italic,
            "monospace": look.monospace,
            "style": None if style is None else self._style_id(style),
        }
        if isinstance(piece, _Text):
            return _run(piece.text, **options)
        run = _run(**options)
        if isinstance(piece, _Break):
            run.append(_br())
            return run
        run.append(self._drawing(piece))
        return run

    def _drawing(self, picture: _Picture) -> BaseOxmlElement:
        from docx.oxml import OxmlElement
        from docx.oxml.shape import CT_Inline
        from docx.shared import Emu

        self.next_picture += 1
        relationship, _image = self.part.get_or_add_image(io.BytesIO(picture.png))
        inline = CT_Inline.new_pic_inline(
            self.next_picture, relationship, f"chart{self.next_picture}.png",
            Emu(picture.width), Emu(picture.height),
        )  # fmt: skip
        inline.docPr.set("descr", picture.alt)
        drawing = OxmlElement("w:drawing")
        drawing.append(inline)
        return drawing

    # -- pictures -----------------------------------------------------------------------

    def _picture(
        self, svg: _Element, figure: _Element | None, flow: _Flow, look: _Look
    ) -> _Picture:
        import cairosvg

        alt = self._alt(svg, figure)
        try:
            drawable = _without_css_sizing(_clean(svg.source)).encode("utf-8")
            png = cairosvg.svg2png(bytestring=drawable, scale=DPI / 96)
        except Exception as error:  # CairoSVG raises many kinds; each means a bad chart
            raise OutcomesError(f"the chart {alt!r} cannot be drawn: {error}") from error
        width_px, height_px = _png_size(png)
        width = round(width_px * 96 / DPI * _PX)
        height = round(height_px * 96 / DPI * _PX)
        limit = self._text_width() if flow.body else flow.width
        if width > limit:
            width, height = limit, round(height * limit / width)
        return _Picture(png=png, width=width, height=height, alt=alt, look=look)

    def _alt(self, svg: _Element, figure: _Element | None) -> str:
        """The picture's alternative text: the chart's accessible name and description."""
        candidates = [
            svg.attributes.get("aria-label", ""),
            self._labelled_by(svg),
            _text(next(_find(svg, "title"), None)),
        ]
        if figure is not None:
            candidates += [
                figure.attributes.get("aria-label", ""),
                self._labelled_by(figure),
                _text(next(_find(figure, "figcaption"), None)),
            ]
        named = (_clean(_SPACE.sub(" ", candidate)).strip() for candidate in candidates)
        return next((candidate for candidate in named if candidate), "Chart")

    def _labelled_by(self, element: _Element) -> str:
        names = element.attributes.get("aria-labelledby", "").split()
        return " ".join(_text(self.ids[name]) for name in names if name in self.ids).strip()

    def _figure(self, figure: _Element, flow: _Flow, look: _Look, block: _Block) -> None:
        self._flush(flow, block)
        for child in figure.children:
            if isinstance(child, str):
                flow.pieces.append(_Text(text=child, look=look))
            elif child.tag == "svg":
                self._flush(flow, block)
                flow.pieces.append(self._picture(child, figure, flow, look))
                self._flush(flow, _Block(style="Figure"))
            else:
                self._element(child, flow, look, block)
        self._flush(flow, block)

    # -- tables -------------------------------------------------------------------------

    def _table(self, table: _Element, flow: _Flow, look: _Look, block: _Block) -> None:
        self._flush(flow, block)
        rows = _rows(table)
        captions = (child for child in table.children if isinstance(child, _Element))
        caption = next((child for child in captions if child.tag == "caption"), None)
        columns = max((sum(_span(cell) for cell in cells) for _, cells in rows), default=0)
        if not flow.body or columns == 0:
            # A table inside a table's cell (or one without cells): its text, row by row.
            parts = [cell for _, cells in rows for cell in cells]
            for part in parts if caption is None else [caption, *parts]:
                self._children(part, flow, look, block)
                self._flush(flow, block)
            return
        landscape = columns > LANDSCAPE_COLUMNS
        self._orient(flow, landscape=landscape)
        if caption is not None:
            self._children(caption, flow, look, _Block(style="Caption"))
        self._flush(flow, _Block(style="Caption"), landscape=landscape)
        widths = self._widths(rows, columns)
        self._fill(self._new_table(len(rows), widths), rows, widths, look)
        self.fresh_page = False

    def _new_table(self, count: int, widths: Sequence[int]) -> BaseOxmlElement:
        from docx.oxml.ns import qn
        from docx.shared import Emu

        table = self.document.add_table(rows=count, cols=len(widths))
        table.style = self._table_style()
        table.autofit = False  # fixed layout: the widths below hold
        element: BaseOxmlElement = table._tbl
        table_width = element.tblPr.find(qn("w:tblW"))
        if table_width is not None:
            table_width.set(qn("w:type"), "dxa")
            table_width.set(qn("w:w"), str(sum(widths) // _TWIP))
        for column, width in zip(element.tblGrid.gridCol_lst, widths, strict=True):
            column.w = Emu(width)
        return element

    def _table_style(self) -> Any:
        return self.document.styles["Table Grid"]

    def _fill(
        self,
        table: BaseOxmlElement,
        rows: Sequence[tuple[bool, list[_Element]]],
        widths: Sequence[int],
        look: _Look,
    ) -> None:
        from docx.oxml import OxmlElement
        from docx.shared import Emu

        padding = 2 * 108 * _TWIP  # Word's default cell margins, left and right
        for (header, cells), row in zip(rows, table.tr_lst, strict=True):
            properties = row.get_or_add_trPr()
            properties.append(OxmlElement("w:cantSplit"))
            if header:  # repeated at the top of each page the table runs onto
                properties.append(OxmlElement("w:tblHeader"))
            places = list(row.tc_lst)
            position = 0
            for cell in cells:
                if position >= len(widths):
                    break
                span = min(_span(cell), len(widths) - position)
                place = places[position]
                if span > 1:
                    place.grid_span = span
                    for extra in places[position + 1 : position + span]:
                        row.remove(extra)
                width = sum(widths[position : position + span])
                place.width = Emu(width)
                numeric = "number" in cell.classes()
                own = _Block(style="Table Text", bold=cell.tag == "th",
                             align="right" if numeric else "")  # fmt: skip
                cell_flow = _Flow(place, body=False, width=max(width - padding, _MM))
                self._children(cell, cell_flow, look, own)
                self._flush(cell_flow, own)
                position += span
            for place, width in zip(places[position:], widths[position:], strict=False):
                place.width = Emu(width)

    def _widths(self, rows: Sequence[tuple[bool, list[_Element]]], columns: int) -> list[int]:
        """Column widths (EMU) that fill the text width.

        Each column first gets its least width: a short text (up to :data:`_UNBROKEN`
        characters) on one line, else its longest word (up to 18 characters), and its widest
        picture. What the page has left goes to the columns in proportion to how much more
        their longest text (up to 40 characters) wants.
        """
        longest, least = [0] * columns, [0] * columns
        for _, cells in rows:
            position = 0
            for cell in cells:
                if _span(cell) == 1 and position < columns:
                    text = _text(cell)
                    short = len(text) if len(text) <= _UNBROKEN else 0
                    word = min(max((len(w) for w in text.split()), default=0), 18)
                    pictures = [_svg_width(svg) for svg in _find(cell, "svg")]
                    longest[position] = max(longest[position], len(text))
                    least[position] = max(least[position], max(short, word) * _CHARACTER, *pictures)
                position += _span(cell)
        padding = 2 * 108 * _TWIP  # Word's default cell margins, left and right
        minimum = [least[i] + padding for i in range(columns)]
        wanted = [max(min(longest[i], 40) * _CHARACTER + padding, minimum[i])
                  for i in range(columns)]  # fmt: skip
        available = self._text_width()
        spare = available - sum(minimum)
        if spare <= 0:  # even the least widths do not fit: shrink them alike
            exact = [width * available / sum(minimum) for width in minimum]
        else:
            more = [wanted[i] - minimum[i] for i in range(columns)]
            total = sum(more)
            exact = [minimum[i] + spare * (more[i] / total if total else 1 / columns)
                     for i in range(columns)]  # fmt: skip
        widths = [int(width) // _TWIP * _TWIP for width in exact]
        widths[-1] += (available - sum(widths)) // _TWIP * _TWIP
        return widths

    # -- pages --------------------------------------------------------------------------

    def _text_width(self) -> int:
        width = _PAGE[1] if self.landscape else _PAGE[0]
        return width - 2 * _MARGIN_HORIZONTAL

    def _orient(self, flow: _Flow, *, landscape: bool) -> None:
        """Start a new section on a new page when the orientation changes."""
        from docx.enum.section import WD_ORIENT, WD_SECTION
        from docx.shared import Emu

        if not flow.body or landscape == self.landscape:
            return
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        width, height = (_PAGE[1], _PAGE[0]) if landscape else _PAGE
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Emu(width), Emu(height)
        self.landscape = landscape
        self.fresh_page = True


def _outline(element: _Element) -> Iterator[tuple[int, _Element]]:
    """Each heading of level 1 to 3 with its level, leaving out navigation."""
    for child in element.children:
        if not isinstance(child, _Element) or child.tag in _SKIPPED or child.tag == "nav":
            continue
        if child.tag in ("h1", "h2", "h3"):
            yield int(child.tag[1]), child
        else:
            yield from _outline(child)


def _rows(table: _Element) -> list[tuple[bool, list[_Element]]]:
    """The table's rows, header rows first, each with whether it is a header and its cells."""
    head: list[_Element] = []
    rest: list[_Element] = []
    foot: list[_Element] = []
    for child in table.children:
        if not isinstance(child, _Element):
            continue
        if child.tag == "tr":
            rest.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            group = {"thead": head, "tbody": rest, "tfoot": foot}[child.tag]
            group.extend(row for row in child.children
                         if isinstance(row, _Element) and row.tag == "tr")  # fmt: skip

    def cells(row: _Element) -> list[_Element]:
        return [cell for cell in row.children
                if isinstance(cell, _Element) and cell.tag in ("th", "td")]  # fmt: skip

    if not head:
        # Without a thead, leading rows of header cells only are the header.
        while rest and cells(rest[0]) and all(cell.tag == "th" for cell in cells(rest[0])):
            head.append(rest.pop(0))
    return [(True, cells(row)) for row in head] + [(False, cells(row)) for row in [*rest, *foot]]


def _span(cell: _Element) -> int:
    given = cell.attributes.get("colspan", "1")
    return max(1, min(int(given), 1000)) if given.isdigit() else 1


def _svg_width(svg: _Element) -> int:
    """The width an SVG asks for, EMU (CSS pixels; 300 when it does not say)."""
    given = re.match(r"\s*(\d+(?:\.\d+)?)(px)?\s*$", svg.attributes.get("width", ""))
    return round(float(given.group(1)) * _PX) if given else 300 * _PX


def _without_css_sizing(source: str) -> str:
    """The SVG without the CSS sizes of its root's ``style`` (``height:auto``, say).

    They fit the chart to a web page; CairoSVG reads them as the drawing's own width and
    height and draws nothing. The ``width`` and ``height`` attributes remain.
    """
    root = _ROOT_STYLE.match(source)
    if root is None:
        return source
    kept = [
        declaration
        for declaration in root.group("style").split(";")
        if declaration.strip() and declaration.split(":")[0].strip().lower() not in _CSS_SIZING
    ]
    return source[: root.start("style")] + ";".join(kept) + source[root.end("style") :]


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG, from its header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _br() -> BaseOxmlElement:
    from docx.oxml import OxmlElement

    return OxmlElement("w:br")


def _bookmark_names(ids: Sequence[str]) -> dict[str, str]:
    """A Word bookmark name for each id: letters, digits and _, starting with a letter, at
    most 40 characters, unique without regard to case."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for identifier in ids:
        base = re.sub(r"[^A-Za-z0-9_]", "_", identifier)
        if not base[:1].isalpha():
            base = f"b_{base}"
        base = base[:36]
        name, number = base, 2
        while name.lower() in used:
            name, number = f"{base[:33]}_{number}", number + 1
        used.add(name.lower())
        names[identifier] = name
    return names
