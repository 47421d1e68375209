"""An archive and a bundle built without LibreOffice, for hostile and fuzz tests.

The PDF is made by pikepdf with the PDF/A-2b identification in its XMP (what filing checks),
so a small archive is built in about a second. It holds no tests itself.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.test_archive_support import FONDS, Clock

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def fake_pdfa(path: Path, title: str = "区建设局规划处听证会纪要", author: str = "区建设局规划处") -> Path:
    """A one-page A4 PDF identifying as PDF/A-2b, with title and author."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595.3, 841.9))
    pdf.docinfo["/Title"] = title
    pdf.docinfo["/Author"] = author
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
        meta["dc:title"] = title
        meta["dc:creator"] = [author]
    pdf.save(path)
    return path


def fake_docx(path: Path, title: str) -> Path:
    import docx

    d = docx.Document()
    d.core_properties.title = title
    d.core_properties.author = "区建设局规划处"
    d.add_paragraph(title)
    d.save(path)
    return path


def small_archive(base: Path, *, imports: int = 2):
    """An archive under base/archive with the example plan filed and `imports` other 件."""
    from docgen.archive import init_archive
    from docgen.forms import load_form

    src = base / "src"
    src.mkdir(parents=True, exist_ok=True)
    clock = Clock()
    arc = init_archive(base / "archive", by="测试员", clock=clock, **FONDS)
    form = load_form(EXAMPLES / "plan.yaml")
    arc.file_form(form, EXAMPLES / "plan.yaml", fake_docx(src / "plan.docx", form.display_title),
                  fake_pdfa(src / "plan.pdf", form.display_title), by="测试员")
    for i in range(imports):
        clock.now += dt.timedelta(days=1)
        title = f"规划处听证会纪要{i + 1}"
        arc.file_import(fake_pdfa(src / f"other{i}.pdf", title), type="other", kind="听证会纪要",
                        title=title, date="2011-06-10", unit="区建设局规划处", by="测试员")
    return arc


def small_bundle(arc, out: Path) -> Path:
    from docgen.bundle import BundleOptions, make_bundle

    make_bundle(arc, out, BundleOptions(year=2011, checksums=("sha256",)),
                clock=lambda: dt.datetime(2011, 12, 31, 9, 0, tzinfo=dt.timezone.utc))
    return out


def word_template(path: Path, *paragraphs: str) -> Path:
    """A clerk's own template: one paragraph per text, as Word writes it."""
    import docx

    d = docx.Document()
    for text in paragraphs:
        d.add_paragraph(text)
    d.save(path)
    return path


def files_under(path: Path) -> dict[str, bytes]:
    """Every file under path (but the lock file) with its bytes: equal before and after
    proves nothing was written."""
    if not path.exists():
        return {}
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*"))
            if p.is_file() and p.name != ".lock"}
