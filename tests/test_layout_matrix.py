"""The layout on real LibreOffice output: a matrix of forms, each PDF passing `layout check`,
and deliberately wrong templates, each failing with the rule it breaks.

One module fixture renders and converts everything: the matrix through the real pipeline
(`generate --pdf`: one LibreOffice batch, then the fitting passes), the wrong templates in a
second batch. The tests read the PDFs.
"""

from __future__ import annotations

import json
import shutil
import re
import zipfile
from pathlib import Path

import pytest

from docgen.convert import convert
from docgen.forms import load_form
from docgen.layout import check
from docgen.layout.measure import measure
from docgen.layout.rules import PITCH_HINT_MM, find_parts
from docgen.pipeline import generate_documents
from docgen.render import default_template, render_form
from tests.conftest import EXAMPLES
from tests.layout_forms import matrix, summary_form, write_forms

pytestmark = pytest.mark.slow

CASES = matrix()
LOOSE = ("sweep-full-12", "sweep-bare-14", "sweep-full-13", "sweep-bare-15")

# rule -> (Word part, pattern, replacement): a template altered to break exactly that rule
WRONG = {
    "separator_distance": ("word/styles.xml", r'w:sz="12" w:space="5"', 'w:sz="12" w:space="1"'),
    "page_number_position": ("word/document.xml", r'w:footer="\d+"', 'w:footer="1191"'),
    "mark_position": ("word/styles.xml", r'(w:styleId="发文机关标志">.*?w:before=")\d+',
                      r"\g<1>0"),
    "mark_colour": ("word/styles.xml", r'(w:styleId="发文机关标志">.*?w:color w:val=")E60012',
                    r"\g<1>1F3864"),
    "title_size": ("word/styles.xml", r'(w:styleId="公文标题">.*?w:sz w:val=")44', r"\g<1>40"),
    "body_size": ("word/styles.xml", r'(w:styleId="Normal">.*?w:sz w:val=")32', r"\g<1>30"),
    "chars_per_line": ("word/styles.xml", r'(w:styleId="Normal">.*?w:spacing w:val=")-8',
                       r"\g<1>0"),
    "lines_per_page": ("word/styles.xml", r'(w:styleId="Normal">.*?w:line=")579', r"\g<1>640"),
    "type_area": ("word/document.xml", r'w:right="1474"', 'w:right="907"'),
    "imprint_position": ("word/document.xml", r"<w:tblpPr [^>]*/>", ""),
    "imprint_rules": ("word/document.xml", r'(<w:tblBorders><w:top w:val="single" w:sz=")8',
                      r"\g<1>3"),
    "page_number_format": ("word/footer1.xml", r"— </w:t>", "第</w:t>"),
    "date_form": ("word/document.xml", r"\{\{ date_cn \}\}", "{{ date }}"),
}


def alter(template: Path, dst: Path, part: str, pattern: str, replacement: str) -> Path:
    with zipfile.ZipFile(template) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == part:
                text, n = re.subn(pattern, replacement, data.decode("utf-8"), count=1,
                                  flags=re.S)
                assert n == 1, f"{pattern!r} not in {part}"
                data = text.encode("utf-8")
            z.writestr(item, data)
    return dst


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    base = tmp_path_factory.mktemp("layout-matrix")
    forms = write_forms(base / "forms", CASES)
    generated = generate_documents(forms, base / "out", pdf=True)
    assert not generated.failed, generated.failed
    # the wrong templates, and the sweep unfitted, in one more batch
    form = load_form(write_forms(base / "forms", {"wrong": summary_form()})[0])
    wrong = []
    for rule, edit in WRONG.items():
        tpl = alter(default_template("summary"), base / f"tpl-{rule}.docx", *edit)
        wrong.append(render_form(form, base / "wrong" / f"{rule}.docx", tpl))
    unfitted = [render_form(load_form(p), base / "unfitted" / p.with_suffix(".docx").name)
                for p in forms if p.stem.startswith("sweep-")]
    # a template whose 署名 does not keep with its 成文日期: LibreOffice may split the two
    loose_tpl = alter(default_template("summary"), base / "tpl-loose.docx", "word/styles.xml",
                      r'(w:styleId="署名">.*?)<w:keepNext/>', r"\g<1>")
    loose = [render_form(load_form(p), base / "loose" / p.with_suffix(".docx").name, loose_tpl)
             for p in forms if p.stem in LOOSE]
    done = convert(wrong + unfitted + loose)
    assert not done.failed, done.failed
    return {"pdf": dict(zip((p.stem for p in forms), generated.pdf)),
            "layout": generated.layout, "wrong": {p.stem: done.converted[p] for p in wrong},
            "unfitted": {p.stem: done.converted[p] for p in unfitted},
            "loose": {p: done.converted[p] for p in loose}}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_generated_pdf_passes_layout_check(made, case):
    report = check(made["pdf"][case])
    assert report.ok, [f"{f.rule}: {f.measured}" for f in report.failed]


def test_generate_printed_no_layout_warning(made):
    assert made["layout"] == []


def test_the_sweep_ends_the_body_on_every_line_of_a_page(made):
    """Unfitted, the sweep's last body line (before 署名) lands on each of the 22 lines."""
    slots = set()
    for pdf in made["unfitted"].values():
        parts = find_parts(measure(pdf))
        page, signature = parts.signature or parts.date
        above = [ln for ln in parts.body_pages[page] if ln.baseline < signature.baseline]
        if not above:  # the lone signature: the body ended on the page before
            page, above = page - 1, parts.body_pages[page - 1]
        slots.add(round((above[-1].top - 39.5) / PITCH_HINT_MM) + 1)
    assert slots == set(range(1, 23)), sorted(slots)


