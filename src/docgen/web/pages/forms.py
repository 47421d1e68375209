"""填写表单 (from the type's schema, checked as the clerk types), preview, 生成并归档, 导入, and the
jobs that wait for LibreOffice; each calls docgen.pipeline as `docgen file` does."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse

from docgen.errors import BadInput, FormError
from docgen.i18n import _, cli_gettext
from docgen.vocab import FORM_TYPES
from docgen.web import formfields
from docgen.web.access import int_or_none, record_for, units_for
from docgen.web.app import Ctx, Forbidden, NotFound, page, render
from docgen.web.uploads import read_form, save_import

PREVIEW_PAGES = 3


@page(roles=("clerk", "archivist"))
async def forms_index(ctx: Ctx, request):
    from docgen.vocab import FORM_SUFFIXES

    return render(ctx, "forms.html", types=FORM_TYPES, accept=",".join(FORM_SUFFIXES))


@page(roles=("clerk", "archivist"))
async def form_workbook(ctx: Ctx, request):
    """The type's starter as an Excel workbook (`docgen form new TYPE --xlsx`), the clerk's
    unit filled in: filled offline in Excel or WPS, then uploaded."""
    import tempfile

    from starlette.background import BackgroundTask

    from docgen.starters import starter_data
    from docgen.xlsx_forms import write

    form_type = _form_type(request)
    data = starter_data(form_type, None)
    data.update(_defaults(ctx, ctx.archive(), request.query_params.get("unit")))
    folder = Path(tempfile.mkdtemp(dir=_uploads(request)))
    out = folder / f"{FORM_TYPES[form_type]}.xlsx"
    await run_in_threadpool(write, form_type, data, out)
    import shutil

    return FileResponse(out, filename=out.name, content_disposition_type="attachment",
                        media_type="application/vnd.openxmlformats-officedocument."
                                   "spreadsheetml.sheet",
                        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))


def _uploads(request) -> Path:
    folder = request.app.state.workdir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@page(roles=("clerk", "archivist"))
async def form_page(ctx: Ctx, request):
    form_type = _form_type(request)
    arc = ctx.archive()
    supersedes = request.query_params.get("supersedes") or ""
    data = _defaults(ctx, arc, request.query_params.get("unit"))
    if request.query_params.get("example"):
        data = _example(form_type)
    if supersedes:
        data = _superseded_form(ctx, arc, supersedes, form_type)
    return _form_view(ctx, form_type, data, [], supersedes=supersedes)


def _form_view(ctx, form_type, data, problems, *, supersedes="", status=200, note=None,
               warnings=()):
    fields = formfields.fields_for(form_type, data)
    at = {}
    for p in problems:
        at.setdefault(p["name"], []).append(p["text"])
    return render(ctx, "form.html", status, form_type=form_type, kind=FORM_TYPES[form_type],
                  fields=fields, problems=problems, at=at, supersedes=supersedes, note=note,
                  warnings=warnings, full=True)


def _defaults(ctx, arc, unit_code: str | None) -> dict:
    """A clerk's form starts with its unit; every form with the filing office as 主送机关."""
    units = units_for(ctx.account, arc)
    unit = next((u for u in units if u.code == unit_code), units[0] if len(units) == 1 else None)
    data = {"addressee": arc.settings.filing_office}
    if unit:
        data.update(unit=unit.name, unit_code=unit.code, issuer=unit.name)
    return data


def _example(form_type: str) -> dict:
    from docgen import resources
    from docgen.forms import parse

    path = resources.example(form_type)
    return parse(path.read_text(encoding="utf-8"), Path(path.name))[0]


def _superseded_form(ctx, arc, number: str, form_type: str) -> dict:
    from docgen.forms import parse, read_text

    if not ctx.account.may_correct:
        raise Forbidden
    rec = record_for(ctx, arc, number)
    if rec.type != form_type or "form" not in rec.files:
        raise BadInput(_("{number} 不是由{kind}表单生成的，请用导入来更正").format(
            number=number, kind=FORM_TYPES[form_type]))
    path = rec.files["form"]
    return parse(read_text(path), path)[0]


