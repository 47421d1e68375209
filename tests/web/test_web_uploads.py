"""Uploads: 导入 takes what `docgen import` takes (scans too), refused in its words; 填写表单
takes YAML, JSON, TOML and .xlsx form files, their problems located as `docgen form check`
locates them."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import zipfile
from pathlib import Path

import pytest
from conftest import example_form

from docgen.vocab import FORM_SUFFIXES, IMPORT_SUFFIXES, REFUSED_SUFFIXES

YEAR = dt.date.today().year
META = {"unit": "GHC", "kind": "测评结果", "title": "规划处民主评议测评表", "date": f"{YEAR}-11-20"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}


def _post(c, path, data=None, files=None, **kw):
    return c.post(path, data={"csrf": c.csrf, **(data or {})}, files=files, **kw)


def _png(size=(40, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", size, 255).save(out, format="PNG", dpi=(300, 300))
    return out.getvalue()


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _jobs_left(site) -> list[Path]:
    folder = site.app.state.workdir / "jobs"
    return [p for p in folder.iterdir()] if folder.is_dir() else []


# --- 导入 -----------------------------------------------------------------------------------
def test_import_page_offers_every_format_the_command_takes(site):
    page = site.client("zhang").get("/import").text
    accept = re.search(r'type="file" name="file" accept="([^"]+)" multiple', page).group(1)
    assert accept.split(",") == list(IMPORT_SUFFIXES)
    assert ".png" in accept and ".tiff" in accept and "OCR" in page


def test_a_scan_is_accepted_and_handed_to_the_import_job(site):
    c = site.client("zhang")
    r = _post(c, "/import", META, files={"file": ("测评表.png", _png(), "image/png")})
    assert r.status_code == 200, _text(r.text)[:400]
    [job] = site.started
    assert job.kind == "import" and job.owner == "zhang"
    assert [p.name for p in job.folder.iterdir()] == ["测评表.png"]


def test_several_scans_are_the_pages_of_one_item(site):
    c = site.client("zhang")
    files = [("file", ("第1页.png", _png(), "image/png")),
             ("file", ("第2页.png", _png(), "image/png")),
             ("file", ("第1页.png", _png((50, 30)), "image/png"))]  # same name, another page
    r = _post(c, "/import", META, files=files)
    assert r.status_code == 200, _text(r.text)[:400]
    [job] = site.started
    assert sorted(p.name for p in job.folder.iterdir()) == ["第1页-2.png", "第1页.png",
                                                           "第2页.png"]


def test_a_zip_labelled_png_is_refused_in_the_words_of_docgen_import(site, docgen, tmp_path):
    c = site.client("zhang")
    r = _post(c, "/import", META, files={"file": ("测评表.png", _zip(), "image/png")})
    assert r.status_code == 415
    assert not site.started and not _jobs_left(site)  # nothing saved, no job
    fake = tmp_path / "测评表.png"
    fake.write_bytes(_zip())
    for lang, headers, words in (("zh", {}, "扩展名为 .png，内容却是zip"),
                                 ("en", EN, "the name says .png but the content is a zip")):
        code, _out, err = docgen("--lang", lang, "import", fake, "--archive", site.arc.root,
                                 "--title", "测评表", "--date", f"{YEAR}-11-20",
                                 "--unit", "区建设局规划处")
        assert code == 10
        said = err.strip().splitlines()[-1].split(f"{fake}: ", 1)[1]
        assert said.startswith(words)
        r = _post(c, "/import", META, files={"file": ("测评表.png", _zip(), "image/png")},
                  headers=headers)
        assert r.status_code == 415 and f"测评表.png: {said}" in _text(r.text)


@pytest.mark.parametrize("name, content, said", [
    ("扫描.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "图片无法打开"),  # a JPEG header, no image
    ("扫描.tif", b"%PDF-1.7\n%%EOF\n", "扩展名为 .tif，内容却是PDF 文件"),
    ("扫描.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "图片无法打开"),
    ("纪要.pdf", b"%PDF-1.7\n1 0 obj\n", "PDF 不完整"),
])
def test_damaged_or_mislabelled_scans_are_refused_before_any_work(site, name, content, said):
    c = site.client("zhang")
    r = _post(c, "/import", META, files={"file": (name, content, "application/octet-stream")})
    assert r.status_code == 415 and said in _text(r.text), _text(r.text)[:400]
    assert name in _text(r.text) and str(site.app.state.workdir) not in r.text  # no server path
    assert not site.started and not _jobs_left(site)


def test_one_bad_page_refuses_them_all_each_named(site):
    c = site.client("zhang")
    files = [("file", ("第1页.png", _png(), "image/png")),
             ("file", ("第2页.png", _zip(), "image/png")),
             ("file", ("第3页.jpg", b"not a jpeg", "image/jpeg"))]
    r = _post(c, "/import", META, files=files)
    text = _text(r.text)
    assert r.status_code == 415 and "2 个文件未通过检查" in text
    assert "第2页.png: 扩展名为 .png" in text and "第3页.jpg: 扩展名为 .jpg" in text
    assert not site.started and not _jobs_left(site)


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims width×height pixels, with almost no data: a bomb's shape."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def test_a_decompression_bomb_is_refused_undecoded(site):
    c = site.client("zhang")
    r = _post(c, "/import", META,
              files={"file": ("扫描.png", _png_claiming(60_000, 60_000), "image/png")})
    assert r.status_code == 415 and "图片过大，无法安全解码" in _text(r.text)
    assert not site.started and not _jobs_left(site)


def test_a_hostile_file_name_stays_inside_the_jobs_folder(site):
    c = site.client("zhang")
    r = _post(c, "/import", META,
              files={"file": ("../../accounts.sqlite3\\..\\x<script>.png", _png(), "image/png")})
    assert r.status_code == 200, _text(r.text)[:300]
    [job] = site.started
    [saved] = job.folder.iterdir()
    assert saved.parent == job.folder and saved.name == "xscript.png"


def test_word_files_are_not_pages_of_one_item(site):
    c = site.client("zhang")
    files = [("file", ("第1页.png", _png(), "image/png")),
             ("file", ("通知.docx", _zip(), "application/octet-stream"))]
    r = _post(c, "/import", META, files=files)
    assert r.status_code == 400 and "通知.docx" in _text(r.text) and "单独导入" in _text(r.text)
    assert not site.started and not _jobs_left(site)


@pytest.mark.parametrize("suffix", list(REFUSED_SUFFIXES))
def test_refused_formats_say_what_to_do_in_the_pages_language(site, suffix):
    c = site.client("zhang")
    r = _post(c, "/import", META, files={"file": (f"纪要{suffix}", b"x" * 10, "text/plain")})
    assert r.status_code == 415
    assert f"纪要{suffix}: {REFUSED_SUFFIXES[suffix]}" not in _text(r.text)  # Chinese here
    assert "另存为" in _text(r.text)
    r = _post(c, "/import", META, files={"file": (f"纪要{suffix}", b"x" * 10, "text/plain")},
              headers=EN)
    assert f"纪要{suffix}: {REFUSED_SUFFIXES[suffix]}" in _text(r.text)


def test_ocr_progress_is_shown_while_the_job_reads_pages(site):
    c = site.client("zhang")
    job = site.app.state.jobs.new("zhang", "import")
    job.stage, job.ocr = "converting", (2, 5)
    r = c.get(f"/jobs/{job.id}", headers={"HX-Request": "true"})
    assert '<progress max="5" value="2">' in r.text and "已读 2 / 5 页" in r.text
    assert 'hx-trigger="load delay:1s"' in r.text  # the page keeps polling
    r = c.get(f"/jobs/{job.id}", headers={"HX-Request": "true", **EN})
    assert "2 of 5 pages" in r.text
    assert site.client("wang").get(f"/jobs/{job.id}").status_code == 404  # not its job


def test_job_errors_come_in_the_language_of_the_page_that_started_it(site):
    """A job runs in another thread: the library's words still follow the request."""
    from docgen.errors import FormError, Problem

    jobs = site.app.state.jobs
    problem = Problem("表单", None, "items", "is required but missing")

    def fail(job):
        raise FormError("x", [problem])

    from docgen import i18n

    for lang, words in (("zh", "必填但缺失"), ("en", "is required but missing")):
        job = jobs.new("zhang", "file")
        with i18n.language(lang):
            jobs.__class__.start(jobs, job, fail)  # the real start, not the fixture's stub
        deadline_loops = 0
        while not job.done:  # bounded by loops, not by the machine's speed
            deadline_loops += 1
            assert deadline_loops < 10_000
            import time

            time.sleep(0.01)
        assert job.error == [f"表单: items: {words}"]


