"""Bounds on what an XLSX return may be, checked on the zip archive before openpyxl reads it.

openpyxl trusts a workbook: it builds every cell up to the extent a sheet reaches (in
read-only mode, pads every row to the extent the sheet declares), makes an object of every
shared string, format and merged range, and unpacks whatever a part says it holds, so a
14 KB file can cost gigabytes and minutes. :func:`check_workbook` looks at the file as a zip
archive first. It reads the central directory, the start of each XML part (the root
element, a sheet's declared ``<dimension>``, the workbook's list of sheets) and counts the
markup of the rest as it streams past, never building a tree, and refuses anything beyond
the limits below. It also refuses every DTD (``<!DOCTYPE``), so no external entity (XXE) and
no expanding entity ("billion laughs") reaches a parser, and part names that climb out of
the archive (``../``). The reader then streams each sheet in openpyxl's read-only mode and
:class:`SheetExtent` refuses a sheet whose real extent is beyond the limits, because a
sheet may omit its dimension or lie about it.

A refusal is a :class:`~outcomes.errors.ValidationError` holding one ``UNREADABLE_FILE``
problem that names the file, the sheet where there is one, the limit and how to fix it.

>>> import io, zipfile
>>> buffer = io.BytesIO()
>>> with zipfile.ZipFile(buffer, "w") as archive:
...     archive.writestr("../../evil", b"")
>>> try:
...     check_workbook(buffer, "fife.xlsx")
... except ValidationError as error:
...     error.problems[0].problem.name
'UNREADABLE_FILE'
"""

from __future__ import annotations

import codecs
import os
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Final
from xml.parsers import expat

import attrs

from outcomes.errors import DataProblem, DataProblemRow, ValidationError

__all__ = [
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_COMPRESSION_RATIO",
    "MAX_PARTS",
    "MAX_PART_BYTES",
    "MAX_PART_TAGS",
    "MAX_ROWS",
    "MAX_SHARED_STRINGS",
    "MAX_SHARED_STRING_TAGS",
    "MAX_SHEETS",
    "MAX_SHEET_EXTRA_TAGS",
    "MAX_SHEET_TAGS",
    "MAX_TOTAL_BYTES",
    "RATIO_FLOOR_BYTES",
    "SheetExtent",
    "check_workbook",
]

#: The file, and all its parts once unpacked, may hold at most this many bytes.
MAX_TOTAL_BYTES: Final = 100_000_000
#: One part (a sheet, the shared strings, ...) may unpack to at most this many bytes.
MAX_PART_BYTES: Final = 50_000_000
#: A part larger than :data:`RATIO_FLOOR_BYTES` may unpack to at most this many times its
#: packed size. Sheets written by Excel or LibreOffice pack 5 to 25 times; a run of zeros
#: packs about 1,000 times (a "zip bomb").
MAX_COMPRESSION_RATIO: Final = 100
RATIO_FLOOR_BYTES: Final = 1_000_000
#: Parts (files inside the archive): a return has about ten, a workbook of 200 sheets with
#: drawings a few hundred.
MAX_PARTS: Final = 2_000
#: Sheets listed by the workbook (data, instructions and hidden sheets alike).
MAX_SHEETS: Final = 200
#: Rows and columns a sheet may reach, declared or real. A return for all 32 councils has
#: about 3,500 rows of 8 columns; a national dataset of fifteen years about 50,000 rows.
MAX_ROWS: Final = 200_000
MAX_COLUMNS: Final = 200
#: Cells a sheet may hold, and the size of its used range (rows with data times the widest
#: of them), which is what is kept in memory while it is read. At about 45 bytes a cell,
#: a sheet this full is near :data:`MAX_PART_BYTES`; openpyxl takes some 15 s to read it.
MAX_CELLS: Final = 1_000_000
#: XML tags in a sheet: a cell takes four to eight (value, formula, inline text).
MAX_SHEET_TAGS: Final = 8_000_000
#: XML tags in a sheet outside its cells (column formats, merged cells, validations,
#: conditional formats, links), each of which openpyxl makes into an object.
MAX_SHEET_EXTRA_TAGS: Final = 100_000
#: Entries of the shared strings table (the distinct texts of the workbook), and its tags.
MAX_SHARED_STRINGS: Final = 200_000
MAX_SHARED_STRING_TAGS: Final = 1_000_000
#: XML tags in any other part (styles, the workbook, relationships, drawings, ...). A return
#: needs a few hundred; styles near Excel's limit of 64,000 cell formats need more, and
#: would cost openpyxl seconds and hundreds of megabytes.
MAX_PART_TAGS: Final = 100_000