@page(roles=("clerk", "archivist"))
async def form_check(ctx: Ctx, request):
    """htmx, as the clerk types: the problems `form check` reports, each at its field."""
    form_type = _form_type(request)
    posted = await request.form()
    problems, _data, _form, warnings = _validate(form_type, posted, ctx.archive())
    names = [n for n in posted if n != "csrf"]
    slots = formfields.slots(names, [p["name"] for p in problems])
    at = {}
    for p in problems:
        at.setdefault(p["name"], []).append(p["text"])
    return render(ctx, "problems.html", problems=problems, slots=slots, at=at,
                  warnings=warnings)


@page(roles=("clerk", "archivist"))
async def form_row(ctx: Ctx, request):
    """htmx: one more row of a list (承诺事项, 评议步骤, …)."""
    form_type = _form_type(request)
    name = request.query_params.get("list", "")
    index = int_or_none(request.query_params.get("index")) or 0
    if not 0 < index < 100:
        raise NotFound
    row = formfields.row_fields(form_type, name, index)
    if row is None:
        raise NotFound
    return render(ctx, "row.html", row=row, list_name=name, index=index, form_type=form_type,
                  at={})


def _validate(form_type: str, posted, arc=None):
    """(problems as {name, field, text}, form data, the Form when valid, warnings). With the
    archive, the checks `docgen file` makes: its calendar and the filed 承诺书 a report must
    cover; its warnings (`docgen: warning: …` on the command line) come as entries too."""
    from docgen.archive.commitments import check_context
    from docgen.forms import validate

    data, order = formfields.collect(form_type, posted)
    context = check_context(arc)
    try:
        form = validate(data, {}, _("表单"), context)
    except FormError as e:
        form, problems = None, [problem_entry(p, formfields.posted_name(p.field, order))
                                for p in e.details if hasattr(p, "what")]
    else:
        problems = []
    warnings = [problem_entry(p, formfields.posted_name(p.field, order))
                for p in context.notices if hasattr(p, "what")]
    return problems, data, form, warnings


def problem_entry(p, name: str, where: str = "") -> dict:
    """A form problem for the page: the input it belongs to, where the form file has it (an
    upload's FILE:LINE or FILE:SHEET!C7), and its words in the page's language (what and fix
    are texts of the docgen catalog, as `docgen form check` prints them)."""
    what = cli_gettext(p.what)
    return {"name": name, "field": p.field, "where": where,
            "text": what + (f" — {cli_gettext(p.fix)}" if p.fix else "")}


@page(roles=("clerk", "archivist"))
async def form_upload(ctx: Ctx, request):
    """A YAML/JSON/TOML/xlsx form file into the form's fields, each problem at its field and
    located in the file as `docgen form check` locates it (LINE, or SHEET!C7)."""
    import tempfile

    from docgen.archive.commitments import check_context
    from docgen.forms import validate
    from docgen.vocab import form_type_code

    posted = await request.form()
    upload = posted.get("file")
    if upload is None or not hasattr(upload, "read"):
        raise BadInput(_("请选择要上传的表单文件"))
    raw = await upload.read()
    with tempfile.TemporaryDirectory(dir=_uploads(request)) as tmp:
        data, positions, shown = await run_in_threadpool(read_form, raw, upload.filename,
                                                         Path(tmp))
    if not isinstance(data, dict) or form_type_code(str(data.get("type", ""))) is None:
        raise BadInput(_("文件里没有可识别的表单类型（type: plan、commitment 或 summary）"))
    form_type = form_type_code(str(data["type"]))
    problems = []
    context = check_context(ctx.archive())
    try:
        validate(data, positions, shown, context)
    except FormError as e:
        problems = [problem_entry(p, p.field, _located(p)) for p in e.details
                    if hasattr(p, "what")]
    warnings = [problem_entry(p, p.field, _located(p)) for p in context.notices
                if hasattr(p, "what")]
    return _form_view(ctx, form_type, {**data, "type": form_type}, problems,
                      note=_("已载入 {name}").format(name=shown), warnings=warnings)


def _located(p) -> str:
    """FILE:LINE or FILE:SHEET!C7, as the command line writes it."""
    return f"{p.file}:{p.line}" if p.line else str(p.file)


