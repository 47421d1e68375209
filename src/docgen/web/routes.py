"""URLs to pages: 登录, 工作台, 填写表单, 导入, 检索, 档案详情, 四性检测, 打包.

Each page calls the library function the CLI calls (docgen.pipeline, Archive, search, bundle);
the handlers only parse the request, check the account's right, and show the result.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from docgen.web.pages import forms, login, records


async def health(request):
    return Response("ok", media_type="text/plain")


ROUTES = [
    Route("/", login.home),
    Route("/health", health),
    Route("/login", login.login, methods=["GET", "POST"]),
    Route("/logout", login.logout, methods=["POST"]),
    Route("/desk", records.desk),
    Route("/forms", forms.forms_index),
    Route("/forms/upload", forms.form_upload, methods=["POST"]),
    Route("/forms/{type}", forms.form_page),
    Route("/forms/{type}/check", forms.form_check, methods=["POST"]),
    Route("/forms/{type}/row", forms.form_row),
    Route("/forms/{type}/workbook", forms.form_workbook),
    Route("/forms/{type}/preview", forms.form_preview, methods=["POST"]),
    Route("/forms/{type}/file", forms.form_file, methods=["POST"]),
    Route("/jobs/{job}", forms.job_status),
    Route("/jobs/{job}/{name}", forms.job_file),
    Route("/import", forms.import_page, methods=["GET", "POST"]),
    Route("/search", records.search_page),
    Route("/records/{number}", records.record_page),
    Route("/records/{number}/withdraw", records.record_withdraw, methods=["POST"]),
    Route("/records/{number}/supersede", records.record_supersede, methods=["POST"]),
    Route("/records/{number}/{role}", records.record_file),
    Route("/verify", records.verify_page, methods=["GET", "POST"]),
    Route("/bundle", records.bundle_page, methods=["GET", "POST"]),
    Route("/bundles/{bundle}", records.bundle_file),
]
