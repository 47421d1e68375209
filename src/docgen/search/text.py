"""The words of a filed record, read from the archive's own files.

The form's values, the .docx text (body and tables), and the PDF text when the record was
imported (a docgen-made PDF says what its .docx says). A file that cannot be read adds nothing;
the index is derived and must never make filing fail on an odd attachment.
"""

from __future__ import annotations

import re
from pathlib import Path

from docgen.vocab import CJK_IDEOGRAPHS as _CJK
from docgen.search.engine import IndexDoc

_WRAP = re.compile(rf"(?<=[{_CJK}，、。；：])[ \t]*\n\s*(?=[{_CJK}])")

MAX_CHARS = 2_000_000  # a record's text beyond this is not indexed (a 1,000-page scan)
TEXT_SUFFIXES = {".txt", ".md", ".csv"}


def record_doc(record) -> IndexDoc:
    """The IndexDoc of an archive Record."""
    return IndexDoc(
        filing_number=record.filing_number,
        title=record.title or "",
        body=record_text(record),
        type=record.type or "other",
        kind=record.kind or "",
        year=record.year,
        unit=record.unit or "",
        unit_code=record.unit_code or "",
        date=record.date,
        doc_number=record.doc_number or "",
        status=record.status or "filed",
    )


def record_text(record) -> str:
    """Every distinct paragraph of the record's form, original document and (imported) PDF."""
    meta = getattr(record, "metadata", None)
    parts = [record.title, record.kind, record.unit, record.doc_number or "",
             meta.get("责任者", "") if isinstance(meta, dict) else ""]
    files = record.files
    if "form" in files:
        parts.extend(form_values(files["form"]))
    original = files.get("original")
    suffix = original.suffix.lower() if original else ""
    if suffix == ".docx":
        parts.extend(docx_paragraphs(original))
    elif suffix in TEXT_SUFFIXES:
        parts.extend(_read_text(original))
    if "text" in files:  # a scan's recognised text (docgen.scan), as OCR read it
        parts.extend(_read_text(files["text"]))
    elif "form" not in files and "pdf" in files and suffix != ".docx":
        parts.extend(pdf_paragraphs(files["pdf"]))
    elif suffix == ".pdf" and "pdf" not in files:
        parts.extend(pdf_paragraphs(original))
    return join_distinct(parts)[:MAX_CHARS]


def join_distinct(parts) -> str:
    seen, out = set(), []
    for p in parts:
        p = (p or "").strip()
        if p and p not in seen:
            seen.add(p)
            out.append(p)
    return "\n".join(out)


def form_values(path: Path) -> list[str]:
    """Every string (and number) value in a form file, in file order; [] if unreadable."""
    from docgen import forms

    try:
        data, _ = forms.read_data(Path(path))
    except Exception:  # noqa: BLE001 - an unreadable form adds no words
        return []
    out: list[str] = []

    def walk(v):
        if isinstance(v, dict):
            for k, x in v.items():
                if k not in ("type", "retention", "classification"):
                    walk(x)
        elif isinstance(v, (list, tuple)):
            for x in v:
                walk(x)
        elif isinstance(v, (str, int, float)) and not isinstance(v, bool):
            out.append(str(v))
        elif v is not None and hasattr(v, "isoformat"):
            out.append(v.isoformat())

    walk(data)
    return out


def docx_paragraphs(path: Path) -> list[str]:
    """Body paragraphs, then table cells, of a Word file; [] if it cannot be opened."""
    try:
        import docx

        d = docx.Document(str(path))
    except Exception:  # noqa: BLE001 - python-docx raises many kinds on a bad file
        return []
    out = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            for cell in row.cells:
                out.append(cell.text)
    return out


def pdf_paragraphs(path: Path) -> list[str]:
    """The text layer of a PDF, page by page; [] for a scan without text or a bad file."""
    try:
        from pypdf import PdfReader

        reader = PdfReader(str(path))
        # a line of Chinese wraps anywhere, even inside a word: rejoin the lines
        return [_WRAP.sub("", page.extract_text() or "") for page in reader.pages]
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on a damaged PDF
        return []


def _read_text(path: Path) -> list[str]:
    try:
        return [Path(path).read_text(encoding="utf-8-sig", errors="replace")]
    except OSError:
        return []