# --- 填写表单: upload a form file ------------------------------------------------------------
def _workbook(tmp_path, changes: dict) -> bytes:
    from openpyxl import load_workbook

    from docgen import resources, xlsx_forms
    from docgen.forms import parse

    example = resources.example("commitment")
    data, _positions = parse(example.read_text(encoding="utf-8"), Path(example.name))
    out = xlsx_forms.write("commitment", data, tmp_path / "承诺书.xlsx")
    wb = load_workbook(out)
    for ref, value in changes.items():
        sheet, cell = ref.split("!")
        wb[sheet][cell] = value
    wb.save(out)
    return out.read_bytes()


def test_forms_page_takes_every_form_format(site):
    page = site.client("zhang").get("/forms").text
    assert f'accept="{",".join(FORM_SUFFIXES)}"' in page and ".xlsx" in page


def test_xlsx_form_fills_the_fields_its_problems_located_by_cell(site, docgen, tmp_path):
    raw = _workbook(tmp_path, {"承诺事项!A2": None, "承诺事项!B3": "努力提高服务质量"})
    c = site.client("zhang")
    r = _post(c, "/forms/upload", files={"file": ("承诺书.xlsx", raw, "application/vnd.ms-excel")})
    assert r.status_code == 200, _text(r.text)[:500]
    text = _text(r.text)
    assert "已载入 承诺书.xlsx" in text
    assert "承诺书.xlsx:承诺事项!A2" in text and "承诺书.xlsx:承诺事项!B3" in text
    slot = re.search(r'id="err-items-0-content"[^>]*>(.*?)</div>', r.text, re.S).group(1)
    assert "必填但缺失" in slot  # the catalog's Chinese, at the field
    # the same problems as `docgen form check` on the same workbook, in Chinese
    path = tmp_path / "承诺书.xlsx"
    code, _out, err = docgen("--lang", "zh", "form", "check", path)
    assert code == 3
    lines = [line.strip() for line in err.strip().splitlines()[1:]]
    assert len(lines) == 2
    for line in lines:
        where, words = line.split(": ", 1)[0], line.split(": ", 2)[2]
        cell = where.rsplit(":", 1)[1]
        assert f"承诺书.xlsx:{cell}" in text and words in text, line
    r = _post(c, "/forms/upload", files={"file": ("承诺书.xlsx", raw, "application/vnd.ms-excel")},
              headers=EN)
    slot = re.search(r'id="err-items-0-content"[^>]*>(.*?)</div>', r.text, re.S).group(1)
    assert "is required but missing" in slot


