"""The pages: 登录, 工作台, 填写表单, 导入, 检索, 档案详情, 四性检测, 打包.

Each action calls the library function the CLI calls (docgen.pipeline, Archive, search,
bundle); these handlers only parse the request, check the account's right, and show the result.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from docgen.accounts import LoginRefused
from docgen.errors import BadInput, DocgenError, FormError
from docgen.i18n import _
from docgen.vocab import FORM_TYPES, RECORD_TYPES
from docgen.web import formfields
from docgen.web.app import (LOGIN_COOKIE, SESSION_COOKIE, Ctx, Forbidden, NotFound, client_key,
                            page, render, secure)
from docgen.web.uploads import UploadRefused, sniff_form, sniff_import

PAGE_SIZE = 10
MAX_HITS = 500
PREVIEW_PAGES = 3



def N_(text: str) -> str:
    """Marks a text for the catalog; it is translated where it is shown."""
    return text


STATE_NAMES = {"filed on time": N_("按时归档"), "filed late": N_("逾期归档"), "missing": N_("缺失"),
               "due": N_("待办")}
ROLE_NAMES = (N_("经办人"), N_("档案员"), N_("检查人员"))  # docgen.accounts.ROLES, shown in the header


# --- 登录 ----------------------------------------------------------------------------------
@page(login=False)
async def login(ctx: Ctx, request):
    import secrets

    nxt = request.query_params.get("next", "/desk")
    if request.method == "GET":
        token = secrets.token_urlsafe(24)
        resp = render(ctx, "login.html", login_token=token, next=_local(nxt))
        _cookie(resp, request, LOGIN_COOKIE, token)
        return resp
    form = await request.form()
    state = request.app.state
    token = request.cookies.get(LOGIN_COOKIE, "")
    if not token or not secrets.compare_digest(str(form.get("csrf", "")), token):
        return render(ctx, "error.html", 403, title=_("请求无效"),
                      lines=[_("登录表单已过期，请刷新页面后重试")])
    key = client_key(request)
    if state.throttle.blocked(key):
        return _login_again(ctx, request, _("失败次数过多，请稍后再试"), 429)
    try:
        account = await run_in_threadpool(state.accounts.login, str(form.get("name", "")),
                                          str(form.get("password", "")))
    except LoginRefused as e:
        state.throttle.failed(key)
        why = (_("账户因多次密码错误已锁定，请稍后再试或联系档案员") if e.locked_until
               else _("账户已停用") if "disabled" in str(e) else _("账户名或密码错误"))
        return _login_again(ctx, request, why, 401)
    session, _csrf = await run_in_threadpool(state.accounts.start_session, account.name)
    resp = RedirectResponse(_local(str(form.get("next", "/desk"))), 303)
    _cookie(resp, request, SESSION_COOKIE, session)
    resp.delete_cookie(LOGIN_COOKIE, path="/")
    return resp


def _login_again(ctx, request, message: str, status: int):
    import secrets

    token = secrets.token_urlsafe(24)
    resp = render(ctx, "login.html", status, login_token=token, error=message, next="/desk")
    _cookie(resp, request, LOGIN_COOKIE, token)
    return resp


def _cookie(resp, request, name: str, value: str) -> None:
    resp.set_cookie(name, value, httponly=True, samesite="strict", secure=secure(request),
                    path="/")


def _local(target: str) -> str:
    """Only a path on this site (no //host, no scheme): no open redirect after login."""
    return target if target.startswith("/") and not target.startswith("//") and \
        "\\" not in target else "/desk"


@page()
async def logout(ctx: Ctx, request):
    await run_in_threadpool(request.app.state.accounts.end_session,
                            request.cookies.get(SESSION_COOKIE))
    resp = RedirectResponse("/login", 303)
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


@page(login=False)
async def home(ctx: Ctx, request):
    return RedirectResponse("/desk", 303)


# --- 本单位工作台 ----------------------------------------------------------------------------
@page()
async def desk(ctx: Ctx, request):
    arc = ctx.archive()
    units = _units_for(ctx.account, arc)
    unit = request.query_params.get("unit") or (units[0].code if units else None)
    if unit not in {u.code for u in units}:
        raise NotFound
    year = _int(request.query_params.get("year"))
    year, rows = await run_in_threadpool(arc.status, year, unit=unit)
    steps = []
    for r in rows:
        shown = [n for n in r.filing_numbers if _visible(ctx, arc, n)]
        steps.append({"row": r, "state": STATE_NAMES.get(r.state, r.state),
                      "label": _state_label(r), "next": _next_step(r, ctx.account),
                      "numbers": shown, "hidden": len(r.filing_numbers) - len(shown)})
    return render(ctx, "desk.html", year=year, unit=unit, units=units, steps=steps,
                  years=range(year - 3, year + 2))


def _units_for(account, arc):
    scope = account.unit_scope()
    return [u for u in arc.settings.units if scope is None or u.code in scope]


def _state_label(r) -> str:
    if r.state == "due":
        return _("还剩 {n} 天").format(n=r.days)
    if r.state == "filed late":
        return _("逾期 {n} 天归档").format(n=r.days)
    if r.state == "missing":
        return _("已逾期 {n} 天").format(n=r.days)
    return _("按时归档")


def _next_step(r, account) -> dict | None:
    """What to do next for a calendar row: fill the form, import the document, or nothing."""
    if r.satisfied or not account.may_file(r.unit_code):
        return None
    if r.step in FORM_TYPES:
        return {"href": f"/forms/{r.step}?unit={r.unit_code}",
                "text": _("填写{kind}").format(kind=r.kind)}
    return {"href": f"/import?unit={r.unit_code}&kind={r.kind}",
            "text": _("导入{kind}").format(kind=r.kind)}


# --- 填写表单 -------------------------------------------------------------------------------
@page(roles=("clerk", "archivist"))
async def forms_index(ctx: Ctx, request):
    return render(ctx, "forms.html", types=FORM_TYPES)


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


def _form_view(ctx, form_type, data, problems, *, supersedes="", status=200, note=None):
    fields = formfields.fields_for(form_type, data)
    at = {}
    for p in problems:
        at.setdefault(p["name"], []).append(p["text"])
    return render(ctx, "form.html", status, form_type=form_type, kind=FORM_TYPES[form_type],
                  fields=fields, problems=problems, at=at, supersedes=supersedes, note=note,
                  full=True)


def _defaults(ctx, arc, unit_code: str | None) -> dict:
    """A clerk's form starts with its unit; every form with the filing office as 主送机关."""
    units = _units_for(ctx.account, arc)
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
    rec = _record(ctx, arc, number)
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
    problems, _data, _form = _validate(form_type, posted)
    names = [n for n in posted.keys() if n != "csrf"]
    slots = formfields.slots(names, [p["name"] for p in problems])
    at = {}
    for p in problems:
        at.setdefault(p["name"], []).append(p["text"])
    return render(ctx, "problems.html", problems=problems, slots=slots, at=at)


@page(roles=("clerk", "archivist"))
async def form_row(ctx: Ctx, request):
    """htmx: one more row of a list (承诺事项, 评议步骤, …)."""
    form_type = _form_type(request)
    name = request.query_params.get("list", "")
    index = _int(request.query_params.get("index")) or 0
    if not 0 < index < 100:
        raise NotFound
    row = formfields.row_fields(form_type, name, index)
    if row is None:
        raise NotFound
    return render(ctx, "row.html", row=row, list_name=name, index=index, form_type=form_type,
                  at={})


def _validate(form_type: str, posted):
    """(problems as {name, field, text}, form data, the Form when valid)."""
    from docgen.forms import validate

    data, order = formfields.collect(form_type, posted)
    try:
        form = validate(data, {}, _("表单"))
    except FormError as e:
        problems = []
        for p in e.details:
            text = p.what + (f" — {p.fix}" if p.fix else "")
            problems.append({"name": formfields.posted_name(p.field, order), "field": p.field,
                             "text": text})
        return problems, data, None
    return [], data, form


@page(roles=("clerk", "archivist"))
async def form_upload(ctx: Ctx, request):
    """A YAML/JSON/TOML form file into the form's fields, its problems at each field."""
    from docgen.forms import parse, validate
    from docgen.vocab import form_type_code

    posted = await request.form()
    upload = posted.get("file")
    if upload is None or not hasattr(upload, "read"):
        raise BadInput(_("请选择要上传的表单文件"))
    raw = await upload.read()
    suffix = sniff_form(raw, upload.filename)
    name = f"upload{suffix}"
    try:
        data, positions = parse(raw.decode("utf-8-sig"), Path(name))
    except FormError as e:
        raise FormError(_("表单文件无法读取"), [str(p).replace(name, upload.filename or name, 1)
                                                for p in e.details]) from None
    if not isinstance(data, dict) or form_type_code(str(data.get("type", ""))) is None:
        raise BadInput(_("文件里没有可识别的表单类型（type: plan、commitment 或 summary）"))
    form_type = form_type_code(str(data["type"]))
    problems = []
    try:
        validate(data, positions, upload.filename or name)
    except FormError as e:
        problems = [{"name": p.field, "field": p.field,
                     "text": p.what + (f" — {p.fix}" if p.fix else "")} for p in e.details]
    return _form_view(ctx, form_type, data, problems,
                      note=_("已载入 {name}").format(name=upload.filename))


@page(roles=("clerk", "archivist"))
async def form_preview(ctx: Ctx, request):
    """Render and convert (LibreOffice) without filing; the page polls the job."""
    from docgen.pipeline import generate_documents

    form_type = _form_type(request)
    posted = await request.form()
    problems, data, form = _validate(form_type, posted)
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
    problems, data, form = _validate(form_type, posted)
    if problems:
        return render(ctx, "job_refused.html", 422, problems=problems)
    _may_file_form(ctx, form)
    supersedes = str(posted.get("supersedes") or "").strip() or None
    arc = ctx.archive()
    if supersedes:
        if not ctx.account.may_correct:
            raise Forbidden
        _record(ctx, arc, supersedes)
    jobs = request.app.state.jobs
    job = jobs.new(ctx.account.name, "file")
    form_path = _write_form(job.folder, data)
    options = request.app.state.options.convert_options
    who = ctx.account.name

    def work(job):
        def converted(src, pdf, reason):
            job.stage = "filing"

        filed = file_forms(arc, [form_path], supersedes=supersedes, by=who,
                           convert_options=options, on_converted=converted)
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
    try:
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", str(PREVIEW_PAGES),
                        str(pdf), str(out / "page")], check=True, capture_output=True,
                       timeout=60)
    except (OSError, subprocess.SubprocessError):
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
        return render(ctx, "import.html", units=_units_for(ctx.account, arc),
                      kinds=_import_kinds(), values=dict(q), full=True)
    from docgen.pipeline import import_files

    posted = await request.form()
    upload = posted.get("file")
    if upload is None or not hasattr(upload, "read"):
        raise BadInput(_("请选择要导入的 PDF 或 Word 文件"))
    options = request.app.state.options
    raw = await upload.read()
    name = sniff_import(raw, upload.filename, options.max_import_bytes)
    unit = str(posted.get("unit", ""))
    if unit not in {u.code for u in _units_for(ctx.account, arc)} or not ctx.account.may_file(unit):
        raise Forbidden
    supersedes = str(posted.get("supersedes") or "").strip() or None
    if supersedes:
        if not ctx.account.may_correct:
            raise Forbidden
        _record(ctx, arc, supersedes)
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
    jobs = request.app.state.jobs
    job = jobs.new(ctx.account.name, "import")
    path = job.folder / name
    path.write_bytes(raw)

    def work(job):
        filed = import_files(arc, [path], fields=fields, convert_options=options.convert_options)
        if filed.failed:
            raise BadInput(_("转换 PDF/A 失败，未归档"), [str(v) for v in filed.failed.values()])
        job.records = [r.filing_number for r in filed.records]

    jobs.start(job, work)
    return render(ctx, "job.html", job=job, full=not ctx.htmx)


