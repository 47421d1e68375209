"""The pipelines, top to bottom: load forms → render → convert (→ file).

Both are all-or-nothing on bad input: every form is checked before anything is written.
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from docgen.errors import BadInput, FormError
from docgen.i18n import N_
from docgen.i18n import cli_gettext as _
from docgen.forms import check_forms
from docgen.models import Form
from docgen.vocab import WORD_SUFFIXES

OnConverted = Callable[[Path, "Path | None", "str | None"], None]


@dataclass
class Generated:
    forms: list[Form] = field(default_factory=list)
    docx: list[Path] = field(default_factory=list)
    pdf: list[Path | None] = field(default_factory=list)
    failed: dict[Path, str] = field(default_factory=dict)  # .docx -> why it has no PDF
    layout: list[str] = field(default_factory=list)  # one warning per failed GB/T 9704 rule

    @property
    def written(self) -> list[Path]:
        """Each .docx followed by its .pdf, when that was made."""
        pdfs = self.pdf or [None] * len(self.docx)
        return [p for docx, pdf in zip(self.docx, pdfs) for p in (docx, pdf) if p is not None]


# what a command that found a bad form did not do, by the `nothing` of load_all
_NOTHING = {"written": N_("{bad} of {count} form file(s) invalid; nothing was written"),
            "filed": N_("{bad} of {count} form file(s) invalid; nothing was filed")}


def load_all(form_paths, *, nothing: str, context=None) -> list[Form]:
    """Every form, or FormError listing every problem of every bad one ("nothing was …")."""
    forms, problems = check_forms(form_paths, context)
    if problems:
        raise FormError(_(_NOTHING[nothing]).format(bad=len({p.file for p in problems}),
                                                    count=len(form_paths)), problems)
    return forms


def generate_documents(form_paths, out_dir: Path, *, template: Path | None = None,
                       pdf: bool = False, force: bool = False, convert_options=None,
                       on_converted: OnConverted | None = None, context=None,
                       duplex: bool = False) -> Generated:
    """Render every form into OUT_DIR/<stem>.docx (and .pdf); write nothing if any is invalid.

    An existing output is never overwritten (BadInput naming it) unless `force`. Warnings
    (e.g. a summary not checked against a filed 承诺书) land in `context.notices`."""
    from docgen.render import open_template, render_documents

    form_paths = [Path(p) for p in form_paths]
    forms = load_all(form_paths, nothing="written", context=context)
    targets = [Path(out_dir) / f"{p.stem}.docx" for p in form_paths]
    seen: dict[Path, Path] = {}
    for src, dst in zip(form_paths, targets):
        if dst in seen:
            raise BadInput(_("{src} and {other} would both be written to {dst} — give the form "
                             "files different names").format(src=src, other=seen[dst], dst=dst))
        seen[dst] = src
    if template is not None:
        open_template(Path(template))  # fail before writing anything
        types = {f.type for f in forms}
        if len(types) > 1:
            raise BadInput(_("--template {template} given for forms of {count} types ({types}) — "
                             "generate one type at a time").format(
                                 template=template, count=len(types),
                                 types=", ".join(sorted(types))))
        from docgen.render import template_type

        declared = template_type(Path(template))
        if declared is not None and declared not in types:
            raise BadInput(_("--template {template} is a {declared} template (its category "
                             "property or name says so), but the forms are {type} — choose the "
                             "template for that form type").format(
                                 template=template, declared=declared, type=types.pop()))
    if not force:
        existing = [p for dst in targets for p in (dst, dst.with_suffix(".pdf") if pdf else None)
                    if p is not None and p.exists()]
        if existing:
            raise BadInput(_("{path} already exists (a clerk may have edited it) — nothing was "
                             "written; move it away, choose another -o folder, or give --force "
                             "to overwrite").format(path=existing[0])
                           + (_(" ({count} files exist)").format(count=len(existing))
                              if len(existing) > 1 else ""))
    options = _require_converter(convert_options) if pdf else None
    result = Generated(forms=forms)
    result.docx = render_documents(list(zip(forms, targets)), template)
    if pdf:
        from docgen.convert import Offices

        # the fitting passes reuse the LibreOffice that converted; each PDF is measured while
        # the others convert
        with Offices() as offices, _Measuring() as measuring:
            _convert(result, Path(out_dir), options, on_converted, offices, measuring)
            _fit(result, Path(out_dir), options, offices, duplex=duplex, measuring=measuring)
    return result


@dataclass
class Filed:
    records: list = field(default_factory=list)  # docgen.archive.Record, in form order
    failed: dict[Path, str] = field(default_factory=dict)  # form file -> why it was not filed
    layout: list[str] = field(default_factory=list)  # one warning per failed GB/T 9704 rule


def file_forms(arc, form_paths, *, options=None, convert_options=None,
               on_converted: OnConverted | None = None, context=None,
               duplex: bool = False) -> Filed:
    """Render, convert and file each form; a form whose PDF fails is reported, not filed.
    `duplex`: printed double-sided, the 版记 is fitted onto an even page (as `generate`).

    Forms are checked against the archive (its calendar, its filed 承诺书) unless `context`
    says otherwise; warnings land in `context.notices`.
    `options`: a docgen.archive.FilingOptions (who, supersedes, 报送日期, duplicates)."""
    from docgen.archive import FilingOptions
    from docgen.archive.commitments import check_context
    from docgen.render import render_documents

    options = options or FilingOptions()
    form_paths = [Path(p) for p in form_paths]
    context = context if context is not None else check_context(arc)
    forms = load_all(form_paths, nothing="filed", context=context)
    for form in forms:  # a unit without a code, a bad date: stop before rendering anything
        arc.unit_code_for(form.unit, form.unit_code)
        arc.submitted_date(options.submitted, form.date)
    if options.supersedes:
        arc.record(options.supersedes)
    convert_options = _require_converter(convert_options)
    filed = Filed()
    with _scratch("file") as tmp:
        work = Generated(forms=forms)
        work.docx = render_documents([(form, Path(tmp) / f"{i:03d}-{path.stem}.docx")
                                      for i, (form, path) in enumerate(zip(forms, form_paths))])
        from docgen.convert import Offices

        # the fitting passes reuse the LibreOffice that converted; each PDF is measured while
        # the others convert
        with Offices() as offices, _Measuring() as measuring:
            _convert(work, Path(tmp) / "pdf", convert_options, on_converted, offices,
                     measuring)
            _fit(work, Path(tmp) / "pdf", convert_options, offices,
                 names=dict(zip(work.pdf, form_paths)), duplex=duplex, measuring=measuring)
        filed.layout = work.layout
        for form, path, docx, pdf in zip(forms, form_paths, work.docx, work.pdf):
            if pdf is None:
                filed.failed[path] = work.failed.get(docx, "not converted")
                continue
            filed.records.append(arc.file_form(form, path, docx, pdf, options))
    return filed


def import_files(arc, paths, *, options, pdf: Path | None = None, convert_options=None,
                 on_converted: OnConverted | None = None, one_item: bool = False,
                 on_ocr=None) -> Filed:
    """File documents docgen did not make; Word files are converted to PDF/A in one batch.

    `options`: a docgen.archive.ImportOptions (the metadata every file gets). PDFs that are
    not PDF/A (or have no text), and images, are made searchable PDF/A by docgen.scan first
    (each its own 件, or with `one_item` all files as one 件); any refused input or failed OCR
    stops the import before anything is filed. `on_ocr(done, total)` reports pages read. A
    file whose Word conversion fails is reported in `failed` and not filed; the rest are filed.
    """
    from docgen.archive.intake import check_sources, check_suffixes

    paths = [Path(p) for p in paths]
    check_sources({"original": p for p in paths} if len(paths) == 1 else
                  {f"file {i + 1}": p for i, p in enumerate(paths)})
    if pdf is None:
        check_suffixes(paths)
    scans = [p for p in paths if pdf is None and _scannable(p)]
    if one_item and (len(scans) != len(paths) or pdf is not None):
        raise BadInput(_("--one-item joins scans, images and PDFs into one 件; Word files and "
                         "--pdf are filed one by one"))
    for p in paths:  # bad fields: refuse before any conversion or OCR
        arc.import_spec(p, options)
    if options.supersedes:
        arc.record(options.supersedes)
    word = [p for p in paths if pdf is None and p.suffix.lower() in WORD_SUFFIXES]
    filed = Filed()
    with _scratch("import") as tmp:
        scanned = _normalize_scans(arc, scans, options, one_item, Path(tmp) / "scan", on_ocr)
        converted: dict[Path, Path] = {}
        if word:
            work = Generated(docx=word)
            _convert(work, Path(tmp), _require_converter(convert_options), on_converted)
            converted = {src: out for src, out in zip(word, work.pdf) if out is not None}
            for src in word:
                if src not in converted:
                    filed.failed[src] = _("{reason} — pass its PDF/A with --pdf").format(
                        reason=work.failed.get(src) or _("no output"))
        for path in paths:
            if path in filed.failed or (path in scans and path not in scanned):
                continue  # failed, or a later page of a --one-item 件
            if path in scanned:
                filed.records.append(_file_scan(arc, scanned[path], options))
                continue
            filed.records.append(arc.file_import(path, options, pdf=converted.get(path, pdf)))
    return filed


def _scannable(path: Path) -> bool:
    from docgen.scan import IMAGE_SUFFIXES

    return path.suffix.lower() in (".pdf", *IMAGE_SUFFIXES)


def _normalize_scans(arc, scans, options, one_item, workdir: Path, on_ocr) -> dict:
    """{first original: docgen.scan.Normalized}; raises before anything is filed."""
    if not scans:
        return {}
    from docgen.scan import normalize

    author = options.responsible or options.unit or arc.settings.fonds_name
    done = normalize(scans, one_item=one_item, workdir=workdir, progress=on_ocr,
                     title=options.title, author=author)
    return {item.originals[0]: item for item in done}


def _file_scan(arc, item, options):
    """A normalised scan: its PDF/A (stamped), its original(s) and, if OCR ran, its text."""
    extra = {f"original-{i}": p for i, p in enumerate(item.originals[1:], 2)}
    if item.digitisation:
        extra["text"] = item.text_file
    rec = arc.file_import(item.originals[0], options, pdf=item.pdf, extra=extra,
                          digitisation=item.digitisation)
    rec.notices.extend(item.notices)
    return rec


def _require_converter(options):
    """LibreOffice missing: stop before anything is written."""
    from docgen.convert import ConvertOptions, require_libreoffice

    options = options or ConvertOptions()
    require_libreoffice(options)
    return options


@contextmanager
def _scratch(kind: str):
    """A private temporary folder, removed after; a killed run's is removed by the next run."""
    from docgen import _run

    _run.sweep()
    path = _run.scratch_dir(kind)
    try:
        yield str(path)
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _convert(work: Generated, out_dir: Path, options, on_converted, offices=None,
             measuring: _Measuring | None = None) -> None:
    from docgen.convert import convert

    def on_done(src, pdf, reason):
        if measuring is not None and pdf is not None:
            measuring.start(pdf)
        if on_converted is not None:
            on_converted(src, pdf, reason)

    done = convert(work.docx, out_dir, options=options, on_done=on_done, offices=offices)
    work.pdf = [done.converted.get(d) for d in work.docx]
    work.failed = dict(done.failed)


