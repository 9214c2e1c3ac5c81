"""Import cast-vote records exported by Hart Verity: one XML file per card, usually in ZIP archives.

The layout, as Hart exports it and Arlo and SHANGRLA read it (namespace
``http://tempuri.org/CVRDesign.xsd``)::

    <Cvr xmlns="http://tempuri.org/CVRDesign.xsd">
      <Contests>
        <Contest><Name>Mayor</Name><Id>...</Id>
          <Options><Option><Name>Alice</Name><Id>...</Id><Value>1</Value></Option></Options>
        </Contest>
      </Contests>
      <BatchSequence>72</BatchSequence><SheetNumber>1</SheetNumber>
      <BatchNumber>2354</BatchNumber><CvrGuid>0a526wIRvted1GcEMSNucZBpInms0rdg</CvrGuid>
    </Cvr>

A contest on the card is listed, with the options voted for (an option with ``WriteInData`` is
``Write-In``); an undervote lists the contest with no option. The card is batch ``BatchNumber``,
position ``BatchSequence``. Its tabulator, needed when the ballot manifest names tabulators, comes
from the ZIP archive's name when each tabulator has its own archive (``Tabulator A.zip``, or an
archive of such archives), or from a *scanned ballot information* CSV (``#FormatVersion`` first,
then ``CvrId``, ``UniqueIdentifier``, ``Workstation`` columns) that maps ``CvrGuid`` to the
``Workstation``.

XML with a document type declaration is refused (no entities are ever expanded); errors give the
archive, the file, the line and column of the element.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from xml.parsers import expat

from nazaha.errors import AuditInputError
from nazaha.rla.cards import CvrImport
from nazaha.rla.contests import ContestsFile
from nazaha.rla.cvr_builder import CvrBuilder, VendorMark
from nazaha.rla.manifest import BallotManifest

__all__ = ["import_hart"]

NAMESPACE = "http://tempuri.org/CVRDesign.xsd"


@dataclass(slots=True)
class _Element:
    tag: str
    line: int
    column: int
    text: str = ""
    children: list[_Element] = field(default_factory=list)

    def find(self, tag: str) -> _Element | None:
        return next((child for child in self.children if child.tag == tag), None)

    def find_all(self, tag: str) -> list[_Element]:
        return [child for child in self.children if child.tag == tag]


def _parse_xml(data: bytes, where: str) -> _Element:
    """A small tree with each element's line and column (1-based), through expat."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise AuditInputError(where, "XML with a document type declaration is refused")
    parser = expat.ParserCreate(namespace_separator="}")
    stack: list[_Element] = []
    root: list[_Element] = []

    def start(name: str, _attributes: dict[str, str]) -> None:
        tag = name.split("}", 1)[1] if name.startswith(NAMESPACE + "}") else name
        element = _Element(tag, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
        (stack[-1].children if stack else root).append(element)
        stack.append(element)

    def end(_name: str) -> None:
        stack.pop()

    def text(content: str) -> None:
        if stack:
            stack[-1].text += content

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise AuditInputError(
            f"{where}, line {error.lineno}, column {error.offset + 1}",
            f"not valid XML: {expat.ErrorString(error.code)}",
        ) from None
    if not root or root[0].tag != "Cvr":
        raise AuditInputError(where, f"expected a <Cvr> element of namespace {NAMESPACE}")
    return root[0]


def _at(where: str, element: _Element) -> str:
    return f"{where}, line {element.line}, column {element.column}"


def _xml_files(source: str, data: bytes, tabulator: str | None) -> Iterator[tuple[str, bytes, str | None]]:
    """(where, XML bytes, tabulator) for each CVR in a ZIP archive (archives inside give tabulators)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise AuditInputError(source, "not a ZIP archive") from None
    with archive:
        for info in sorted(archive.infolist(), key=lambda item: item.filename):
            name = info.filename
            if info.is_dir():
                continue
            member = archive.read(info)
            if name.lower().endswith(".zip"):
                yield from _xml_files(f"{source} / {name}", member, PurePosixPath(name).stem)
            elif name.lower().endswith(".xml"):
                yield f"{source}: {name}", member, tabulator


def _workstations(source: str, data: bytes) -> dict[str, str]:
    """CvrGuid → Workstation from a scanned ballot information CSV."""
    text = data.decode("utf-8-sig")
    lines = text.splitlines()
    if not lines or "#FormatVersion" not in lines[0]:
        raise AuditInputError(f"{source}, row 1", "a scanned ballot information CSV begins with '#FormatVersion'")
    rows = list(csv.reader(io.StringIO("\n".join(lines[1:]))))
    if not rows:
        raise AuditInputError(source, "no header after '#FormatVersion'")
    header = [cell.strip().lstrip("#") for cell in rows[0]]
    for name in ("CvrId", "Workstation"):
        if name not in header:
            raise AuditInputError(f"{source}, row 2", f"the column {name!r} is missing")
    found: dict[str, str] = {}
    for number, row in enumerate(rows[1:], start=3):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            raise AuditInputError(f"{source}, row {number}", f"expected {len(header)} columns, found {len(row)}")
        cvr_id, workstation = row[header.index("CvrId")].strip(), row[header.index("Workstation")].strip()
        if found.get(cvr_id, workstation) != workstation:
            raise AuditInputError(f"{source}, row {number}, column 'Workstation'", f"CVR {cvr_id} has two workstations")
        found[cvr_id] = workstation
    return found


def _text(cvr: _Element, tag: str, where: str) -> tuple[str, _Element]:
    element = cvr.find(tag)
    if element is None or not element.text.strip():
        raise AuditInputError(_at(where, cvr), f"the element <{tag}> is missing or empty")
    return element.text.strip(), element


def _documents(files: Sequence[tuple[str, bytes]]) -> tuple[list[tuple[str, bytes, str | None]], dict[str, str]]:
    """The CVR documents as (where, XML bytes, the archive's tabulator or None), loose XML files
    first, and the workstations the scanned ballot information CSVs give CVRs."""
    documents: list[tuple[str, bytes, str | None]] = []
    workstations: dict[str, str] = {}
    archives = [(source, data) for source, data in files if not source.lower().endswith((".csv", ".xml"))]
    for source, data in files:
        if source.lower().endswith(".csv"):
            workstations.update(_workstations(source, data))
        elif source.lower().endswith(".xml"):
            documents.append((source, data, None))
    for source, data in archives:
        # several archives: one per tabulator, named by it (as Arlo reads them); archives inside
        # an archive name their tabulators the same way
        tabulator = PurePosixPath(source.replace("\\", "/")).stem if len(archives) > 1 else None
        documents.extend(_xml_files(source, data, tabulator))
    if not documents:
        raise AuditInputError(", ".join(source for source, _ in files) or "Hart files", "no CVR (.xml) files found")
    return documents, workstations


def _candidate(option: _Element, where: str) -> str:
    """The option's candidate: ``Write-In`` for a write-in, else its ``<Name>``."""
    if option.find("WriteInData") is not None:
        return "Write-In"
    option_name = option.find("Name")
    if option_name is None or not option_name.text.strip():
        raise AuditInputError(_at(where, option), "an <Option> without a <Name>")
    return option_name.text.strip()


def _contest_marks(contest: _Element, where: str) -> tuple[str, list[VendorMark]]:
    """A ``<Contest>``'s name and its marked options (an option whose ``<Value>`` is not 1 is unmarked)."""
    name_element = contest.find("Name")
    if name_element is None or not name_element.text.strip():
        raise AuditInputError(_at(where, contest), "a <Contest> without a <Name>")
    marks: list[VendorMark] = []
    options = contest.find("Options")
    for option in options.find_all("Option") if options is not None else []:
        value = option.find("Value")
        if value is not None and value.text.strip() not in ("", "1"):
            continue
        marks.append(VendorMark(_candidate(option, where), f"line {option.line}, column {option.column}, <Option>"))
    return name_element.text.strip(), marks


def _cvr_marks(cvr: _Element, where: str) -> dict[str, list[VendorMark]]:
    """The CVR's marks per contest name."""
    held: dict[str, list[VendorMark]] = {}
    contests_element = cvr.find("Contests")
    for contest in contests_element.find_all("Contest") if contests_element is not None else []:
        name, marks = _contest_marks(contest, where)
        held.setdefault(name, []).extend(marks)
    return held


def _add_cvr(
    builder: CvrBuilder, where: str, data: bytes, archive_tabulator: str | None, workstations: dict[str, str]
) -> None:
    """One CVR document's card: its tabulator, batch and sequence number, and its marks."""
    cvr = _parse_xml(data, where)
    guid, _ = _text(cvr, "CvrGuid", where)
    batch, _ = _text(cvr, "BatchNumber", where)
    sequence_text, sequence = _text(cvr, "BatchSequence", where)
    if not sequence_text.isdigit():
        raise AuditInputError(_at(where, sequence), f"<BatchSequence>: {sequence_text!r} is not a whole number")
    tabulator = archive_tabulator or workstations.get(guid)
    if tabulator is None and builder.manifest.has_tabulators:
        raise AuditInputError(
            where,
            f"CVR {guid} has no tabulator: the ballot manifest lists batches by tabulator, so give one ZIP archive "
            "per tabulator (named by it) or the scanned ballot information CSV",
        )
    builder.add(
        where,
        tabulator=tabulator,
        batch=batch,
        record=int(sequence_text),
        record_column=f"line {sequence.line}, column {sequence.column}, <BatchSequence>",
        contests=_cvr_marks(cvr, where),
    )


def import_hart(files: Sequence[tuple[str, bytes]], *, manifest: BallotManifest, contests: ContestsFile) -> CvrImport:
    """CVRs from Hart exports: ZIP archives of XML files, loose XML files, and optional scanned
    ballot information CSVs (each a (file name, bytes) pair)."""
    documents, workstations = _documents(files)
    builder = CvrBuilder(manifest, contests)
    for where, data, archive_tabulator in documents:
        _add_cvr(builder, where, data, archive_tabulator, workstations)
    return builder.build([source for source, _ in files], position_column="BatchSequence")
