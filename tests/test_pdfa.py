"""pdfa.check on PDFs made to be wrong in one way each (no LibreOffice needed)."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from docgen.convert import pdfa

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
TITLE, AUTHOR = "区建设局规划处民主评议工作实施方案", "区建设局规划处"


def reportlab_pdf(path: Path, *, embed: bool = True, pages: int = 1) -> Path:
    """A one-line PDF; with embed=False its text is in Helvetica, which is never embedded."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = "Helvetica"
    if embed:
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(DEJAVU)))
        font = "DejaVuSans"
    c = canvas.Canvas(str(path), invariant=1, initialFontName=font)
    for i in range(pages):
        c.setFont(font, 12)
        c.drawString(72, 720, f"Minzhu pingyi 2011, page {i + 1}")
        c.showPage()
    c.save()
    return path


def make_pdfa(path: Path, *, part: str = "2", conformance: str = "B", title: str = TITLE,
              author: str = AUTHOR, **kw) -> Path:
    """reportlab's PDF with PDF/A identification and metadata added (a good one by default)."""
    reportlab_pdf(path, **kw)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            if part:
                meta["pdfaid:part"] = part
                meta["pdfaid:conformance"] = conformance
            if title:
                meta["dc:title"] = title
            if author:
                meta["dc:creator"] = [author]
        if title:
            pdf.docinfo["/Title"] = title
        if author:
            pdf.docinfo["/Author"] = author
        pdf.save(path)
    return path


@pytest.fixture(autouse=True)
def _fonts():
    if not DEJAVU.exists():
        pytest.skip("DejaVu Sans (fonts-dejavu-core) is needed to make an embedded-font PDF")


def test_a_good_pdf_passes(tmp_path):
    pdf = make_pdfa(tmp_path / "good.pdf")
    assert pdfa.check(pdf) == []
    assert pdfa.is_valid(pdf)
    assert pdfa.font_names(pdf) == ["DejaVuSans"]


def test_missing_identification(tmp_path):
    assert pdfa.check(make_pdfa(tmp_path / "a.pdf", part="")) == [
        "no PDF/A identification in the XMP metadata (pdfaid:part missing)"]


def test_wrong_part(tmp_path):
    assert pdfa.check(make_pdfa(tmp_path / "a.pdf", part="1", conformance="B")) == [
        "identifies as PDF/A-1b, not PDF/A-2b"]


def test_unembedded_font(tmp_path):
    assert pdfa.check(make_pdfa(tmp_path / "a.pdf", embed=False)) == [
        "font Helvetica is not embedded"]


def test_unembedded_font_inside_a_form_xobject(tmp_path):
    pdf_path = make_pdfa(tmp_path / "a.pdf")
    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        helv = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.SimSun))
        form = pikepdf.Stream(pdf, b"BT /F9 12 Tf (x) Tj ET")
        form.Type, form.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
        form.BBox = [0, 0, 100, 100]
        form.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F9=helv))
        page = pdf.pages[0]
        page.Resources.XObject = pikepdf.Dictionary(Fm9=pdf.make_indirect(form))
        pdf.save(pdf_path)
    assert pdfa.check(pdf_path) == ["font SimSun is not embedded"]


def test_encrypted(tmp_path):
    pdf_path = make_pdfa(tmp_path / "a.pdf")
    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        pdf.save(pdf_path, encryption=pikepdf.Encryption(owner="o", user="", R=4))
    assert "the PDF is encrypted (PDF/A forbids encryption)" in pdfa.check(pdf_path)
    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        pdf.save(pdf_path, encryption=pikepdf.Encryption(owner="o", user="u", R=4))
    assert pdfa.check(pdf_path) == ["the PDF is encrypted (PDF/A forbids encryption)"]


def test_javascript(tmp_path):
    pdf_path = make_pdfa(tmp_path / "a.pdf")
    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(
            S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('hi')")))
        pdf.save(pdf_path)
    assert pdfa.check(pdf_path) == ["the PDF contains JavaScript (PDF/A forbids it)"]


def test_no_title_no_author(tmp_path):
    problems = pdfa.check(make_pdfa(tmp_path / "a.pdf", title="", author=""))
    assert problems == ["no title in the document information (/Title)",
                        "no title in the XMP metadata (dc:title)",
                        "no author in the document information (/Author)",
                        "no author in the XMP metadata (dc:creator)"]


def test_no_pages(tmp_path):
    pdf_path = make_pdfa(tmp_path / "a.pdf")
    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        del pdf.pages[0]
        pdf.save(pdf_path)
    assert pdfa.check(pdf_path) == ["the PDF has no pages"]


@pytest.mark.parametrize("content", [b"", b"%PDF-1.7\n", "不是PDF".encode() * 100])
def test_not_a_pdf(tmp_path, content):
    path = tmp_path / "a.pdf"
    path.write_bytes(content)
    problems = pdfa.check(path)
    assert len(problems) == 1 and problems[0].startswith("the PDF does not open")


def test_half_written_pdf(tmp_path):
    good = make_pdfa(tmp_path / "good.pdf", pages=3)
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    assert pdfa.check(cut) != []


def test_every_problem_is_reported_at_once(tmp_path):
    problems = pdfa.check(make_pdfa(tmp_path / "a.pdf", part="", embed=False, author=""))
    assert problems == [
        "no PDF/A identification in the XMP metadata (pdfaid:part missing)",
        "no author in the document information (/Author)",
        "no author in the XMP metadata (dc:creator)",
        "font Helvetica is not embedded"]