_SAVE_AGAIN = "open it in Excel and save it again as an Excel Workbook (.xlsx)"
_SPLIT = "split it into several workbooks"
# How much of a part is read to find its root element (and a sheet's dimension; all of a
# workbook part and its relationships), how much the archive's directory may take, and the
# size of the pieces a part is unpacked in.
_HEAD_BYTES = 1_000_000
_WHOLE_BYTES = 5_000_000
_MAX_DIRECTORY_BYTES = 1_000_000
_CHUNK = 1 << 18
_SHEET_ROOTS = frozenset({"worksheet", "dialogsheet", "macrosheet"})
# Parts read to the end at first: the workbook (its sheets) and its relationships.
_WHOLE_ROOTS = frozenset({"workbook", "Relationships"})
_CELL_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})", re.ASCII)
# Failures of a damaged archive or of a part that does not unpack.
_DAMAGE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    ValueError,
    NotImplementedError,  # zipfile's answer to a compression method it does not know
    RuntimeError,
    struct.error,
    OverflowError,
)


class _RefusedError(Exception):
    """Raised inside the checks; :func:`check_workbook` turns it into a ValidationError."""

    def __init__(self, hint: str, sheet: str = "") -> None:
        super().__init__(hint)
        self.hint = hint
        self.sheet = sheet


class _SeenEnoughError(Exception):
    """Stops an XML parser once the start of a part has told what is needed."""


def check_workbook(source: IO[bytes], file: str) -> None:
    """Refuse a workbook that is beyond what a return may be (see the module's limits).

    ``source`` is the open file (it is left open, at an unknown position); ``file`` is the
    name given in the problem. Raises :class:`~outcomes.errors.ValidationError` with one
    ``UNREADABLE_FILE`` problem; returns ``None`` when openpyxl may read the workbook.
    """
    try:
        _check_archive(source)
        with zipfile.ZipFile(source) as archive:
            parts = _check_directory(archive)
            _check_parts(archive, parts)
    except _RefusedError as refused:
        raise _validation_error(file, refused.hint, refused.sheet) from None
    except _DAMAGE as error:
        hint = f"the workbook is damaged ({_reason(error)}): {_SAVE_AGAIN}"
        raise _validation_error(file, hint) from None


def _validation_error(file: str, hint: str, sheet: str = "") -> ValidationError:
    problem = DataProblemRow(file=file, sheet=sheet, problem=DataProblem.UNREADABLE_FILE, hint=hint)
    return ValidationError((problem,))


def _reason(error: BaseException) -> str:
    return str(error).strip().rstrip(".") or type(error).__name__


# --- The archive and its directory ----------------------------------------------------------


