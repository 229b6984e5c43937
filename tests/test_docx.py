"""The annual report as a Word document (the ``docx`` extra), read back with python-docx.

What the HTML says is the expectation: the report's headings, tables and charts are read
from its rendered HTML with the standard library's parser here, independently of the writer,
and each must be in the document. The conversion through LibreOffice runs ``soffice``, which
``./run test`` installs; without it that test skips locally and fails in CI.
"""

from __future__ import annotations

import functools
import io
import re
import subprocess
import zipfile
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

import outcomes
from outcomes._cli import main
from outcomes.errors import OutcomesError
from outcomes.report._render import render
from tests.programs import program
from tests.report_examples import AREA, PERIOD, example_report, small_report

docx = pytest.importorskip("docx", reason="Word output needs the 'docx' extra")
pytest.importorskip("cairosvg", reason="Word output needs the 'docx' extra")

from docx.document import Document  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from PIL import Image  # noqa: E402

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
EMU_PER_MM = 36000


# --- what the HTML says -------------------------------------------------------------------


class HtmlOutline(HTMLParser):
    """The headings (outside ``nav``), tables and SVG pictures of a rendered report."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[int, str]] = []
        self.tables: list[dict[str, object]] = []
        self.pictures = 0
        self.links: list[str] = []
        self._nav = 0
        self._svg = 0
        self._heading: list[str] | None = None
        self._level = 0
        self._table_depth = 0
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "nav":
            self._nav += 1
        elif tag == "svg":
            self._svg += 1
            self.pictures += 1
        elif re.fullmatch(r"h[1-6]", tag) and not self._nav:
            self._heading, self._level = [], int(tag[1])
        elif tag == "table":
            self._table_depth += 1
            if self._table_depth == 1:
                self.tables.append({"caption": "", "rows": [], "header": 0})
        elif tag == "caption" and self._table_depth == 1:
            self._caption = []
        elif tag == "tr" and self._table_depth == 1:
            self._rows().append([])
        elif tag in ("th", "td") and self._table_depth == 1:
            self._cell = []
        elif tag == "thead" and self._table_depth == 1:
            self.tables[-1]["in_head"] = True
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")

    def _rows(self) -> list[list[str]]:
        rows = self.tables[-1]["rows"]
        assert isinstance(rows, list)
        return rows

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._nav -= 1
        elif tag == "svg":
            self._svg -= 1
        elif re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((self._level, squash("".join(self._heading))))
            self._heading = None
        elif tag == "table":
            self._table_depth -= 1
        elif tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = squash("".join(self._caption))
            self._caption = None
        elif tag in ("th", "td") and self._cell is not None and self._table_depth == 1:
            self._rows()[-1].append(squash("".join(self._cell)))
            self._cell = None
        elif tag == "thead" and self._table_depth == 1:
            self.tables[-1]["header"] = len(self._rows())
            self.tables[-1]["in_head"] = False

    def handle_data(self, data: str) -> None:
        if self._svg:
            return
        for gathering in (self._heading, self._cell, self._caption):
            if gathering is not None:
                gathering.append(data)


def squash(text: str) -> str:
    return re.sub(r"[ \t\n\r\f]+", " ", text).strip()


def outline_of(html: str) -> HtmlOutline:
    outline = HtmlOutline()
    outline.feed(html)
    outline.close()
    return outline


# --- the example report, rendered once ------------------------------------------------------


@functools.cache
def example_html() -> str:
    return render(example_report(), "html")


@functools.cache
def example_docx() -> bytes:
    rendered = outcomes.render_report(example_report(), "docx")
    assert isinstance(rendered, bytes)
    return rendered


def opened(data: bytes) -> Document:
    document: Document = docx.Document(io.BytesIO(data))
    return document


def style_name(styled: object) -> str:
    style = getattr(styled, "style", None)
    return "" if style is None else str(style.name)


def paragraph_text(element: object) -> str:
    """The text of a ``w:p`` element, field instructions left out."""
    return "".join(node.text or "" for node in element.iter(f"{W}t"))  # type: ignore[attr-defined]


# --- structure ------------------------------------------------------------------------------


def test_every_heading_of_the_html_is_a_word_heading_of_the_same_level() -> None:
    expected = outline_of(example_html()).headings
    document = opened(example_docx())
    found = [
        (int(style_name(paragraph).removeprefix("Heading ")), squash(paragraph.text))
        for paragraph in document.paragraphs
        if re.fullmatch(r"Heading \d", style_name(paragraph))
    ]
    assert len(expected) > 50
    assert {level for level, _ in expected} == {1, 2, 3, 4}
    assert found == expected


def test_the_contents_is_a_field_word_updates_on_opening() -> None:
    with zipfile.ZipFile(io.BytesIO(example_docx())) as package:
        body = package.read("word/document.xml").decode()
        settings = package.read("word/settings.xml").decode()
    assert '<w:updateFields w:val="true"/>' in settings
    instructions = re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", body)
    assert [i.strip() for i in instructions] == ['TOC \\o "1-3" \\h \\z \\u']
    # It starts before the first section, and already lists the sections (no page numbers)
    # for readers that do not update fields.
    document = opened(example_docx())
    entries = [p.text for p in document.paragraphs if re.fullmatch(r"TOC \d", style_name(p))]
    headings = [text for level, text in outline_of(example_html()).headings if level <= 3]
    assert entries == headings
    names = [style_name(p) for p in document.paragraphs]
    assert names.index("TOC 1") < names.index("Heading 2")


def test_every_table_keeps_its_caption_and_cells_and_repeats_its_header_rows() -> None:
    expected = outline_of(example_html()).tables
    document = opened(example_docx())
    tables = document.tables
    assert len(tables) == len(expected) > 0
    for number, (table, html_table) in enumerate(zip(tables, expected, strict=True)):
        rows = html_table["rows"]
        assert isinstance(rows, list)
        cells = [[squash(cell.text) for cell in row.cells] for row in table.rows]
        assert cells == rows, f"table {number} ({html_table['caption']})"
        header = int(html_table["header"])  # type: ignore[call-overload]
        assert header >= 1
        repeated = [row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None
                    for row in table.rows]  # fmt: skip
        assert repeated == [True] * header + [False] * (len(rows) - header)
        previous = table._tbl.getprevious()
        if html_table["caption"]:
            assert paragraph_text(previous) == html_table["caption"]
            assert previous.pPr.pStyle.val == "Caption"
        assert style_name(table) == "Table Grid"


def test_every_table_fits_its_page_and_wide_tables_are_landscape() -> None:
    body = opened(example_docx()).element.body
    pending: list[int] = []  # the tables' column counts and widths since the last break
    checked = 0
    for child in body:
        if child.tag == f"{W}tbl":
            widths = [int(column.get(qn("w:w"))) for column in child.iter(f"{W}gridCol")]
            pending.append(len(widths))
            pending.append(sum(widths))
            continue
        breaks = list(child.iter(f"{W}sectPr")) if child.tag == f"{W}p" else [child]
        if not breaks or child.tag not in (f"{W}p", f"{W}sectPr"):
            continue
        section = breaks[0]
        size, margins = section.find(qn("w:pgSz")), section.find(qn("w:pgMar"))
        page_width = int(size.get(qn("w:w")))
        text_width = page_width - int(margins.get(qn("w:left"))) - int(margins.get(qn("w:right")))
        landscape = size.get(qn("w:orient")) == "landscape"
        assert {page_width, int(size.get(qn("w:h")))} == {11906, 16838}  # A4, in twips
        for columns, width in zip(pending[::2], pending[1::2], strict=True):
            assert width <= text_width
            assert landscape == (columns > 7)
            checked += 1
        pending = []
    assert checked == len(outline_of(example_html()).tables)


def test_every_chart_is_a_picture_with_alternative_text() -> None:
    outline = outline_of(example_html())
    document = opened(example_docx())
    descriptions = [shape._inline.docPr.get("descr") for shape in document.inline_shapes]
    assert len(descriptions) == outline.pictures > 0
    assert all(description and description.strip() for description in descriptions)
    with zipfile.ZipFile(io.BytesIO(example_docx())) as package:
        images = {name: package.read(name) for name in package.namelist()
                  if name.startswith("word/media/")}  # fmt: skip
    assert all(name.endswith(".png") for name in images)
    # Every picture is drawn (a blank one would hide a chart CairoSVG could not size), and
    # the charts differ: identical pictures share one file, so blank ones would be one.
    assert len(images) >= example_html().count("<figure")
    for name, png in images.items():
        picture = Image.open(io.BytesIO(png)).convert("RGBA")
        assert picture.getchannel("A").getbbox() is not None, f"{name} is blank"
    # The alternative text is the picture's accessible name: a sparkline's aria-label, a
    # chart's title and description (aria-labelledby).
    html = example_html()
    labels = re.findall(r'<svg [^>]*aria-label="([^"]*)"', html)
    named = re.findall(r'<title id="[^"]*">([^<]*)</title><desc id="[^"]*">([^<]*)</desc>', html)
    assert labels or named
    for label in labels:
        assert unescape(label) in descriptions
    for title, desc in named:
        assert unescape(f"{title} {desc}") in descriptions


def test_links_stay_links() -> None:
    outline = outline_of(example_html())
    document = opened(example_docx())
    external = sorted({href for href in outline.links if href.startswith(("http:", "https:"))})
    related = sorted(
        relationship.target_ref
        for relationship in document.part.rels.values()
        if relationship.reltype.endswith("/hyperlink")
    )
    assert related == external
    body = document.element.body
    bookmarks = {mark.get(qn("w:name")) for mark in body.iter(f"{W}bookmarkStart")}
    anchors = [link.get(qn("w:anchor")) for link in body.iter(f"{W}hyperlink")]
    internal = [href for href in outline.links if href.startswith("#") and href != "#main"]
    assert len([a for a in anchors if a]) >= len(internal) > 10
    assert {a for a in anchors if a} <= bookmarks


@pytest.mark.parametrize(("status", "label"), [("published", "Published"), ("draft", "Draft")])
def test_every_page_header_shows_the_status_and_the_footer_counts_pages(
    status: str, label: str
) -> None:
    rendered = outcomes.render_report(small_report(status), "docx")
    assert isinstance(rendered, bytes)
    document = opened(rendered)
    first = document.sections[0]
    assert f"Status: {label}" in first.header.paragraphs[0].text
    for section in document.sections[1:]:
        assert section.header.is_linked_to_previous
        assert section.footer.is_linked_to_previous
    footer = first.footer._element
    instructions = [node.text.strip() for node in footer.iter(f"{W}instrText")]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert "Page " in paragraph_text(footer)
    assert " of " in paragraph_text(footer)


def test_document_properties_page_size_and_language() -> None:
    document = opened(example_docx())
    properties = document.core_properties
    headings = outline_of(example_html()).headings
    assert properties.title == headings[0][1]
    assert properties.author == AREA
    assert properties.language == "en-GB"
    assert properties.content_status == "Published"
    assert properties.created is None
    assert properties.modified is None
    first = document.sections[0]
    size = (first.page_width or 0, first.page_height or 0)
    assert tuple(round(length / EMU_PER_MM) for length in size) == (210, 297)
    with zipfile.ZipFile(io.BytesIO(example_docx())) as package:
        assert 'w:lang w:val="en-GB"' in package.read("word/styles.xml").decode()
        dates = {entry.date_time for entry in package.infolist()}
    assert dates == {(1980, 1, 1, 0, 0, 0)}


def test_two_renders_give_identical_bytes() -> None:
    again = outcomes.render_report(example_report(), "docx")
    assert again == example_docx()


# --- anything the writer does not know keeps its text -------------------------------------


def test_unknown_elements_keep_their_text_and_odd_text_is_safe() -> None:
    from outcomes.report._docx import render_docx

    html = (
        "<html><head><title>T</title></head><body><h1>Title</h1>"
        "<blink>kept <marquee>inside</marquee></blink>"
        "<custom-element><p>para\x0b graph</p></custom-element>"
        "<table><tr><td>no header</td><td><x-cell><p>in a cell</p></x-cell></td></tr></table>"
        '<p><a href="javascript:alert(1)">not a link</a> <a href="#nowhere">nor this</a></p>'
        'before<h2 id="there">There</h2><p><a href="#there">back</a></p>'
        '<figure><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" '
        'aria-label="a\x01chart"><rect width="10" height="10"/></svg></figure>'
        "</body></html>"
    )
    document = opened(render_docx(html, status="Draft", author="No\x02where"))
    assert document.core_properties.author == "Nowhere"
    assert [shape._inline.docPr.get("descr") for shape in document.inline_shapes] == ["achart"]
    texts = [p.text for p in document.paragraphs]
    assert "kept inside" in texts
    assert "para graph" in texts
    assert "not a link nor this" in texts
    cells = document.tables[0].rows[0].cells
    assert [cell.text for cell in cells] == ["no header", "in a cell"]
    assert [style_name(cell.paragraphs[0]) for cell in cells] == ["Table Text"] * 2
    # The one internal link goes to a bookmark on its heading, not on the text before it.
    links = list(document.element.body.iter(f"{W}hyperlink"))
    assert [link.get(qn("w:anchor")) for link in links] == ["there"]
    marked = [p.text for p in document.paragraphs
              if p._p.find(qn("w:bookmarkStart")) is not None]  # fmt: skip
    assert marked == ["There"]


def test_a_chart_that_cannot_be_drawn_is_an_outcomes_error() -> None:
    from outcomes.report._docx import render_docx

    html = '<body><h1>T</h1><figure><svg aria-label="broken">&nbsp;<g></svg></figure></body>'
    with pytest.raises(OutcomesError, match="broken"):
        render_docx(html, status="Draft", author="Nowhere")


# --- the command line and LibreOffice -------------------------------------------------------


def test_report_verb_writes_docx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = tmp_path / "inputs"
    outcomes.write_example(inputs)
    code = main(["report", "--data", str(inputs / "data.csv"), "--areas",
                 str(inputs / "areas.csv"), "--area", AREA, "--period", PERIOD,
                 "--assessment", str(inputs / "assessments" / "fife.toml"),
                 "--format", "docx", "--out", str(tmp_path / "reports")])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    written = tmp_path / "reports" / f"fife-{PERIOD}.docx"
    # The report in Word, and its data annex beside it.
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == sorted(
        [written.name, *(f"fife-{PERIOD}-data.{kind}" for kind in ("csv", "html", "xlsx"))]
    )
    assert opened(written.read_bytes()).core_properties.author == AREA


def soffice() -> str:
    """The LibreOffice program; skips the test without it locally, fails it in CI."""
    return program("soffice", "the Word report's conversion needs soffice (apt-get install "
                   "libreoffice-writer-nogui) — ./run test installs it")  # fmt: skip


def test_libreoffice_converts_it_to_pdf_with_every_section(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    program = soffice()
    source = tmp_path / "fife.docx"
    source.write_bytes(example_docx())
    profile = (tmp_path / "profile").as_uri()  # its own profile: runs in parallel never clash
    subprocess.run(
        [program, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path / "pdf"), str(source)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    reader = pypdf.PdfReader(tmp_path / "pdf" / "fife.pdf")
    pages = len(reader.pages)
    # 147 pages in LibreOffice 7.4 (docs/reports.md); the count moves with the report.
    assert pages > 0
    text = squash(" ".join(page.extract_text() for page in reader.pages))
    sections = [heading for level, heading in outline_of(example_html()).headings if level <= 2]
    missing = [heading for heading in sections if heading not in text]
    assert not missing
    assert "Page 1 of" in text
