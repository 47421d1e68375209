"""`docgen serve`: the bureau's web pages on an archive, with accounts and roles.

    app = create_app(WebOptions(archive_root=Path("archive")))   # a Starlette ASGI app

Modules: app (options, security headers, sessions, CSRF, the page wrapper), routes (the pages,
each calling the library function the CLI calls), formfields (a form type's JSON Schema as HTML
fields), uploads (size limits, content sniffing), jobs (LibreOffice work beside the pages).
Templates are Jinja2 in templates/; static/ holds htmx (vendored, see static/README.md) and CSS.
"""

from docgen.web.app import WebOptions, create_app

__all__ = ["WebOptions", "create_app"]