def _check_archive(source: IO[bytes]) -> None:
    """The file's size and kind, and the number of parts its end record declares, read
    before :mod:`zipfile` parses the whole directory."""
    size = source.seek(0, os.SEEK_END)
    if size > MAX_TOTAL_BYTES:
        raise _RefusedError(
            f"the file is {_megabytes(size)}; a return may be at most "
            f"{_megabytes(MAX_TOTAL_BYTES)}: {_SPLIT}"
        )
    if size == 0:
        raise _RefusedError("the file is empty")
    source.seek(0)
    start = source.read(4)
    if start == b"\xd0\xcf\x11\xe0":
        raise _RefusedError(
            "this is an old-style .xls workbook or a password-protected one, which "
            f"cannot be read: {_SAVE_AGAIN}, without a password"
        )
    if not start.startswith(b"PK"):
        raise _RefusedError(
            "this is not an .xlsx workbook (it is not a zip archive): if it is CSV "
            f"text, name it .csv; otherwise {_SAVE_AGAIN}"
        )
    tail_size = min(size, 22 + 0xFFFF)
    source.seek(size - tail_size)
    tail = source.read(tail_size)
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or len(tail) - end < 22:
        raise _RefusedError(
            "the workbook is incomplete or damaged (the end of the zip archive is "
            f"missing; was it copied in full?): {_SAVE_AGAIN}"
        )
    entries, directory_bytes = struct.unpack_from("<10xHI", tail, end)
    if entries == 0xFFFF or directory_bytes == 0xFFFFFFFF:
        entries, directory_bytes = _zip64_end(source, size - tail_size + end)
    _check_part_count(entries)
    if directory_bytes > _MAX_DIRECTORY_BYTES:
        raise _RefusedError(
            f"the list of the workbook's parts takes {_megabytes(directory_bytes)}; "
            f"a return's takes well under {_megabytes(_MAX_DIRECTORY_BYTES)}: "
            f"{_SAVE_AGAIN}"
        )
    source.seek(0)


def _zip64_end(source: IO[bytes], end: int) -> tuple[int, int]:
    """The number of parts and the directory's size from a ZIP64 end record."""
    if end < 20:
        raise zipfile.BadZipFile("the ZIP64 end record is missing")
    source.seek(end - 20)
    signature, _, record, _ = struct.unpack("<4sIQI", source.read(20))
    if signature != b"PK\x06\x07":
        raise zipfile.BadZipFile("the ZIP64 end record is missing")
    source.seek(record)
    data = source.read(56)
    if len(data) < 56 or data[:4] != b"PK\x06\x06":
        raise zipfile.BadZipFile("the ZIP64 end record is damaged")
    entries, directory_bytes = struct.unpack_from("<QQ", data, 32)
    return int(entries), int(directory_bytes)


def _check_part_count(count: int) -> None:
    if count > MAX_PARTS:
        raise _RefusedError(
            f"the workbook holds {count:,} parts (sheets, drawings and other files "
            f"inside it); a return may hold at most {MAX_PARTS:,}: {_SPLIT}, or "
            "delete the sheets that are not needed"
        )


