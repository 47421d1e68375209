"""Command `serve`: the bureau's web pages on an archive (uvicorn, 127.0.0.1 by default)."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.cli._common import _, notice
from docgen.cli.archive import archive_option

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.command()
@archive_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback reaches the network.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--behind-https", is_flag=True,
              help="An HTTPS reverse proxy on this machine forwards to docgen: cookies are "
                   "marked Secure and its X-Forwarded-Proto is trusted.")
@click.option("--workdir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for previews, uploads and bundles (default: a new temporary one).")
@click.option("--workers", type=click.IntRange(1, 8), default=2, show_default=True,
              help="Documents converted by LibreOffice at once.")
@click.pass_context
def serve(ctx, archive_root, host, port, behind_https, workdir, workers):
    """Serve the web pages (登录, 工作台, 填写表单, 导入, 检索, 档案详情, 四性检测, 打包).

    Pages are in Chinese, in English for browsers that prefer it. Accounts come from
    `docgen user add`. Listens on 127.0.0.1 unless told otherwise; for other machines put an
    HTTPS reverse proxy in front and pass --behind-https.

    \b
    Example:
        docgen user add zhang --role clerk --unit GHC
        docgen serve --archive archive --port 8000
    """
    import uvicorn

    from docgen.web import WebOptions, create_app

    app = create_app(WebOptions(archive_root=archive_root, workdir=workdir,
                                secure_cookies=behind_https, workers=workers))
    if not app.state.accounts.list():
        notice(ctx, _("docgen: no accounts yet — add one: docgen user add NAME --role "
                      "archivist --archive %(archive)s") % {"archive": archive_root})
    if not behind_https:
        where = _("on this machine only") if host in LOOPBACK else _("to the network")
        notice(ctx, _("docgen: serving plain HTTP %(where)s at %(url)s — put an HTTPS reverse "
                      "proxy (nginx, Caddy) in front for other machines and pass "
                      "--behind-https") % {"where": where, "url": f"http://{host}:{port}/"})
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False,
                proxy_headers=behind_https, forwarded_allow_ips="127.0.0.1")
