"""工作台 (the calendar), 检索, 档案详情 with downloads, 撤回 and 更正, 四性检测, 打包."""

from __future__ import annotations

import datetime as dt
import math
import time

from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse, RedirectResponse

from docgen.errors import BadInput
from docgen.i18n import N_, _
from docgen.vocab import FORM_TYPES, RECORD_TYPES
from docgen.web.access import int_or_none, record_for, units_for, visible
from docgen.web.app import Ctx, NotFound, page, render

PAGE_SIZE = 10
MAX_HITS = 500
BUNDLE_KEEP_SECONDS = 3600
STATE_NAMES = {"filed on time": N_("按时归档"), "filed late": N_("逾期归档"), "missing": N_("缺失"),
               "due": N_("待办")}


@page()
async def desk(ctx: Ctx, request):
    arc = ctx.archive()
    units = units_for(ctx.account, arc)
    unit = request.query_params.get("unit") or (units[0].code if units else None)
    if unit not in {u.code for u in units}:
        raise NotFound
    year = int_or_none(request.query_params.get("year"))
    year, rows = await run_in_threadpool(arc.status, year, unit=unit)
    steps = []
    for r in rows:
        shown = [n for n in r.filing_numbers if visible(ctx, arc, n)]
        steps.append({"row": r, "state": STATE_NAMES.get(r.state, r.state),
                      "label": _state_label(r), "next": _next_step(r, ctx.account),
                      "numbers": shown, "hidden": len(r.filing_numbers) - len(shown)})
    return render(ctx, "desk.html", year=year, unit=unit, units=units, steps=steps,
                  years=range(year - 3, year + 2))




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



@page()
async def search_page(ctx: Ctx, request):
    from docgen.dates import parse_date
    from docgen.search import search

    q = request.query_params
    arc = ctx.archive()
    units = units_for(ctx.account, arc)
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
                                   year=int_or_none(q.get("year")), unit=unit, date_from=date_from,
                                   date_to=date_to, limit=MAX_HITS)
    readable = [h for h in hits if visible(ctx, arc, h.filing_number)]
    pages = max(1, math.ceil(len(readable) / PAGE_SIZE))
    page_no = min(max(int_or_none(q.get("page")) or 1, 1), pages)
    shown = readable[(page_no - 1) * PAGE_SIZE: page_no * PAGE_SIZE]
    return render(ctx, "search.html", values=values, units=units, types=RECORD_TYPES,
                  hits=shown, total=len(readable), page_no=page_no, pages=pages,
                  query_string=_without_page(request), notice=hits.notice)




def _without_page(request) -> str:
    from urllib.parse import urlencode

    return urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "page"])


# --- 档案详情 -------------------------------------------------------------------------------
@page()
async def record_page(ctx: Ctx, request):
    arc = ctx.archive()
    rec = record_for(ctx, arc, request.path_params["number"])
    number = rec.filing_number
    history = [e for e in await run_in_threadpool(lambda: list(arc.audit_entries()))
               if number in (e.get("filing_number"), e.get("supersedes"))]
    return render(ctx, "record.html", rec=rec, history=history, kinds=RECORD_TYPES)


@page()
async def record_file(ctx: Ctx, request):
    """The PDF/A or the original, by 档号 and role; never by a path from the request."""
    arc = ctx.archive()
    rec = record_for(ctx, arc, request.path_params["number"])
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
    rec = record_for(ctx, arc, request.path_params["number"])
    reason = str((await request.form()).get("reason", ""))
    from docgen.web.pages.forms import _sync

    def withdraw():
        arc.withdraw(rec.filing_number, reason=reason, by=ctx.account.name)
        _sync(arc)

    await run_in_threadpool(withdraw)
    return RedirectResponse(f"/records/{rec.filing_number}", 303)


@page(roles=("archivist",))
async def record_supersede(ctx: Ctx, request):
    """更正: a form-made 件 opens its form, filled; an imported one the import page."""
    from urllib.parse import quote

    arc = ctx.archive()
    rec = record_for(ctx, arc, request.path_params["number"])
    if rec.type in FORM_TYPES and "form" in rec.files:
        return RedirectResponse(f"/forms/{rec.type}?supersedes={quote(rec.filing_number)}", 303)
    return RedirectResponse(f"/import?supersedes={quote(rec.filing_number)}&unit="
                            f"{rec.unit_code}&kind={quote(rec.kind)}", 303)




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
    options = BundleOptions(year=int_or_none(posted.get("year")),
                            unit=str(posted.get("unit") or "") or None,
                            include_classified=classified)
    folder = request.app.state.workdir / "bundles" / ctx.account.name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.zip"):  # a bundle is downloaded right away; keep none for long
        if time.time() - old.stat().st_mtime > BUNDLE_KEEP_SECONDS:
            old.unlink(missing_ok=True)
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

