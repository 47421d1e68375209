"""The pipelines, top to bottom: load forms → render → convert (→ file → index).

Both are all-or-nothing on bad input: every form is checked before anything is written.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from docgen.errors import BadInput, FormError
from docgen.forms import check_forms
from docgen.models import Form

OnConverted = Callable[[Path, "Path | None", "str | None"], None]


@dataclass
class Generated:
    forms: list[Form] = field(default_factory=list)
    docx: list[Path] = field(default_factory=list)
    pdf: list[Path | None] = field(default_factory=list)
    failed: dict[Path, str] = field(default_factory=dict)  # .docx -> why it has no PDF

    @property
    def written(self) -> list[Path]:
        """Each .docx followed by its .pdf, when that was made."""
        pdfs = self.pdf or [None] * len(self.docx)
        return [p for docx, pdf in zip(self.docx, pdfs) for p in (docx, pdf) if p is not None]


def load_all(form_paths, *, nothing: str) -> list[Form]:
    """Every form, or FormError listing every problem of every bad one ("nothing was …")."""
    forms, problems = check_forms(form_paths)
    if problems:
        raise FormError(f"{len({p.file for p in problems})} of {len(form_paths)} form file(s) "
                        f"invalid; nothing was {nothing}", problems)
    return forms


def generate_documents(form_paths, out_dir: Path, *, template: Path | None = None,
                       pdf: bool = False, convert_options=None,
                       on_converted: OnConverted | None = None) -> Generated:
    """Render every form into OUT_DIR/<stem>.docx (and .pdf); write nothing if any is invalid."""
    from docgen.render import open_template, render_form

    form_paths = [Path(p) for p in form_paths]
    forms = load_all(form_paths, nothing="written")
    targets = [Path(out_dir) / f"{p.stem}.docx" for p in form_paths]
    seen: dict[Path, Path] = {}
    for src, dst in zip(form_paths, targets):
        if dst in seen:
            raise BadInput(f"{src} and {seen[dst]} would both be written to {dst} — "
                           "give the form files different names")
        seen[dst] = src
    if template is not None:
        open_template(Path(template))  # fail before writing anything
        types = {f.type for f in forms}
        if len(types) > 1:
            raise BadInput(f"--template {template} given for forms of {len(types)} types "
                           f"({', '.join(sorted(types))}) — generate one type at a time")
    options = _require_converter(convert_options) if pdf else None
    result = Generated(forms=forms)
    for form, dst in zip(forms, targets):
        result.docx.append(render_form(form, dst, template))
    if pdf:
        _convert(result, Path(out_dir), options, on_converted)
    return result


@dataclass
class Filed:
    records: list = field(default_factory=list)  # docgen.archive.Record, in form order
    failed: dict[Path, str] = field(default_factory=dict)  # form file -> why it was not filed


def file_forms(arc, form_paths, *, supersedes: str | None = None, by: str | None = None,
               submitted=None, convert_options=None,
               on_converted: OnConverted | None = None) -> Filed:
    """Render, convert and file each form; a form whose PDF fails is reported, not filed."""
    from docgen.render import render_form

    form_paths = [Path(p) for p in form_paths]
    forms = load_all(form_paths, nothing="filed")
    for form in forms:  # a unit without a code, a bad date: stop before rendering anything
        arc.unit_code_for(form.unit, form.unit_code)
        arc.submitted_date(submitted, form.date)
    if supersedes:
        arc.record(supersedes)
    options = _require_converter(convert_options)
    filed = Filed()
    with tempfile.TemporaryDirectory(prefix="docgen-file-") as tmp:
        work = Generated(forms=forms)
        for i, (form, path) in enumerate(zip(forms, form_paths)):
            work.docx.append(render_form(form, Path(tmp) / f"{i:03d}-{path.stem}.docx"))
        _convert(work, Path(tmp) / "pdf", options, on_converted)
        with arc.batch():  # one search-index commit for the lot
            for form, path, docx, pdf in zip(forms, form_paths, work.docx, work.pdf):
                if pdf is None:
                    filed.failed[path] = work.failed.get(docx, "not converted")
                    continue
                filed.records.append(arc.file_form(form, path, docx, pdf, by=by,
                                                   supersedes=supersedes, submitted=submitted))
    return filed


WORD_SUFFIXES = (".docx", ".doc", ".odt", ".wps", ".rtf")


def import_files(arc, paths, *, fields: dict, pdf: Path | None = None, convert_options=None,
                 on_converted: OnConverted | None = None, one_item: bool = False,
                 on_ocr=None) -> Filed:
    """File documents docgen did not make; Word files are converted to PDF/A in one batch.

    PDFs that are not PDF/A (or have no text), and images, are made searchable PDF/A by
    docgen.scan first (all of them, or with `one_item` all files as one 件); any refused
    input or failed OCR stops the import before anything is filed. `on_ocr(done, total)`
    reports pages read. A file whose Word conversion fails is reported in `failed` and not
    filed; the rest are filed.
    """
    from docgen.archive.store import check_sources

    paths = [Path(p) for p in paths]
    check_sources({"original": p for p in paths} if len(paths) == 1 else
                  {f"file {i + 1}": p for i, p in enumerate(paths)})
    scans = [p for p in paths if pdf is None and _scannable(p)]
    if one_item and (len(scans) != len(paths) or pdf is not None):
        raise BadInput("--one-item joins scans, images and PDFs into one 件; Word files and "
                       "--pdf are filed one by one")
    for p in paths[:1] if one_item else scans:  # bad fields: refuse before any OCR
        arc.import_spec(p, **{k: v for k, v in fields.items() if k not in ("by", "supersedes")})
        if fields.get("supersedes"):
            arc.record(fields["supersedes"])
    word = [p for p in paths if pdf is None and p.suffix.lower() in WORD_SUFFIXES]
    filed = Filed()
    with tempfile.TemporaryDirectory(prefix="docgen-import-") as tmp:
        scanned = _normalize_scans(arc, scans, fields, one_item, Path(tmp) / "scan", on_ocr)
        converted: dict[Path, Path] = {}
        if word:
            work = Generated(docx=word)
            _convert(work, Path(tmp), _require_converter(convert_options), on_converted)
            converted = {src: out for src, out in zip(word, work.pdf) if out is not None}
            for src in word:
                if src not in converted:
                    filed.failed[src] = (f"{work.failed.get(src, 'no output')} — pass its "
                                         "PDF/A with --pdf")
        with arc.batch():
            for path in paths:
                if path in filed.failed or (path in scans and path not in scanned):
                    continue  # failed, or a later page of a --one-item 件
                if path in scanned:
                    filed.records.append(_file_scan(arc, scanned[path], fields))
                    continue
                filed.records.append(arc.file_import(path, pdf=converted.get(path, pdf),
                                                     **fields))
    return filed


def _scannable(path: Path) -> bool:
    from docgen.scan import IMAGE_SUFFIXES

    return path.suffix.lower() in (".pdf", *IMAGE_SUFFIXES)


def _normalize_scans(arc, scans, fields, one_item, workdir: Path, on_ocr) -> dict:
    """{first original: docgen.scan.Normalized}; raises before anything is filed."""
    if not scans:
        return {}
    from docgen.scan import normalize

    author = fields.get("responsible") or fields.get("unit") or arc.settings.fonds_name
    done = normalize(scans, one_item=one_item, workdir=workdir, progress=on_ocr,
                     title=fields.get("title"), author=author)
    return {item.originals[0]: item for item in done}


def _file_scan(arc, item, fields):
    """A normalised scan: its PDF/A (stamped), its original(s) and, if OCR ran, its text."""
    extra = {f"original-{i}": p for i, p in enumerate(item.originals[1:], 2)}
    if item.digitisation:
        extra["text"] = item.text_file
    rec = arc.file_import(item.originals[0], pdf=item.pdf, extra=extra,
                          digitisation=item.digitisation, **fields)
    rec.notices.extend(item.notices)
    return rec


def _require_converter(options):
    """LibreOffice missing: stop before anything is written."""
    from docgen._soffice import require
    from docgen.convert import ConvertOptions

    options = options or ConvertOptions()
    require(options)
    return options


def _convert(work: Generated, out_dir: Path, options, on_converted) -> None:
    from docgen.convert import convert

    done = convert(work.docx, out_dir, options=options, on_done=on_converted)
    work.pdf = [done.converted.get(d) for d in work.docx]
    work.failed = dict(done.failed)
