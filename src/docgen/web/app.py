"""The web application: options, security headers, sessions, CSRF, and how a page is served.

Every page handler is wrapped by `page()`: it finds the session (or sends the browser to 登录),
checks the CSRF token of every state-changing request, sets the language from the browser, and
turns docgen's errors into a page with the message (404 for "not found", never 403, when a
record is out of the account's sight).
"""

from __future__ import annotations

import functools
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from docgen import i18n
from docgen.errors import DocgenError

SESSION_COOKIE = "docgen_session"
LOGIN_COOKIE = "docgen_login"  # the login form's own CSRF token (double submit)
CSRF_HEADER = "x-csrf-token"
MAX_BODY = 60 * 1024 * 1024  # any request body; uploads have their own, smaller limits

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'self'")


@dataclass(frozen=True)
class WebOptions:
    """What `docgen serve` was told; built once at the edge."""

    archive_root: Path
    workdir: Path | None = None  # previews, uploads, bundles (default: a new temporary folder)
    secure_cookies: bool = False  # always mark cookies Secure (also automatic over HTTPS)
    max_import_bytes: int = 50 * 1024 * 1024
    workers: int = 2  # jobs converting with LibreOffice at once
    convert_options: object = None  # docgen.convert.ConvertOptions


class NotFound(Exception):
    """404: no such thing, or not for this account's eyes."""


class Forbidden(Exception):
    """403: the account's role may not do this (never used to hide a record)."""


class LoginNeeded(Exception):
    pass


@dataclass
class Ctx:
    """What a handler gets besides the request: who is logged in, in which language."""

    request: object
    account: object  # docgen.accounts.Account, or None on the login page
    csrf: str
    lang: str
    app: object = field(repr=False, default=None)

    @property
    def state(self):
        return self.request.app.state

    def archive(self):
        from docgen.archive import Archive

        return Archive(self.state.options.archive_root)

    @property
    def htmx(self) -> bool:
        return self.request.headers.get("hx-request") == "true"


def create_app(options: WebOptions, *, accounts=None):
    """The Starlette application serving `options.archive_root`."""
    from jinja2 import Environment, PackageLoader, select_autoescape
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    from docgen.accounts import Accounts
    from docgen.archive import Archive
    from docgen.web import formfields, routes
    from docgen.web.jobs import Jobs

    Archive(options.archive_root)  # fail now, not at the first page, when there is none
    workdir = Path(options.workdir or tempfile.mkdtemp(prefix="docgen-web-"))
    env = Environment(loader=PackageLoader("docgen.web", "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True,
                      lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_callables(i18n._, i18n.ngettext, newstyle=True)
    env.globals["slot_id"] = formfields.slot_id
    env.filters["highlight"] = highlight
    static = StaticFiles(packages=[("docgen.web", "static")])
    app = Starlette(routes=[*routes.ROUTES, Mount("/static", static, name="static")],
                    middleware=[Middleware(SecurityHeaders), Middleware(BodyLimit)])
    app.state.options = options
    app.state.accounts = accounts or Accounts.beside(options.archive_root)
    app.state.jobs = Jobs(workdir / "jobs", options.workers)
    app.state.workdir = workdir
    app.state.env = env
    return app


class SecurityHeaders:
    """CSP without inline scripts, no sniffing, no framing by others, pages never cached, HSTS
    when served over HTTPS."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = [(b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"same-origin"),
                         (b"x-frame-options", b"SAMEORIGIN")]
                if b"content-security-policy" not in names:
                    extra.append((b"content-security-policy", CSP.encode()))
                if b"cache-control" not in names:  # pages hold records: never cached
                    static = scope.get("path", "").startswith("/static/")
                    extra.append((b"cache-control",
                                  b"public, max-age=86400" if static else b"no-store"))
                if scope.get("scheme") == "https":
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """413 for a request body over MAX_BODY, whatever its Content-Length claims."""

    def __init__(self, app, limit: int = MAX_BODY):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared and declared.isdigit() and int(declared) > self.limit:
            return await _too_large(send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _too_large(send)


class _TooLarge(Exception):
    pass


async def _too_large(send):
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
    await send({"type": "http.response.body", "body": "请求过大 (413)".encode()})


def highlight(snippet: str):
    """A search snippet with its 【matched】 words in <mark>, everything else escaped."""
    from markupsafe import Markup, escape

    text = str(escape(snippet or ""))
    return Markup(text.replace("【", "<mark>").replace("】", "</mark>"))


def secure(request) -> bool:
    return request.url.scheme == "https" or request.app.state.options.secure_cookies


def client_key(request) -> str:
    return request.client.host if request.client else "?"


def render(ctx: Ctx, template: str, status: int = 200, headers=None, **values):
    """A page (or, for htmx, the same template without the frame)."""
    from starlette.responses import HTMLResponse

    env = ctx.state.env
    values.setdefault("fragment", ctx.htmx and not values.get("full"))
    html = env.get_template(template).render(
        account=ctx.account, csrf=ctx.csrf, lang=ctx.lang, request=ctx.request, **values)
    return HTMLResponse(html, status_code=status, headers=headers)


def page(*, login: bool = True, roles: tuple[str, ...] | None = None):
    """Wrap an async handler(ctx, request): session, CSRF, language, errors as pages."""

    def wrap(handler):
        @functools.wraps(handler)
        async def endpoint(request):
            from starlette.responses import RedirectResponse, Response

            lang = i18n.negotiate(request.headers.get("accept-language"))
            with i18n.language(lang):
                ctx = Ctx(request, None, "", lang)
                try:
                    if login:
                        found = request.app.state.accounts.session(
                            request.cookies.get(SESSION_COOKIE))
                        if found is None:
                            raise LoginNeeded
                        ctx.account, ctx.csrf = found
                        if request.method not in ("GET", "HEAD"):
                            await _check_csrf(request, ctx.csrf)
                        if roles is not None and ctx.account.role not in roles:
                            raise Forbidden
                    return await handler(ctx, request)
                except LoginNeeded:
                    target = "/login"
                    if request.method == "GET" and not ctx.htmx:
                        return RedirectResponse(f"{target}?next={request.url.path}", 303)
                    return Response(i18n._("登录已过期，请重新登录"), 401,
                                    headers={"HX-Redirect": target})
                except _CsrfFailed:
                    return render(ctx, "error.html", 403, title=i18n._("请求无效"),
                                  lines=[i18n._("表单已过期或来源不明（CSRF 校验失败），"
                                                "请刷新页面后重试")])
                except Forbidden:
                    return render(ctx, "error.html", 403, title=i18n._("无权操作"),
                                  lines=[i18n._("您的角色不能执行此操作")])
                except NotFound:
                    return render(ctx, "error.html", 404, title=i18n._("未找到"),
                                  lines=[i18n._("没有找到这份档案或页面")])
                except DocgenError as e:
                    status = getattr(e, "status", 400)
                    return render(ctx, "error.html", status, title=i18n._("无法完成"),
                                  lines=e.lines())
        return endpoint

    return wrap


class _CsrfFailed(Exception):
    pass


async def _check_csrf(request, expected: str) -> None:
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            given = form.get("csrf")
    if not isinstance(given, str) or not secrets.compare_digest(given, expected):
        raise _CsrfFailed
