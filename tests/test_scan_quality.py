"""OCR quality on real print: docgen's own PDF of examples/plan.yaml, "scanned" (300 dpi,
turned 1°, noisy, JPEG q75; and 200 dpi grey), imported, then read back and searched.

Figures (CER, phrase recall) are printed; bench/bench_ocr.py reports them with timings.
"""

from __future__ import annotations

import json
import shutil

import pytest
from scanmaker import cer, phrases, scan_pages, source_text

from conftest import EXAMPLES

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("tesseract") is None or
                                 shutil.which("pdftoppm") is None,
                                 reason="Tesseract or poppler is not installed")]


@pytest.fixture(scope="module")
def plan_pdf(tmp_path_factory):
    from docgen.cli import main

    out = tmp_path_factory.mktemp("plan")
    assert main(["--quiet", "generate", str(EXAMPLES / "plan.yaml"), "-o", str(out),
                 "--pdf"]) == 0
    return out / "plan.pdf"


@pytest.mark.parametrize("dpi,grey", [(300, False), (200, True)], ids=["300dpi-colour",
                                                                         "200dpi-grey"])
def test_a_scanned_plan_is_read_and_found(plan_pdf, tmp_path, docgen, dpi, grey):
    from docgen.convert import pdfa
    from docgen.archive import Archive

    pages = scan_pages(plan_pdf, tmp_path / "scan", dpi=dpi, grey=grey)
    root = tmp_path / "archive"
    assert docgen("init", root, "--fonds-code", "Z109", "--fonds-name", "区建设局",
                  "--unit", "区建设局规划处=GHC")[0] == 0
    code, out, err = docgen("import", "--archive", root, "--one-item", *pages,
                            "--type", "other", "--title", "扫描件",
                            "--date", "2011-04-15")
    assert code == 0, err
    (rec,) = list(Archive(root).records())
    source = source_text(plan_pdf)
    read = rec.files["text"].read_text("utf-8")
    rate = cer(source, read)
    sample = phrases(source, 100, besides=" ".join((rec.title, rec.kind, rec.unit)))
    found = 0
    for phrase in sample:
        code, out, _ = docgen("search", "--archive", root, phrase, "--json")
        found += code == 0 and any(h["filing_number"] == rec.filing_number
                                   for h in json.loads(out))
    print(f"\n{dpi} dpi {'grey' if grey else 'colour'}: CER {rate:.2%}, "
          f"phrases found {found}/{len(sample)}")
    assert rate <= 0.03
    assert len(sample) == 100 and found >= 95
    assert pdfa.check(rec.files["pdf"]) == []
    assert rec.metadata["数字化信息"]["扫描分辨率"] == f"{dpi} dpi"
    assert rec.metadata["数字化信息"]["色彩模式"] == ("灰度" if grey else "彩色")
    code, out, err = docgen("verify", "--archive", root, "--deep")
    assert code == 0, out + err
