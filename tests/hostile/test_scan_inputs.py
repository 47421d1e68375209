"""Hostile files handed to `docgen import`: each refused with one line and its exit
code before anything is filed; a failed OCR leaves nothing behind."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from conftest import tree

IMPORT = ("--type", "other", "--kind", "听证会纪要", "--title", "规划处听证会纪要",
          "--date", "2011-06-10", "--unit", "区建设局规划处")


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims width×height grey pixels (and whose data is one tiny IDAT)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0"))
            + chunk(b"IEND", b""))


def _small_pdf(path: Path, pages: int = 1, **save) -> Path:
    import pikepdf

    with pikepdf.new() as pdf:
        for _ in range(pages):
            pdf.add_blank_page(page_size=(595, 842))
        pdf.save(path, **save)
    return path


def password_pdf(tmp: Path) -> Path:
    import pikepdf

    return _small_pdf(tmp / "locked.pdf",
                      encryption=pikepdf.Encryption(owner="owner", user="secret", R=6))


def no_pages_pdf(tmp: Path) -> Path:
    return _small_pdf(tmp / "empty-doc.pdf", pages=0)


def truncated_pdf(tmp: Path) -> Path:
    whole = _small_pdf(tmp / "whole.pdf", pages=3).read_bytes()
    p = tmp / "cut.pdf"
    p.write_bytes(whole[:len(whole) * 2 // 3])
    return p


def bomb_png(tmp: Path) -> Path:
    p = tmp / "huge.png"
    p.write_bytes(_png_header(30_000, 30_000))
    return p


def over_limit_png(tmp: Path) -> Path:
    p = tmp / "large.png"  # 100 Mpx: over Pillow's 89.5 Mpx limit, under twice it
    p.write_bytes(_png_header(10_000, 10_000))
    return p


def bad_tiff(tmp: Path) -> Path:
    """Two deflate-compressed pages; the second page's data overwritten with junk."""
    from PIL import Image

    p = tmp / "scan.tif"
    pages = [Image.new("L", (200, 100), 255), Image.new("L", (200, 100), 0)]
    pages[0].save(p, save_all=True, append_images=pages[1:], compression="tiff_adobe_deflate")
    with Image.open(p) as im:
        im.seek(1)
        offset, length = im.tag_v2[273][0], im.tag_v2[279][0]
    data = bytearray(p.read_bytes())
    data[offset:offset + length] = b"\xff" * length
    p.write_bytes(bytes(data))
    return p


def png_named_jpg(tmp: Path) -> Path:
    from PIL import Image

    p = tmp / "photo.jpg"
    Image.new("RGB", (50, 50), "white").save(p, "PNG")
    return p


def text_named_pdf(tmp: Path) -> Path:
    p = tmp / "minutes.pdf"
    p.write_text("听证会纪要：这不是PDF", encoding="utf-8")
    return p


def zero_bytes(tmp: Path) -> Path:
    p = tmp / "scan.jpg"
    p.write_bytes(b"")
    return p


CASES = [
    (password_pdf, 10, ["locked.pdf", "remove the password first"]),
    (no_pages_pdf, 10, ["empty-doc.pdf", "no pages"]),
    (truncated_pdf, 10, ["cut.pdf", "truncated"]),
    (bomb_png, 10, ["huge.png", "too large to decode safely"]),
    (over_limit_png, 10, ["large.png", "too large to decode safely", "10000×10000"]),
    (bad_tiff, 10, ["scan.tif", "page 2 of the image does not decode"]),
    (png_named_jpg, 10, ["photo.jpg", "the name says .jpg but the content is a PNG image"]),
    (text_named_pdf, 10, ["minutes.pdf", "the name says .pdf but the content is of no "
                                         "format docgen knows"]),
    (zero_bytes, 10, ["scan.jpg", "empty"]),
]


@pytest.mark.parametrize("make,code,phrases", CASES, ids=[c[0].__name__ for c in CASES])
def test_hostile_input_is_refused_before_anything_is_filed(arc, tmp_path, docgen, make, code,
                                                           phrases):
    bad = make(tmp_path)
    before = tree(arc.root)
    got, out, err = docgen("import", "--archive", arc.root, bad, *IMPORT)
    assert got == code, (got, out, err)
    assert "Traceback" not in err and err.startswith("docgen: ")
    assert len(err.strip().splitlines()) == 1, err
    for phrase in phrases:
        assert phrase in err, (phrase, err)
    assert tree(arc.root) == before


def test_one_bad_file_among_good_ones_files_nothing(arc, tmp_path, docgen):
    from PIL import Image

    good = tmp_path / "page.png"
    Image.new("L", (100, 100), 255).save(good)
    before = tree(arc.root)
    got, _, err = docgen("import", "--archive", arc.root, "--one-item", good,
                         zero_bytes(tmp_path), *IMPORT)
    assert got == 10 and "scan.jpg" in err and "empty" in err
    assert tree(arc.root) == before


def test_a_failed_ocr_leaves_nothing_behind(arc, tmp_path, docgen, monkeypatch):
    """OCRmyPDF dies half-way (after writing part of its output): exit 6, archive unchanged,
    no temporary files left."""
    import tempfile

    from PIL import Image

    import docgen.scan._ocrmypdf as engine

    def dies(src, dst, **kw):
        Path(dst).write_bytes(b"%PDF-1.7 half")
        raise RuntimeError("tesseract was killed")

    monkeypatch.setattr(engine.ocrmypdf, "ocr", dies)
    monkeypatch.setattr(engine, "languages_installed", lambda: frozenset({"chi_sim", "eng"}))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    img = tmp_path / "page.png"
    Image.new("L", (100, 100), 255).save(img, dpi=(300, 300))
    before = tree(arc.root)
    got, _, err = docgen("import", "--archive", arc.root, img, *IMPORT)
    assert got == 6 and "OCR failed" in err and "tesseract was killed" in err
    assert tree(arc.root) == before
    assert list((tmp_path / "tmp").iterdir()) == []