@page(roles=("clerk", "archivist"))
async def form_preview(ctx: Ctx, request):
    """Render and convert (LibreOffice) without filing; the page polls the job."""
    from docgen.pipeline import generate_documents

    form_type = _form_type(request)
    posted = await request.form()
    problems, data, form, _warnings = _validate(form_type, posted, ctx.archive())
    if problems:
        return render(ctx, "job_refused.html", 422, problems=problems)
    _may_file_form(ctx, form)
    jobs = request.app.state.jobs
    job = jobs.new(ctx.account.name, "preview")
    form_path = _write_form(job.folder, data)
    options = request.app.state.options.convert_options

    def work(job):
        done = generate_documents([form_path], job.folder / "out", pdf=True,
                                  convert_options=options)
        if done.failed or not done.pdf or done.pdf[0] is None:
            raise BadInput(_("转换 PDF/A 失败"), [str(v) for v in done.failed.values()])
        job.pages = _page_images(done.pdf[0], job.folder / "out")

    jobs.start(job, work)
    return render(ctx, "job.html", job=job)


@page(roles=("clerk", "archivist"))
async def form_file(ctx: Ctx, request):
    """生成并归档: render, convert, stamp, file and index, as `docgen file FORM` does."""
    from docgen.pipeline import file_forms

    form_type = _form_type(request)
    posted = await request.form()
    problems, data, form, _warnings = _validate(form_type, posted, ctx.archive())
    if problems:
        return render(ctx, "job_refused.html", 422, problems=problems)
    _may_file_form(ctx, form)
    supersedes = str(posted.get("supersedes") or "").strip() or None
    arc = ctx.archive()
    if supersedes:
        if not ctx.account.may_correct:
            raise Forbidden
        record_for(ctx, arc, supersedes)
    jobs = request.app.state.jobs
    job = jobs.new(ctx.account.name, "file")
    form_path = _write_form(job.folder, data)
    options = request.app.state.options.convert_options
    who = ctx.account.name

    def work(job):
        def converted(src, pdf, reason):
            job.stage = "filing"

        from docgen.archive import FilingOptions
        from docgen.archive.commitments import check_context

        filed = file_forms(arc, [form_path],
                           options=FilingOptions.build(supersedes=supersedes, by=who),
                           convert_options=options, on_converted=converted,
                           context=check_context(arc))
        _sync(arc)
        if filed.failed:
            raise BadInput(_("转换 PDF/A 失败，未归档"), [str(v) for v in filed.failed.values()])
        job.records = [r.filing_number for r in filed.records]
        job.notices = [n for r in filed.records for n in r.notices]

    jobs.start(job, work)
    return render(ctx, "job.html", job=job)


def _may_file_form(ctx, form) -> None:
    arc = ctx.archive()
    code = arc.unit_code_for(form.unit, form.unit_code)
    if not ctx.account.may_file(code):
        raise Forbidden


def _write_form(folder: Path, data: dict) -> Path:
    """The form as the clerk filled it: a JSON form file, filed with the 件 like any other."""
    path = folder / "form.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def _page_images(pdf: Path, out: Path) -> int:
    """The first pages as PNG (poppler's pdftoppm); 0 when it cannot run."""
    from docgen import _run

    try:
        done = _run.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", str(PREVIEW_PAGES),
                         str(pdf), str(out / "page")], timeout=60)
    except (OSError, subprocess.SubprocessError):
        return 0
    if done.returncode != 0:
        return 0
    return len(list(out.glob("page-*.png")))


@page()
async def job_status(ctx: Ctx, request):
    job = request.app.state.jobs.get(request.path_params["job"], ctx.account.name)
    if job is None:
        raise NotFound
    return render(ctx, "job.html", job=job)


@page()
async def job_file(ctx: Ctx, request):
    """A preview's PDF or page image, only to the account that made it."""
    job = request.app.state.jobs.get(request.path_params["job"], ctx.account.name)
    name = request.path_params["name"]
    if job is None or job.stage != "done":
        raise NotFound
    out = job.folder / "out"
    if name == "preview.pdf":
        pdfs = sorted(out.glob("*.pdf"))
        if not pdfs:
            raise NotFound
        return FileResponse(pdfs[0], media_type="application/pdf", filename="preview.pdf")
    if name.startswith("page-") and name.endswith(".png") and name[5:-4].isdigit():
        for p in out.glob("page-*.png"):  # pdftoppm pads the number by the page count
            if int(p.stem[5:]) == int(name[5:-4]):
                return FileResponse(p, media_type="image/png")
    raise NotFound