class _Measuring:
    """The layout of each PDF measured as soon as LibreOffice has written it, in a thread,
    while the other documents are still converting; `taken(pdf)` hands each one over once
    (a PDF converted again is measured again by the fitting)."""

    def __init__(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="docgen-measure")
        self._started: dict = {}

    def start(self, pdf: Path) -> None:
        from docgen.layout.measure import measure

        self._started[Path(pdf)] = self._pool.submit(measure, pdf)

    def taken(self, pdf: Path):
        future = self._started.pop(Path(pdf), None)
        if future is None:
            return None
        try:
            return future.result()
        except Exception:  # noqa: BLE001 - the fitting measures it again and reports it
            return None

    def __enter__(self) -> _Measuring:
        return self

    def __exit__(self, *exc) -> None:
        for future in self._started.values():
            future.cancel()
        self._pool.shutdown(wait=True)


def _fit(work: Generated, out_dir: Path, options, offices=None, names: dict | None = None,
         duplex: bool = False, measuring: _Measuring | None = None) -> None:
    """Measure each PDF against GB/T 9704, move lines where the signature stands alone and
    convert again (docgen.layout.fit); what still fails becomes a warning."""
    from docgen.convert import convert
    from docgen.layout.fit import fit

    def reconvert(docx: list[Path]) -> dict[Path, Path]:
        return convert(docx, out_dir, options=options, offices=offices).converted

    pairs = [(d, p) for d, p in zip(work.docx, work.pdf) if p is not None]
    work.layout = fit(pairs, reconvert, duplex=duplex,
                      measured_first=measuring.taken if measuring else None).warnings(names)