def _import_kinds() -> list[str]:
    from docgen.vocab import STEPS

    return [k for s in STEPS if s.type == "other" for k in s.kinds]


# --- 检索 ---------------------------------------------------------------------------------
@page()
async def search_page(ctx: Ctx, request):
    from docgen.dates import parse_date
    from docgen.search import search

    q = request.query_params
    arc = ctx.archive()
    units = _units_for(ctx.account, arc)
    query = (q.get("q") or "").strip()
    values = {k: q.get(k, "") for k in ("q", "type", "year", "unit", "from", "to")}
    if not query:
        return render(ctx, "search.html", values=values, units=units, types=RECORD_TYPES,
                      hits=None)
    try:
        date_from = parse_date(q["from"]) if q.get("from") else None
        date_to = parse_date(q["to"]) if q.get("to") else None
    except ValueError as e:
        raise BadInput(_("日期无法识别：{e}").format(e=e)) from None
    unit = q.get("unit") or None
    if unit and unit not in {u.code for u in units}:
        unit = "-"  # a unit out of the account's sight: nothing, as if it had no records
    hits = await run_in_threadpool(search, arc, query, type=q.get("type") or None,
                                   year=_int(q.get("year")), unit=unit, date_from=date_from,
                                   date_to=date_to, limit=MAX_HITS)
    visible = [h for h in hits if _visible(ctx, arc, h.filing_number)]
    pages = max(1, math.ceil(len(visible) / PAGE_SIZE))
    page_no = min(max(_int(q.get("page")) or 1, 1), pages)
    shown = visible[(page_no - 1) * PAGE_SIZE: page_no * PAGE_SIZE]
    return render(ctx, "search.html", values=values, units=units, types=RECORD_TYPES,
                  hits=shown, total=len(visible), page_no=page_no, pages=pages,
                  query_string=_without_page(request), notice=hits.notice)