def _check_directory(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Every part's name, packing and size, from the directory alone."""
    parts = archive.infolist()
    _check_part_count(len(parts))
    seen: set[str] = set()
    total = 0
    for info in parts:
        _check_name(info, seen)
        if info.flag_bits & 0x1:
            raise _RefusedError(
                f"the workbook is encrypted (password-protected): {_SAVE_AGAIN}, without a password"
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _RefusedError(
                f"the part {info.filename!r} is packed in a way Excel never uses "
                f"(method {info.compress_type}): {_SAVE_AGAIN}"
            )
        _check_size(info)
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise _RefusedError(
                f"the workbook's parts unpack to more than "
                f"{_megabytes(MAX_TOTAL_BYTES)}, the most a return may hold: "
                f"{_SPLIT}"
            )
    return [info for info in parts if not info.is_dir() and info.file_size > 0]


def _check_name(info: zipfile.ZipInfo, seen: set[str]) -> None:
    name = info.orig_filename
    steps = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or ".." in steps or re.match(r"[A-Za-z]:", name):
        raise _RefusedError(
            f"the workbook holds a part named {name!r}, which points outside the "
            f"workbook; Excel never writes such names: {_SAVE_AGAIN}"
        )
    folded = name.casefold()
    if folded in seen:
        raise _RefusedError(f"the workbook holds two parts named {name!r}: {_SAVE_AGAIN}")
    seen.add(folded)


def _check_size(info: zipfile.ZipInfo) -> None:
    name, size = info.filename, info.file_size
    if size > MAX_PART_BYTES:
        raise _RefusedError(
            f"the part {name!r} unpacks to {_megabytes(size)}; a part of a return "
            f"may be at most {_megabytes(MAX_PART_BYTES)}: {_SPLIT}"
        )
    if size > RATIO_FLOOR_BYTES and size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
        ratio = size / max(info.compress_size, 1)
        raise _RefusedError(
            f"the part {name!r} unpacks from {_megabytes(info.compress_size)} to "
            f"{_megabytes(size)} ({ratio:,.0f} times); a workbook part may unpack to at most "
            f"{MAX_COMPRESSION_RATIO} times its packed size (this is how 'zip bombs' exhaust "
            f"memory): {_SAVE_AGAIN}"
        )


def _megabytes(size: int) -> str:
    if size < 100_000:
        return f"{size / 1000:.1f} KB"
    return f"{size / 1_000_000:,.1f} MB"


# --- The parts ------------------------------------------------------------------------------


@attrs.define
class _Head:
    """What the start of an XML part says: its root element and, for a sheet, its declared
    dimension; for a workbook, its sheets; for relationships, their targets."""

    part: str
    root: str = ""
    encoding: str = "ascii"
    dimension: str = ""
    sheets: list[tuple[str, str]] = attrs.Factory(list)
    targets: dict[str, str] = attrs.Factory(dict)


def _check_parts(archive: zipfile.ZipFile, parts: Sequence[zipfile.ZipInfo]) -> None:
    """Read the start of every XML part, then count the markup of every XML part."""
    heads = {info.filename: head for info in parts if (head := _read_head(archive, info))}
    sheet_names = _sheet_names(archive, heads)
    sheets = {part for part, head in heads.items() if head.root in _SHEET_ROOTS}
    sheets |= set(sheet_names)
    for part in sorted(sheets & set(heads)):
        _check_dimension(heads[part].dimension, sheet_names.get(part, ""), part)
    for info in parts:
        if info.filename in heads:
            head, sheet = heads[info.filename], sheet_names.get(info.filename, "")
            _count_markup(archive, info, head, info.filename in sheets, sheet)


def _stream(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            yield chunk


def _encoding(start: bytes) -> str:
    """How markup is written in a part: ASCII-compatible (UTF-8 and the like) or UTF-16."""
    if start.startswith((b"\xff\xfe", b"<\0")):
        return "utf-16-le"
    if start.startswith((b"\xfe\xff", b"\0<")):
        return "utf-16-be"
    return "ascii"


def _looks_like_xml(start: bytes) -> bool:
    for mark in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        start = start.removeprefix(mark)
    return start.lstrip(b" \t\r\n\0").startswith(b"<")


def _read_head(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, whole: bool = False
) -> _Head | None:
    """The start of an XML part (``None`` for other parts, such as pictures): its root, a
    sheet's dimension. A workbook part is read to the end for its list of sheets, and so is
    a relationships part when ``whole``; both are small, and refused when they are not."""
    head = _Head(part=info.filename)
    parser = _head_parser(head, whole)
    read = 0
    for chunk in _stream(archive, info):
        if read == 0:
            if not _looks_like_xml(chunk[:64]):
                return None
            head.encoding = _encoding(chunk[:4])
        read += len(chunk)
        try:
            parser.Parse(chunk, False)
        except _SeenEnoughError:
            return head
        except expat.ExpatError as error:
            return _malformed(head, error)
        if (read > _HEAD_BYTES and not head.root) or (
            read > _WHOLE_BYTES and head.root in _WHOLE_ROOTS
        ):
            raise _RefusedError(
                f"the part {info.filename!r} is larger than the start of a workbook or its "
                f"list of parts ever is ({_megabytes(info.file_size)}): {_SAVE_AGAIN}"
            )
        if head.root in _SHEET_ROOTS and read > _HEAD_BYTES:
            return head  # no dimension before the cells: the real extent is checked instead
    return head


def _malformed(head: _Head, error: expat.ExpatError) -> _Head:
    # The parts openpyxl needs whole are refused; elsewhere (drawings, VML) a part that is
    # not well-formed XML after its root is no concern of these checks.
    if head.root in _WHOLE_ROOTS or not head.root:
        message = expat.ErrorString(error.code)
        raise _RefusedError(
            f"the part {head.part!r} is not well-formed XML ({message}, line "
            f"{error.lineno}): {_SAVE_AGAIN}"
        )
    return head


def _head_parser(head: _Head, whole: bool) -> expat.XMLParserType:
    # Without namespace processing: a prefix left undeclared in a part openpyxl never reads
    # is no reason to refuse the workbook.
    parser = expat.ParserCreate()

    def refuse_dtd(*_: object) -> None:
        raise _RefusedError(
            f"the part {head.part!r} holds a DTD (<!DOCTYPE ...>), which a workbook "
            "never needs and which can make a reader fetch files or expand text "
            f"without limit (XXE, 'billion laughs'): {_SAVE_AGAIN}"
        )

    def start(name: str, attributes: dict[str, str]) -> None:
        _, local = _split_name(name)
        if not head.root:
            head.root = local
            if local not in _SHEET_ROOTS | {"workbook"} | ({"Relationships"} if whole else set()):
                raise _SeenEnoughError
        elif head.root in _SHEET_ROOTS:
            _sheet_start(head, local, attributes)
        elif head.root == "workbook" and local == "sheet":
            _workbook_sheet(head, attributes)
        elif head.root == "Relationships" and local == "Relationship":
            _relationship(head, attributes)

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.ExternalEntityRefHandler = refuse_dtd  # type: ignore[assignment]
    parser.StartElementHandler = start
    return parser


def _split_name(name: str) -> tuple[str, str]:
    """``(prefix, local name)`` of an element or attribute name such as ``r:id``."""
    prefix, _, local = name.rpartition(":")
    return prefix, local


def _sheet_start(head: _Head, local: str, attributes: dict[str, str]) -> None:
    if local == "dimension":
        head.dimension = attributes.get("ref", "")
    elif local == "sheetData":
        raise _SeenEnoughError


def _workbook_sheet(head: _Head, attributes: dict[str, str]) -> None:
    head.sheets.append((attributes.get("name", ""), _attribute(attributes, "id")))
    if len(head.sheets) > MAX_SHEETS:
        raise _RefusedError(
            f"the workbook lists more than {MAX_SHEETS} sheets; a return may have at "
            f"most {MAX_SHEETS}: {_SPLIT}, or delete the sheets that are not "
            "needed"
        )


def _attribute(attributes: dict[str, str], local: str) -> str:
    """The value of a prefixed attribute, such as ``r:id`` for ``id``."""
    for name, value in attributes.items():
        prefix, found = _split_name(name)
        if found == local and prefix:
            return value
    return ""


def _relationship(head: _Head, attributes: dict[str, str]) -> None:
    if attributes.get("TargetMode") != "External":
        head.targets[attributes.get("Id", "")] = attributes.get("Target", "")
    if len(head.targets) > MAX_PARTS:
        _check_part_count(len(head.targets))


def _sheet_names(archive: zipfile.ZipFile, heads: dict[str, _Head]) -> dict[str, str]:
    """Each sheet's part and name, from every part whose root is a workbook and its
    relationships (resolved as openpyxl resolves them). A part listed as two sheets is
    refused: openpyxl would read it twice."""
    names: dict[str, str] = {}
    for part, head in heads.items():
        if head.root != "workbook":
            continue
        folder, base = posixpath.split(part)
        relations_part = posixpath.join(folder, "_rels", f"{base}.rels")
        relations = None
        if relations_part in heads:
            relations = _read_head(archive, archive.getinfo(relations_part), whole=True)
        targets = relations.targets if relations is not None else {}
        for name, identifier in head.sheets:
            target = targets.get(identifier, "")
            if not target:
                continue
            resolved = (
                target[1:]
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            if resolved in names:
                raise _RefusedError(
                    f"the workbook lists the part {resolved!r} as two sheets "
                    f"({names[resolved]!r} and {name!r}): {_SAVE_AGAIN}"
                )
            names[resolved] = name
    return names


def _check_dimension(reference: str, sheet: str, part: str) -> None:
    """Refuse a sheet whose declared dimension (``A1:H3361``) reaches beyond the limits."""
    ends = [_CELL_REFERENCE.fullmatch(end) for end in reference.split(":")]
    if not reference or not all(ends):
        return  # absent or unreadable: the real extent is checked as the sheet is read
    rows = max(int(end.group(2)) for end in ends if end)
    columns = max(_column_number(end.group(1)) for end in ends if end)
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        where = f"the sheet {sheet!r}" if sheet else f"the sheet in part {part!r}"
        raise _RefusedError(
            f"{where} says it reaches row {rows:,} and column {columns:,} ({reference}); a "
            f"return may reach at most row {MAX_ROWS:,} and column {MAX_COLUMNS:,}: delete the "
            "rows and columns beyond the data (they may hold only formatting) and save it "
            f"again from Excel, or {_SPLIT}",
            sheet,
        )


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


@attrs.frozen(kw_only=True)
class _Count:
    """A kind of markup counted in a part (the sum of the counts of ``tokens``), its limit,
    and how to come within it."""

    tokens: tuple[bytes, ...]
    limit: int
    what: str
    fix: str = f"{_SAVE_AGAIN}, or {_SPLIT}"


# An element with or without a prefix: ``<row`` or ``<x:row``. Each count is an upper bound
# (``<c`` also starts ``<col``, ``:c `` may be text), read as a limit on elements; the
# real extent is checked again while the sheet is read, for what escapes the count.
_TAGS = (b"<",)
_ROWS = (b"<row", b":row")
_CELLS = (b"<c", b":c ", b":c>", b":c/")
_STRINGS = (b"<si", b":si>", b":si ")
_SHEET_FIX = (
    "delete the rows and columns beyond the data (they may hold only formatting) and save "
    f"it again from Excel, or {_SPLIT}"
)
_SHEET_DATA_START = re.compile(rb"<(?:[\w.-]+:)?sheetData\b[^>]*?(/?)>")
_SHEET_DATA_END = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>")
_BEFORE, _INSIDE, _AFTER = range(3)
_OUTSIDE_CELLS = _Count(
    tokens=(),
    limit=MAX_SHEET_EXTRA_TAGS,
    what="XML tags outside its cells (formatting, merged cells, validations, links)",
    fix=f"clear the formats and merged cells that are not needed, {_SAVE_AGAIN}, or {_SPLIT}",
)
_STYLES = _Count(
    tokens=_TAGS,
    limit=MAX_PART_TAGS,
    what="XML tags of cell formats",
    fix="copy the data into a new workbook: this one holds far more cell formats than a "
    "return needs",
)


def _count_markup(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, head: _Head, is_sheet: bool, sheet: str
) -> None:
    """Count tags, and a sheet's rows, cells and tags outside its cells, or the shared
    strings, as the part streams past; a part in UTF-16 is counted as UTF-8."""
    counts = [_Count(tokens=_TAGS, limit=MAX_PART_TAGS, what="XML tags")]
    if head.root == "styleSheet":
        counts = [_STYLES]
    elif is_sheet:
        counts = [
            _Count(tokens=_TAGS, limit=MAX_SHEET_TAGS, what="XML tags", fix=_SHEET_FIX),
            _Count(tokens=_ROWS, limit=MAX_ROWS, what="rows", fix=_SHEET_FIX),
            _Count(tokens=_CELLS, limit=MAX_CELLS, what="cells", fix=_SHEET_FIX),
        ]
    elif head.root == "sst":
        counts = [
            _Count(tokens=_TAGS, limit=MAX_SHARED_STRING_TAGS, what="XML tags"),
            _Count(tokens=_STRINGS, limit=MAX_SHARED_STRINGS, what="shared strings"),
        ]
    over = _over_limit(info.filename, sheet)
    chunks = _stream(archive, info)
    if head.encoding != "ascii":
        chunks = _as_utf8(chunks, head.encoding)
    found = [0] * len(counts)
    outside, state, previous = 0, _BEFORE, b""
    for chunk in chunks:
        for position, count in enumerate(counts):
            found[position] += sum(_occurrences(previous, chunk, t) for t in count.tokens)
            if found[position] > count.limit:
                over(count, found[position])
        if is_sheet:
            joint = previous[-64:]
            tags, state = _outside_cells(joint + chunk, len(joint), state)
            outside += tags
            if outside > MAX_SHEET_EXTRA_TAGS:
                over(_OUTSIDE_CELLS, outside)
        previous = chunk


def _as_utf8(chunks: Iterable[bytes], encoding: str) -> Iterator[bytes]:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    for chunk in chunks:
        yield decoder.decode(chunk).encode("utf-8")


def _occurrences(previous: bytes, chunk: bytes, token: bytes) -> int:
    """Occurrences of ``token`` in ``chunk``, and across its joint with the chunk before
    (counted in a window too short to hold a whole one from either side)."""
    overlap = len(token) - 1
    joint = previous[-overlap:] + chunk[:overlap] if overlap and previous else b""
    return chunk.count(token) + joint.count(token)


def _outside_cells(window: bytes, start: int, state: int) -> tuple[int, int]:
    """The tags of ``window[start:]`` (a chunk after the end of the one before) that are
    outside the ``sheetData`` element, and where the chunk ends: before, inside or after
    it. A tag cut by the joint of two chunks may be counted once too many or too few."""
    outside, position = 0, start
    if state != _AFTER and b"sheetData" not in window:
        return (window.count(b"<", start) if state == _BEFORE else 0), state
    if state == _BEFORE:
        begins = _SHEET_DATA_START.search(window)
        if begins is None:
            return window.count(b"<", start), _BEFORE
        outside += window.count(b"<", start, max(begins.start(), start))
        position = max(begins.end(), start)
        state = _AFTER if begins.group(1) else _INSIDE
    if state == _INSIDE:
        ends = _SHEET_DATA_END.search(window, position if position > start else 0)
        if ends is None:
            return outside, _INSIDE
        position = max(ends.end(), start)
    return outside + window.count(b"<", position), _AFTER


def _over_limit(part: str, sheet: str) -> Callable[[_Count, int], None]:
    def refuse(count: _Count, found: int) -> None:
        where = f"the sheet {sheet!r}" if sheet else f"the part {part!r}"
        raise _RefusedError(
            f"{where} holds more than {count.limit:,} {count.what} (at least {found:,}); a "
            f"return may hold at most {count.limit:,}: {count.fix}",
            sheet,
        )

    return refuse


# --- The real extent, while a sheet is read -------------------------------------------------


@attrs.define
class SheetExtent:
    """Follows the rows of one sheet as they are read and refuses the sheet as soon as its
    real extent passes a limit, whatever its dimension said.

    >>> extent = SheetExtent(file="fife.xlsx", sheet="Return")
    >>> extent.add(1, 8, 8)
    >>> try:
    ...     extent.add(MAX_ROWS + 1, 1, 1)
    ... except ValidationError as error:
    ...     error.problems[0].sheet
    'Return'
    """

    file: str
    sheet: str
    rows: int = 0
    widest: int = 0

    def add(self, number: int, cells: int, filled_width: int) -> None:
        """Row ``number`` (counted from 1, empty rows included) has ``cells`` cells, the
        last of them not empty at ``filled_width`` (0 for an empty row)."""
        if number > MAX_ROWS:
            self._refuse(f"it has rows below row {MAX_ROWS:,}")
        if cells > MAX_COLUMNS:
            self._refuse(f"row {number:,} has cells beyond column {MAX_COLUMNS:,}")
        if filled_width:
            self.rows += 1
            self.widest = max(self.widest, filled_width)
            if self.rows * self.widest > MAX_CELLS:
                self._refuse(
                    f"its used range is more than {MAX_CELLS:,} cells ({self.rows:,} rows "
                    f"with data, {self.widest} columns wide)"
                )

    def _refuse(self, what: str) -> None:
        hint = (
            f"the sheet {self.sheet!r} is beyond what a return may be: {what}; a return "
            f"may reach at most row {MAX_ROWS:,} and column {MAX_COLUMNS:,}, and "
            f"{MAX_CELLS:,} cells: delete the rows and columns beyond the data (they may "
            f"hold only formatting) and save it again from Excel, or {_SPLIT}"
        )
        raise _validation_error(self.file, hint, self.sheet)