def test_fitting_repaired_every_lone_signature(made):
    alone = [name for name, pdf in made["unfitted"].items()
             if any(f.rule == "signature_not_alone" for f in check(pdf).failed)]
    assert alone, "the sweep should produce a lone 署名 without fitting"
    for name in alone:
        assert check(made["pdf"][name]).ok


@pytest.mark.parametrize("rule", sorted(WRONG))
def test_a_wrong_template_fails_the_rule_it_breaks(made, rule):
    failed = {f.rule for f in check(made["wrong"][rule]).failed}
    assert rule in failed, failed


def test_layout_check_cli_on_real_pdfs(made, docgen):
    good, bad = made["pdf"]["unit-20"], made["wrong"]["imprint_position"]
    code, out, err = docgen("layout", "check", good)
    assert code == 0 and err == "" and "imprint_position" in out, (out, err)
    code, out, err = docgen("layout", "check", good, bad, "--json")
    assert code == 8
    reports = json.loads(out)
    assert [r["ok"] for r in reports] == [True, False]
    assert {"rule", "clause", "label", "measured", "expected", "status", "ok"} == set(
        reports[1]["rules"][0])
    assert f"{bad}: imprint_position (版记位置, GB/T 9704 7.4)" in err
    assert all(line.startswith(("docgen: ", "  ")) for line in err.splitlines())


def test_a_document_that_cannot_be_fitted_is_reported(made):
    from docgen.layout.fit import fit

    name, pdf = next((n, p) for n, p in made["unfitted"].items()
                     if any(f.rule == "signature_not_alone" for f in check(p).failed))
    docx = pdf.with_suffix(".docx")
    before = docx.read_bytes()
    fitting = fit([(docx, pdf)], reconvert=lambda files: {}, max_passes=0)
    assert fitting.passes == 0 and docx.read_bytes() == before
    fitting = fit([(docx, pdf)], reconvert=lambda files: {}, max_passes=1)  # LibreOffice failed
    assert fitting.passes == 1 and docx.read_bytes() == before  # the Word file matches its PDF
    [warning] = fitting.warnings({pdf: Path(f"{name}.yaml")})
    assert warning.startswith(f"{name}.yaml: layout: signature_not_alone (署名页, GB/T 9704 "
                              "7.3.5.5): ") and warning.endswith("(could not be fitted)")


def test_fitting_tightens_a_split_signature_and_moves_lines_for_a_lone_one(made):
    from docgen.layout.fit import fit

    before = {docx: {f.rule for f in check(pdf).failed} for docx, pdf in made["loose"].items()}
    assert all(rules == {"signature_not_alone"} for rules in before.values()), before
    fitting = fit(list(made["loose"].items()),
                  lambda files: convert(files, next(iter(made["loose"].values())).parent)
                  .converted)
    assert fitting.warnings() == [] and fitting.passes == 1
    # 0: the page set at 23 lines (署名 and 成文日期 had been split); 2: two lines moved
    assert sorted(fitting.adjusted.values()) == [0, 0, 2, 2], fitting.adjusted


def test_duplex_puts_the_imprint_on_an_even_page(tmp_path, docgen):
    """The summary ends on page 3: printed double-sided, its 版记 goes to page 4."""
    code, out, err = docgen("generate", EXAMPLES / "summary.yaml", "-o", tmp_path, "--pdf")
    assert code == 0 and "layout" not in err, err  # the summary warns: not checked against 承诺书
    pdf = tmp_path / "summary.pdf"
    code, out, err = docgen("layout", "check", "--duplex", pdf)
    assert code == 8 and "imprint_even_page (版记页, GB/T 9704 7.4): page 3 (odd)" in err
    code, out, err = docgen("generate", EXAMPLES / "summary.yaml", "-o", tmp_path / "duplex",
                            "--pdf", "--duplex")
    assert code == 0 and "layout" not in err, err
    report = check(tmp_path / "duplex" / "summary.pdf", duplex=True)
    assert report.ok and report.pages == 4, [f.measured for f in report.failed]


def test_duplex_puts_a_lone_imprint_after_a_blank_page_without_numbers(made, tmp_path):
    """A 版记 alone on an odd page: a blank page before it, neither page numbered (7.5)."""
    from docgen.layout.fit import fit

    lone = [name for name, pdf in made["pdf"].items()
            if (p := find_parts(measure(pdf))).imprint_page is not None
            and not p.body_pages[p.imprint_page] and p.imprint_page % 2 == 0]
    assert lone, "the matrix should leave some 版记 alone on an odd page"
    name = lone[0]
    for suffix in (".docx", ".pdf"):
        shutil.copy(made["pdf"][name].with_suffix(suffix), tmp_path)
    docx, pdf = tmp_path / f"{name}.docx", tmp_path / f"{name}.pdf"
    pages = len(measure(pdf).pages)
    fitting = fit([(docx, pdf)], lambda files: convert(files, tmp_path).converted, duplex=True)
    assert fitting.warnings() == [] and fitting.imprint_moved == {docx}
    parts = find_parts(measure(pdf))
    assert len(parts.doc.pages) == pages + 1 and parts.imprint_page == pages
    assert parts.page_numbers[-2:] == [None, None] and not parts.body_pages[-2]
    assert check(pdf, duplex=True).ok
