"""Workbooks built from raw XML and a hand-written zip archive, for the tests of hostile
returns (tests/test_hostile_workbooks.py): nothing is committed, every file is made in the
test, small on disk and fast to make.

:func:`workbook_parts` gives the parts of a minimal valid workbook that openpyxl reads;
a test swaps or adds the hostile part. :func:`write_zip` writes parts, packed once with
:func:`pack` so that one packed payload can be stored under many names.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from outcomes.core._tables import column_letter

__all__ = ["MAIN_NS", "Packed", "inline_row", "pack", "sheet_xml", "workbook_parts", "write_zip"]

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOCUMENT_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


@attrs.frozen(kw_only=True)
class Packed:
    """A part's raw deflate stream, with the checksum and size of what it unpacks to."""

    data: bytes
    crc: int
    size: int


def pack(chunks: Iterable[bytes], level: int = 6) -> Packed:
    """Deflate ``chunks`` as one part, without holding them all at once."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    crc, size, out = 0, 0, []
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
        out.append(compressor.compress(chunk))
    out.append(compressor.flush())
    return Packed(data=b"".join(out), crc=crc, size=size)


def write_zip(path: Path, parts: Iterable[tuple[str, bytes | Packed]]) -> Path:
    """Write a zip archive of ``parts`` (name, content) in the given order, names as given
    (``zipfile`` would refuse none of them either, but packs each part again)."""
    directory = []
    with path.open("wb") as out:
        for name, content in parts:
            packed = content if isinstance(content, Packed) else pack([content])
            encoded = name.encode("utf-8")
            offset = out.tell()
            # Deflated (8), names in UTF-8 (flag 0x800), dated 1 January 1980 (0x21).
            fields = (0x800, 8, 0, 0x21, packed.crc, len(packed.data), packed.size, len(encoded))
            out.write(struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, *fields, 0))
            out.write(encoded)
            out.write(packed.data)
            directory.append(
                struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, *fields, 0, 0, 0, 0, 0, offset)
                + encoded
            )
        start = out.tell()
        listing = b"".join(directory)
        out.write(listing)
        count = min(len(directory), 0xFFFF)
        out.write(
            struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, count, count, len(listing), start, 0)
        )
    return path


def inline_row(number: int, cells: Sequence[str | float]) -> str:
    """One ``<row>`` with text as inline strings and numbers as numbers, from column A."""
    out = []
    for position, value in enumerate(cells):
        reference = f"{column_letter(position + 1)}{number}"
        if isinstance(value, str):
            out.append(f'<c r="{reference}" t="inlineStr"><is><t>{value}</t></is></c>')
        else:
            out.append(f'<c r="{reference}"><v>{value}</v></c>')
    return f'<row r="{number}">{"".join(out)}</row>'


def sheet_xml(rows: str, dimension: str | None = None, doctype: str = "") -> bytes:
    """A worksheet part; ``dimension`` is the declared ``ref`` (none when ``None``)."""
    declared = f'<dimension ref="{dimension}"/>' if dimension is not None else ""
    return (
        f'{_DECLARATION}{doctype}<worksheet xmlns="{MAIN_NS}">{declared}'
        f"<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


_STYLES = (
    f'<styleSheet xmlns="{MAIN_NS}"><fonts count="1"><font/></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
    '<cellXfs count="1"><xf/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_PACKAGE = (
    f'<Relationships xmlns="{_PACKAGE_RELS}"><Relationship Id="rId1" '
    f'Type="{_DOCUMENT_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)


def workbook_parts(
    sheets: Sequence[bytes | Packed], *, shared_strings: bytes | Packed | None = None
) -> list[tuple[str, bytes | Packed]]:
    """The parts of a workbook with these sheets, named ``Sheet1``, ``Sheet2``, ..."""
    numbers = range(1, len(sheets) + 1)
    listed = "".join(f'<sheet name="Sheet{n}" sheetId="{n}" r:id="rId{n}"/>' for n in numbers)
    relations = [(f"rId{n}", "worksheet", f"worksheets/sheet{n}.xml") for n in numbers]
    relations.append(("rIdStyles", "styles", "styles.xml"))
    overrides = [("/xl/workbook.xml", "sheet.main+xml"), ("/xl/styles.xml", "styles+xml")]
    if shared_strings is not None:
        relations.append(("rIdStrings", "sharedStrings", "sharedStrings.xml"))
        overrides.append(("/xl/sharedStrings.xml", "sharedStrings+xml"))
    types = "".join(
        f'<Override PartName="{part}" ContentType="{_SPREADSHEET}.{kind}"/>'
        for part, kind in overrides
    )
    related = "".join(
        f'<Relationship Id="{key}" Type="{_DOCUMENT_RELS}/{kind}" Target="{target}"/>'
        for key, kind, target in relations
    )
    parts: list[tuple[str, bytes | Packed]] = [
        ("[Content_Types].xml", _part(
            f'<Types xmlns="{_TYPES}"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            f'ContentType="application/xml"/>{types}</Types>')),
        ("_rels/.rels", _part(_PACKAGE)),
        ("xl/workbook.xml", _part(
            f'<workbook xmlns="{MAIN_NS}" xmlns:r="{_DOCUMENT_RELS}"><sheets>{listed}</sheets>'
            "</workbook>")),
        ("xl/_rels/workbook.xml.rels", _part(
            f'<Relationships xmlns="{_PACKAGE_RELS}">{related}</Relationships>')),
        ("xl/styles.xml", _part(_STYLES)),
    ]  # fmt: skip
    parts += [
        (f"xl/worksheets/sheet{n}.xml", sheet) for n, sheet in zip(numbers, sheets, strict=True)
    ]
    if shared_strings is not None:
        parts.append(("xl/sharedStrings.xml", shared_strings))
    return parts


def _part(text: str) -> bytes:
    return (_DECLARATION + text).encode()
