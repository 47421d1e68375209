"""`docgen serve`: the bureau's web pages on an archive, with accounts and roles.

    app = create_app(WebOptions(archive_root=Path("archive")))   # a Starlette ASGI app

Modules: app (options, security headers, sessions, CSRF, the page wrapper), routes (URLs to
pages), pages/ (login, forms: 填写表单/导入 and their jobs, records: 工作台/检索/档案详情/四性检测/打包;
each calls the library function the CLI calls), access (what an account may see), formfields
(a form type's JSON Schema as HTML fields), uploads (size limits, then the checks `docgen
import` and `form check` run on a file), jobs (LibreOffice and OCR work beside the pages).
Templates are Jinja2 in templates/; static/ holds htmx (vendored, see static/README.md) and CSS.
"""

from docgen.web.app import WebOptions, create_app

__all__ = ["WebOptions", "create_app"]