# --- 导入 ---------------------------------------------------------------------------------
@page(roles=("clerk", "archivist"))
async def import_page(ctx: Ctx, request):
    arc = ctx.archive()
    q = request.query_params
    if request.method == "GET":
        from docgen.vocab import IMPORT_SUFFIXES

        return render(ctx, "import.html", units=units_for(ctx.account, arc),
                      kinds=_import_kinds(), values=dict(q), full=True,
                      accept=",".join(IMPORT_SUFFIXES), suffixes=" ".join(IMPORT_SUFFIXES))
    from docgen.pipeline import import_files

    posted = await request.form()
    uploads = [u for u in posted.getlist("file") if hasattr(u, "read") and u.filename]
    if not uploads:
        raise BadInput(_("请选择要导入的文件（PDF、Word 或扫描图像）"))
    options = request.app.state.options
    unit = str(posted.get("unit", ""))
    if unit not in {u.code for u in units_for(ctx.account, arc)} or not ctx.account.may_file(unit):
        raise Forbidden
    supersedes = str(posted.get("supersedes") or "").strip() or None
    if supersedes:
        if not ctx.account.may_correct:
            raise Forbidden
        record_for(ctx, arc, supersedes)
    kind = str(posted.get("kind", "")).strip()
    from docgen.vocab import record_type_code

    doc_type = record_type_code(str(posted.get("type", "") or "other")) or "other"
    fields = dict(type=doc_type, title=str(posted.get("title", "")),
                  date=str(posted.get("date", "")), kind=kind or None,
                  unit=arc.settings.unit_name(unit), unit_code=unit,
                  classification=str(posted.get("classification") or "公开"),
                  retention=str(posted.get("retention") or "定期30年"),
                  by=ctx.account.name, supersedes=supersedes)
    if not fields["title"].strip() or not fields["date"].strip():
        raise BadInput(_("请填写题名和日期"))
    from docgen.archive import ImportOptions

    import_options = ImportOptions.build(**fields)  # a bad field: refused before the job
    files = [(u.filename, await u.read()) for u in uploads]
    jobs = request.app.state.jobs
    job = jobs.new(ctx.account.name, "import")
    try:  # refused here, as `docgen import` refuses it, before any work starts
        paths = await run_in_threadpool(save_import, files, job.folder,
                                        options.max_import_bytes)
    except BaseException:
        jobs.discard(job)
        raise
    one_item = len(paths) > 1  # several files: the pages of one 件, in the order chosen

    def work(job):
        def ocr_progress(done: int, total: int) -> None:
            job.ocr = (done, total)
            if total and done >= total:
                job.stage = "filing"

        filed = import_files(arc, paths, options=import_options, one_item=one_item,
                             convert_options=options.convert_options, on_ocr=ocr_progress,
                             on_converted=lambda src, pdf, reason: setattr(job, "stage",
                                                                           "filing"))
        _sync(arc)
        if filed.failed:
            raise BadInput(_("转换 PDF/A 失败，未归档"), [str(v) for v in filed.failed.values()])
        job.records = [r.filing_number for r in filed.records]
        job.notices = [n for r in filed.records for n in r.notices]

    jobs.start(job, work)
    return render(ctx, "job.html", job=job, full=not ctx.htmx)


def _sync(arc) -> None:
    """Bring the search index up to the archive, as every filing command does; the index is
    derived, so its failure never fails the filing (the next search catches up)."""
    from docgen.search import sync

    try:
        sync(arc)
    except Exception:  # noqa: BLE001 - the filing is done and durable
        pass


def _import_kinds() -> list[str]:
    from docgen.vocab import STEPS

    return [k for s in STEPS if s.type == "other" for k in s.kinds]



def _form_type(request) -> str:
    form_type = request.path_params["type"]
    if form_type not in FORM_TYPES:
        raise NotFound
    return form_type