def _visible(ctx, arc, number: str) -> bool:
    try:
        return ctx.account.may_see(arc.record(number))
    except DocgenError:
        return False


def _without_page(request) -> str:
    from urllib.parse import urlencode

    return urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "page"])


# --- 档案详情 -------------------------------------------------------------------------------
@page()
async def record_page(ctx: Ctx, request):
    arc = ctx.archive()
    rec = _record(ctx, arc, request.path_params["number"])
    number = rec.filing_number
    history = [e for e in await run_in_threadpool(lambda: list(arc.audit_entries()))
               if number in (e.get("filing_number"), e.get("supersedes"))]
    return render(ctx, "record.html", rec=rec, history=history, kinds=RECORD_TYPES)


@page()
async def record_file(ctx: Ctx, request):
    """The PDF/A or the original, by 档号 and role; never by a path from the request."""
    arc = ctx.archive()
    rec = _record(ctx, arc, request.path_params["number"])
    role = request.path_params["role"]
    if role not in ("pdf", "original", "form"):
        raise NotFound
    path = rec.files.get(role)
    if path is None or path.resolve().parent != rec.dir.resolve() or not path.is_file():
        raise NotFound
    media = "application/pdf" if path.suffix == ".pdf" else "application/octet-stream"
    return FileResponse(path, media_type=media, filename=path.name,
                        content_disposition_type="attachment")