def test_a_valid_workbook_loads_clean_and_passes_the_live_check(site, tmp_path):
    c = site.client("zhang")
    r = _post(c, "/forms/upload", files={"file": ("承诺书.xlsx", _workbook(tmp_path, {}), "x")})
    assert r.status_code == 200 and "表单检查通过" not in r.text
    assert 'class="problem-list"' not in r.text


@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_json_and_toml_forms_are_located_by_line(site, fmt):
    data = {"type": "commitment", "unit": "区建设局规划处", "unit_code": "GHC",
            "doc_number": "建规2011-5"}
    if fmt == "json":
        import json

        text = json.dumps(data, ensure_ascii=False, indent=2)
        line = 5
    else:
        text = "\n".join(f'{k} = "{v}"' for k, v in data.items())
        line = 4
    c = site.client("zhang")
    r = _post(c, "/forms/upload", files={"file": (f"承诺书.{fmt}", text.encode(), "text/plain")})
    assert r.status_code == 200
    assert f"承诺书.{fmt}:{line}" in _text(r.text)
    assert re.search(r'id="err-doc_number"[^>]*><span>', r.text)


@pytest.mark.parametrize("name, content, status, said", [
    ("承诺书.xlsx", b"PK\x03\x04 not really a zip", 415, "不是 .xlsx 工作簿"),
    ("承诺书.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, 400, "设有密码"),
    ("承诺书.xls", b"\xd0\xcf\x11\xe0", 415, "旧版 Excel 工作簿"),
    ("承诺书.csv", b"a,b\n", 415, "CSV"),
    ("承诺书.yaml", "type: commitment\nunit: [\n".encode(), 400, "承诺书.yaml:"),
])
def test_bad_form_files_are_refused_located(site, name, content, status, said):
    c = site.client("zhang")
    r = _post(c, "/forms/upload", files={"file": (name, content, "application/octet-stream")})
    assert r.status_code == status, _text(r.text)[:400]
    assert said in _text(r.text) and str(site.app.state.workdir) not in r.text
    assert not list((site.app.state.workdir / "uploads").rglob("*.*"))  # nothing kept


def test_the_excel_form_downloads_with_the_clerks_unit(site):
    from openpyxl import load_workbook

    c = site.client("zhang")
    r = c.get("/forms/commitment/workbook")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    assert "基本信息" in wb.sheetnames and "承诺事项" in wb.sheetnames
    values = [c.value for row in wb["基本信息"].iter_rows() for c in row]
    assert "区建设局规划处" in values and "GHC" in values
    assert site.client("li").get("/forms/commitment/workbook").status_code == 403
    assert c.get("/forms/nonsense/workbook").status_code == 404


def test_uploaded_commitment_form_keeps_a_problem_at_its_field(site):
    """The YAML upload the page had before, still located by line."""
    c = site.client("zhang")
    text = "type: commitment\n" + "\n".join(
        f"{k}: {v}" for k, v in example_form(YEAR, doc_number="建规2011-5").items()
        if not k.startswith("items."))
    r = _post(c, "/forms/upload", files={"file": ("承诺书.yaml", text.encode(), "text/yaml")})
    assert r.status_code == 200
    assert re.search(r"承诺书\.yaml:\d+", _text(r.text))


@pytest.mark.slow
def test_a_scanned_page_is_read_by_ocr_and_filed_through_the_page(live_site, pdfa_source,
                                                                  tmp_path):
    """The real thing: a 300 dpi scan of a Chinese page, OCR'd by Tesseract, filed."""
    import subprocess
    import time

    subprocess.run(["pdftoppm", "-png", "-r", "300", "-f", "1", "-l", "1", "-gray",
                    str(Path(pdfa_source) / "plan.pdf"), str(tmp_path / "scan")], check=True)
    [png] = tmp_path.glob("scan*.png")
    c = live_site.client("zhang")
    hx = {"HX-Request": "true"}
    r = _post(c, "/import", META, files={"file": ("测评表.png", png.read_bytes(), "image/png")},
              headers=hx)
    assert r.status_code == 200, _text(r.text)[:400]
    job = re.search(r'hx-get="(/jobs/[^"]+)"', r.text).group(1)
    html_, deadline = r.text, time.monotonic() + 600
    while 'data-stage="done"' not in html_:
        assert 'data-stage="failed"' not in html_, _text(html_)
        assert time.monotonic() < deadline, "the import did not finish"
        time.sleep(0.3)
        html_ = c.get(job, headers=hx).text
    number = re.search(r'/records/([^"]+)"', html_).group(1)
    rec = live_site.arc.record(number)
    assert (rec.title, rec.unit_code, rec.kind) == (META["title"], "GHC", "测评结果")
    digitisation = rec.metadata["数字化信息"]
    assert digitisation["数字化方式"] == "扫描图像文字识别"
    assert digitisation["文字识别"]["识别页"] == [1]
    text = rec.files["text"].read_text(encoding="utf-8")
    assert "民主评议" in text or "工作方案" in text, text[:200]
    assert "original" in rec.files and rec.files["original"].suffix == ".png"
    last = list(live_site.arc.audit_entries())[-1]
    assert (last["action"], last["by"]) == ("file", "zhang")
