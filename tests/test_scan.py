"""docgen.scan: inputs sniffed, images joined in order, PDF/A kept, OCR driven through the
OCRmyPDF façade (progress, sidecar, digitisation facts); scans filed and found by search."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import tree

FONT = "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"
IMPORT = ("--type", "other", "--kind", "测评结果", "--title", "规划处民主评议测评表",
          "--date", "2011-11-20", "--unit", "区建设局规划处")
LINES = ["民主评议测评表", "行政审批限时办结", "群众满意度统计"]


def page_image(path: Path, lines=LINES, *, size=(1240, 900), dpi=150, mode="L") -> Path:
    """A page of large, clean Chinese text (quick to OCR), saved with its resolution."""
    from PIL import Image, ImageDraw, ImageFont

    im = Image.new(mode, size, 255 if mode == "L" else "white")
    draw = ImageDraw.Draw(im)
    font = ImageFont.truetype(FONT, 64)
    for i, line in enumerate(lines):
        draw.text((100, 100 + i * 140), line, font=font, fill=0 if mode == "L" else "black")
    im.save(path, dpi=(dpi, dpi))
    return path


@pytest.fixture
def fake_ocr(monkeypatch):
    """OCRmyPDF replaced: records its input, writes a PDF/A copy and a sidecar per page."""
    import pikepdf

    import docgen.scan._ocrmypdf as engine

    calls = []

    def ocr(src, dst, *, sidecar, title, author, **kw):
        calls.append({"src": Path(src), "title": title, "author": author, **kw})
        with pikepdf.open(src) as pdf:
            n = len(pdf.pages)
            with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
                meta["pdfaid:part"] = "2"
                meta["pdfaid:conformance"] = "B"
            pdf.save(dst)
        Path(sidecar).write_text("\f".join(f"第{i + 1}页" for i in range(n)), encoding="utf-8")
        return 0

    monkeypatch.setattr(engine.ocrmypdf, "ocr", ocr)
    monkeypatch.setattr(engine, "languages_installed", lambda: frozenset({"chi_sim", "eng"}))
    return calls


def test_sniff_knows_formats_by_their_first_bytes():
    from docgen.scan.inputs import sniff

    assert sniff(b"%PDF-1.7\n") == "pdf"
    assert sniff(b"\xef\xbb\xbf junk %PDF-1.4") == "pdf"  # a PDF may start with junk
    assert sniff(b"\xff\xd8\xff\xe0") == "jpeg"
    assert sniff(b"\x89PNG\r\n\x1a\n") == "png"
    assert sniff(b"II*\x00") == sniff(b"MM\x00*") == "tiff"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") == "ole"
    assert sniff(b"PK\x03\x04") == "zip"
    assert sniff(b"{\\rtf1") == "rtf"
    assert sniff(b"hello") == "unknown"


def test_image_facts_are_read_from_the_file(tmp_path):
    from docgen.scan.inputs import check

    got = check(page_image(tmp_path / "p.png", dpi=200))
    assert (got.kind, got.format, got.pages, got.dpi, got.mode) == ("image", "png", 1,
                                                                      (200.0, 200.0), "L")


def test_a_pdfa_with_text_is_kept_as_it_is(sources, tmp_path, fake_ocr):
    from docgen.scan import normalize

    (done,) = normalize([sources / "plan.pdf"], one_item=False, workdir=tmp_path / "w")
    assert done.pdf == sources / "plan.pdf" and done.digitisation is None
    assert "民主评议" in done.text and done.pages >= 1
    assert fake_ocr == []  # no OCR over real text


def test_images_one_item_become_one_pdf_in_the_order_given(tmp_path, fake_ocr):
    import pikepdf

    from docgen.scan import normalize

    a = page_image(tmp_path / "a.png", size=(1000, 700))
    b = page_image(tmp_path / "b.jpg", size=(800, 600), mode="RGB")
    seen = []
    done = normalize([b, a], one_item=True, workdir=tmp_path / "w", title="测评表",
                     author="规划处", progress=lambda d, t: seen.append((d, t)))
    (item,) = done
    assert item.originals == (b, a) and item.pages == 2
    call = fake_ocr[0]
    with pikepdf.open(call["src"]) as pdf:  # the page order given, each at its own size
        widths = [round(float(p.mediabox[2])) for p in pdf.pages]
    assert widths == [round(800 / 150 * 72), round(1000 / 150 * 72)]
    assert (call["title"], call["author"], call["jobs"], call["mode"], call["output_type"],
            call["rotate_pages"], call["deskew"], call["language"]) == (
        "测评表", "规划处", 2, "skip", "pdfa-2", True, True, ["chi_sim", "eng"])
    assert item.text == "第1页\f第2页" and item.text_file.read_text("utf-8") == item.text
    d = item.digitisation
    assert d["数字化方式"] == "扫描图像文字识别" and d["来源文件"] == ["b.jpg", "a.png"]
    assert d["扫描分辨率"] == "150 dpi" and d["色彩模式"] == ["彩色", "灰度"]
    assert d["文字识别"]["识别页"] == [1, 2] and d["文字识别"]["识别语种"] == "chi_sim+eng"
    assert set(d["处理软件"]) >= {"OCRmyPDF", "Tesseract", "Ghostscript", "docgen"}
    assert seen[-1] == (2, 2)


def test_each_image_is_its_own_item_without_one_item(tmp_path, fake_ocr):
    from docgen.scan import normalize

    a, b = page_image(tmp_path / "a.png"), page_image(tmp_path / "b.png")
    done = normalize([a, b], one_item=False, workdir=tmp_path / "w")
    assert [d.originals for d in done] == [(a,), (b,)] and len(fake_ocr) == 2


def test_one_item_joins_images_and_pdf_pages_in_order(tmp_path, fake_ocr):
    import img2pdf
    import pikepdf

    from docgen.scan import normalize

    pdf = tmp_path / "two.pdf"
    pdf.write_bytes(img2pdf.convert([str(page_image(tmp_path / f"{i}.png", size=(600, 400)))
                                     for i in range(2)]))
    img = page_image(tmp_path / "cover.png", size=(1000, 700))
    (item,) = normalize([img, pdf], one_item=True, workdir=tmp_path / "w")
    with pikepdf.open(fake_ocr[0]["src"]) as joined:
        widths = [round(float(p.mediabox[2])) for p in joined.pages]
    assert item.pages == 3 and widths == [480, 288, 288]
    assert item.digitisation["数字化方式"] == "版式文件文字识别"


def test_multi_page_tiff_keeps_every_page(tmp_path, fake_ocr):
    from PIL import Image

    from docgen.scan import normalize

    frames = [Image.open(page_image(tmp_path / f"{i}.png")).copy() for i in range(3)]
    tif = tmp_path / "scan.tif"
    frames[0].save(tif, save_all=True, append_images=frames[1:], compression="tiff_lzw",
                   dpi=(150, 150))
    (item,) = normalize([tif], one_item=False, workdir=tmp_path / "w")
    assert item.pages == 3 and item.digitisation["来源格式"] == ["TIFF"]


def test_sidecar_pages_and_skipped_runs():
    from docgen.scan._ocrmypdf import _pages

    assert _pages("一\f[OCR skipped on page(s) 2-3]\f四") == ["一", None, None, "四"]
    assert _pages("[OCR skipped on page(s) 1]") == [None]


def test_progress_counts_pages_of_the_ocr_step_only():
    from docgen.scan import _ocrmypdf

    got = []
    _ocrmypdf._listener = got.append
    try:
        with _ocrmypdf._Progress(total=10, desc="Scanning contents", unit="page") as bar:
            bar.update(1)
        with _ocrmypdf._Progress(total=2, desc="OCR", unit="page") as bar:
            for _ in range(4):
                bar.update(0.5)
    finally:
        _ocrmypdf._listener = None
    assert got == [0.5, 1.0, 1.5, 2.0]


def test_whitening_flattens_paper_grain_and_keeps_ink():
    import random

    from PIL import Image

    from docgen.scan._ocrmypdf import whiten_paper

    rng = random.Random(1)
    im = Image.frombytes("L", (100, 100), bytes(rng.randrange(235, 256) for _ in range(10000)))
    for x in range(40, 60):
        for y in range(10, 90):
            im.putpixel((x, y), 20)
    im.info["dpi"] = (300, 300)
    out = whiten_paper(im)
    assert out.getpixel((5, 5)) == 255 and out.getpixel((50, 50)) == 20
    assert out.info["dpi"] == (300, 300)


def test_import_files_a_scan_with_its_digitisation_and_text(arc, tmp_path, docgen, fake_ocr):
    a, b = page_image(tmp_path / "p1.png"), page_image(tmp_path / "p2.png")
    code, out, err = docgen("import", "--archive", arc.root, "--one-item", a, b,
                            *IMPORT)
    assert code == 0, err
    (rec,) = list(arc.records())
    assert set(rec.files) == {"original", "original-2", "pdf", "text", "metadata"}
    assert rec.files["original"].read_bytes() == a.read_bytes()
    assert rec.files["original-2"].read_bytes() == b.read_bytes()
    meta = json.loads(rec.files["metadata"].read_text("utf-8"))
    assert meta["数字化信息"]["来源文件"] == ["p1.png", "p2.png"] and meta["页数"] == 2
    assert meta["files"]["text"]["格式信息"] == "TXT"
    report = arc.verify()
    assert report.ok, report.to_json()


def test_a_long_import_shows_pages_read(arc, tmp_path, docgen, fake_ocr):
    pages = [page_image(tmp_path / f"p{i}.png") for i in range(4)]
    code, _, err = docgen("import", "--archive", arc.root, "--one-item", *pages,
                          *IMPORT)
    assert code == 0 and "Reading scans" in err
    code, _, err = docgen("--quiet", "import", "--archive", arc.root, "--one-item",
                          *pages, *IMPORT)
    assert code == 0 and "Reading scans" not in err


def test_one_item_refuses_word_files(arc, sources, tmp_path, docgen):
    before = tree(arc.root)
    code, _, err = docgen("import", "--archive", arc.root, "--one-item",
                          page_image(tmp_path / "p.png"), sources / "plan.docx", *IMPORT)
    assert code == 10 and "--one-item" in err
    assert tree(arc.root) == before


def test_bad_fields_are_refused_before_any_ocr(arc, tmp_path, docgen, fake_ocr):
    code, _, err = docgen("import", "--archive", arc.root,
                          page_image(tmp_path / "p.png"), *IMPORT[:-1], "区建设局财务科")
    assert code == 7 and "not in the archive's settings" in err and fake_ocr == []


# --- real OCR --------------------------------------------------------------------------------
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None,
                                     reason="Tesseract is not installed")


@pytest.mark.slow
@needs_tesseract
def test_real_ocr_files_a_searchable_pdfa(arc, tmp_path, docgen):
    from docgen.convert import pdfa

    img = page_image(tmp_path / "测评表.png")
    blank = tmp_path / "blank.png"
    from PIL import Image

    Image.new("L", (1240, 900), 255).save(blank, dpi=(150, 150))
    code, out, err = docgen("import", "--archive", arc.root, "--one-item", img, blank,
                            *IMPORT)
    assert code == 0, err
    assert "page 2: no text could be recognised" in err  # kept, with a notice
    (rec,) = list(arc.records())
    assert pdfa.check(rec.files["pdf"]) == []
    text = rec.files["text"].read_text("utf-8")
    assert "行政审批" in text and "满意度" in text
    d = rec.metadata["数字化信息"]
    assert d["文字识别"]["未识别出文字页"] == [2] and d["处理软件"]["Tesseract"]
    code, out, err = docgen("search", "--archive", arc.root, "限时办结", "--json")
    (hit,) = json.loads(out)
    assert code == 0 and hit["filing_number"] == rec.filing_number
    assert "限时" in hit["snippet"]  # the snippet shows the words read off the page
    # a scanner's PDF (not PDF/A, no text): made PDF/A, the scanner's PDF kept as the original
    import img2pdf

    scanned = tmp_path / "scanner.pdf"
    scanned.write_bytes(img2pdf.convert(str(page_image(tmp_path / "p.png", ["群众满意度统计"]))))
    code, out, err = docgen("import", "--archive", arc.root, scanned, *IMPORT)
    assert code == 0, err
    rec2 = list(arc.records())[-1]
    assert rec2.files["original"].read_bytes() == scanned.read_bytes()
    assert rec2.metadata["数字化信息"]["数字化方式"] == "版式文件文字识别"
    assert rec2.metadata["files"]["original"]["格式信息"] == "PDF"
    report = arc.verify(deep=True)
    assert report.ok, report.to_json()


@pytest.mark.slow
def test_an_office_file_goes_through_libreoffice_and_keeps_its_text(sources, tmp_path,
                                                                    fake_ocr):
    from docgen.convert import pdfa
    from docgen.scan import normalize

    (item,) = normalize([sources / "plan.docx"], one_item=False, workdir=tmp_path / "w")
    assert pdfa.check(item.pdf) == [] and "民主评议" in item.text
    assert item.digitisation is None and fake_ocr == []  # born-digital: no OCR