@page(roles=("archivist",))
async def record_withdraw(ctx: Ctx, request):
    arc = ctx.archive()
    rec = _record(ctx, arc, request.path_params["number"])
    reason = str((await request.form()).get("reason", ""))
    await run_in_threadpool(lambda: arc.withdraw(rec.filing_number, reason=reason,
                                                 by=ctx.account.name))
    return RedirectResponse(f"/records/{rec.filing_number}", 303)


@page(roles=("archivist",))
async def record_supersede(ctx: Ctx, request):
    """更正: a form-made 件 opens its form, filled; an imported one the import page."""
    from urllib.parse import quote

    arc = ctx.archive()
    rec = _record(ctx, arc, request.path_params["number"])
    if rec.type in FORM_TYPES and "form" in rec.files:
        return RedirectResponse(f"/forms/{rec.type}?supersedes={quote(rec.filing_number)}", 303)
    return RedirectResponse(f"/import?supersedes={quote(rec.filing_number)}&unit="
                            f"{rec.unit_code}&kind={quote(rec.kind)}", 303)


def _record(ctx, arc, number: str):
    """The record, or NotFound: no such 档号, a malformed one, or out of the account's sight."""
    try:
        rec = arc.record(number)
    except DocgenError:
        raise NotFound from None
    if not ctx.account.may_see(rec):
        raise NotFound
    return rec


