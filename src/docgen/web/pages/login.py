"""登录 and 退出: a session per login, the login form with its own CSRF token."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse

from docgen.accounts import LoginRefused
from docgen.i18n import N_, _
from docgen.web.app import LOGIN_COOKIE, SESSION_COOKIE, Ctx, client_key, page, render, secure

# the role names the page header shows (docgen.accounts.ROLES), for the catalog
ROLE_NAMES = (N_("经办人"), N_("档案员"), N_("检查人员"))


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
    try:  # failures are counted in the accounts file, per name and per address
        account = await run_in_threadpool(state.accounts.login, str(form.get("name", "")),
                                          str(form.get("password", "")),
                                          address=client_key(request))
    except LoginRefused as e:  # its words come in the page's language (the docgen catalog)
        status = 429 if e.reason == "throttled" else 401
        return _login_again(ctx, request, e.message, status, name=str(form.get("name", "")),
                            nxt=_local(str(form.get("next", "/desk"))))
    session, _csrf = await run_in_threadpool(state.accounts.start_session, account.name)
    resp = RedirectResponse(_local(str(form.get("next", "/desk"))), 303)
    _cookie(resp, request, SESSION_COOKIE, session)
    resp.delete_cookie(LOGIN_COOKIE, path="/")
    return resp


def _login_again(ctx, request, message: str, status: int, name: str = "", nxt: str = "/desk"):
    import secrets

    token = secrets.token_urlsafe(24)
    resp = render(ctx, "login.html", status, login_token=token, error=message, next=nxt,
                  name=name)
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