# --- 四性检测 and 打包 ------------------------------------------------------------------------
@page(roles=("archivist", "inspector"))
async def verify_page(ctx: Ctx, request):
    report = None
    if request.method == "POST":
        arc = ctx.archive()
        report = await run_in_threadpool(arc.verify)
    return render(ctx, "verify.html", report=report)


@page(roles=("archivist", "inspector"))
async def bundle_page(ctx: Ctx, request):
    import secrets

    from docgen.bundle import BundleOptions, make_bundle

    arc = ctx.archive()
    if request.method == "GET":
        return render(ctx, "bundle.html", units=arc.settings.units, report=None)
    posted = await request.form()
    classified = bool(posted.get("include_classified")) and ctx.account.sees_classified
    options = BundleOptions(year=_int(posted.get("year")), unit=str(posted.get("unit") or "") or None,
                            include_classified=classified)
    folder = request.app.state.workdir / "bundles" / ctx.account.name
    folder.mkdir(parents=True, exist_ok=True)
    bundle_id = secrets.token_urlsafe(12)
    out = folder / f"{bundle_id}.zip"
    report = await run_in_threadpool(make_bundle, arc, out, options)
    return render(ctx, "bundle.html", units=arc.settings.units, report=report,
                  bundle_id=bundle_id)


@page(roles=("archivist", "inspector"))
async def bundle_file(ctx: Ctx, request):
    bundle_id = request.path_params["bundle"]
    if not bundle_id.replace("-", "").replace("_", "").isalnum():
        raise NotFound
    path = request.app.state.workdir / "bundles" / ctx.account.name / f"{bundle_id}.zip"
    if not path.is_file():
        raise NotFound
    name = f"bundle-{dt.date.today().isoformat()}.zip"
    return FileResponse(path, media_type="application/zip", filename=name)


# --- helpers ------------------------------------------------------------------------------
def _form_type(request) -> str:
    form_type = request.path_params["type"]
    if form_type not in FORM_TYPES:
        raise NotFound
    return form_type


def _int(value) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


async def health(request):
    return Response("ok", media_type="text/plain")


ROUTES = [
    Route("/", home),
    Route("/health", health),
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/desk", desk),
    Route("/forms", forms_index),
    Route("/forms/upload", form_upload, methods=["POST"]),
    Route("/forms/{type}", form_page),
    Route("/forms/{type}/check", form_check, methods=["POST"]),
    Route("/forms/{type}/row", form_row),
    Route("/forms/{type}/preview", form_preview, methods=["POST"]),
    Route("/forms/{type}/file", form_file, methods=["POST"]),
    Route("/jobs/{job}", job_status),
    Route("/jobs/{job}/{name}", job_file),
    Route("/import", import_page, methods=["GET", "POST"]),
    Route("/search", search_page),
    Route("/records/{number}", record_page),
    Route("/records/{number}/withdraw", record_withdraw, methods=["POST"]),
    Route("/records/{number}/supersede", record_supersede, methods=["POST"]),
    Route("/records/{number}/{role}", record_file),
    Route("/verify", verify_page, methods=["GET", "POST"]),
    Route("/bundle", bundle_page, methods=["GET", "POST"]),
    Route("/bundles/{bundle}", bundle_file),
]

__all__ = ["ROUTES", "UploadRefused"]
