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
from docgen.layout.rules import PITCH_HINT_MM, RIGHT, find_parts, joint_mark
from docgen.pipeline import generate_documents
from docgen.render import default_template, render_form
from tests.conftest import EXAMPLES
from tests.layout_forms import SIGNERS, UNITS, matrix, summary_form, write_forms

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
    # the 附件说明 starts a page: its lines alone with the 署名 (7.3.5, only 正文 counts)
    "signature_not_alone": ("word/styles.xml", r'(w:styleId="附件说明">.*?<w:pPr>)',
                            r"\g<1><w:pageBreakBefore/>"),
}
# a joint document's template altered: 「文件」 at the top of its cell, not centred on the names
WRONG_JOINT = {
    "mark_one_line": ("word/document.xml", r'<w:vAlign w:val="center"/>', ""),
}
JOINT_FORM = dict(unit=UNITS[7], issuers=[UNITS[7], UNITS[9]], signer=2)


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
    joint = load_form(write_forms(base / "forms", {"wrong-joint": summary_form(
        **JOINT_FORM)})[0])
    for rule, edit in WRONG_JOINT.items():
        tpl = alter(default_template("summary"), base / f"tpl-joint-{rule}.docx", *edit)
        wrong.append(render_form(joint, base / "wrong" / f"joint-{rule}.docx", tpl))
    unfitted = [render_form(load_form(p), base / "unfitted" / p.with_suffix(".docx").name)
                for p in forms if p.stem.startswith(("sweep-", "attachments-"))]
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
    for name, pdf in made["unfitted"].items():
        if not name.startswith("sweep-"):
            continue
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


@pytest.mark.parametrize("rule", sorted(WRONG) + [f"joint-{r}" for r in sorted(WRONG_JOINT)])
def test_a_wrong_template_fails_the_rule_it_breaks(made, rule):
    failed = {f.rule for f in check(made["wrong"][rule]).failed}
    assert rule.removeprefix("joint-") in failed, failed


def test_attachment_lines_alone_with_the_signature_are_fitted(made):
    """Unfitted, the long 附件说明 leaves its last lines alone with the 署名; generated, two
    body lines or more stand with them."""
    for name in (n for n in made["unfitted"] if n.startswith("attachments-")):
        [failed] = check(made["unfitted"][name]).failed
        assert failed.rule == "signature_not_alone", failed
        assert "附件说明" in failed.measured, failed.measured
        fitted = check(made["pdf"][name])
        [found] = [f for f in fitted.findings if f.rule == "signature_not_alone"]
        assert found.ok and "line" in found.measured, found.measured
        assert int(found.measured.split(": ")[1].split()[0]) >= 2, found.measured


def _origins(line) -> list[float]:
    """Each glyph's left edge (mm), in the order of the line's text without spaces."""
    xs = [line.x0]
    for a in line.advances:
        xs.append(xs[-1] + a)
    return xs


@pytest.mark.parametrize("case, count", [("joint-2", 2), ("joint-3", 3), ("signers-4", 4)])
def test_signers_stand_two_a_line_the_number_on_the_last(made, case, count):
    """7.2.6: names in the issuers' order, two a line, continuation lines under the first
    name, the 发文字号 on the last line, the block ending one character from the right, the
    分隔线 4 mm under the last line."""
    parts = find_parts(measure(made["pdf"][case]))
    head = [ln for ln in parts.body_pages[0] if ln not in parts.mark
            and ln.bottom <= parts.separator.y]
    assert len(head) == (count + 1) // 2, [ln.text for ln in head]
    names = SIGNERS[:count]
    rows = [names[i:i + 2] for i in range(0, count, 2)]
    starts = []
    for ln, row in zip(head, rows):
        text = ln.text.replace(" ", "")
        assert text.endswith("".join(row)), (text, row)
        starts.append(_origins(ln)[len(text) - len("".join(row))])
    assert head[-1].text.replace(" ", "").startswith("建规〔2011〕21号")
    assert head[0].text.replace(" ", "").startswith(("签发人：", "建规"))
    assert max(starts) - min(starts) < 0.5, starts  # under the first name
    assert abs(RIGHT - max(ln.x1 for ln in head) - 16 * 25.4 / 72) < 1.5
    assert parts.doc_number is head[-1]


@pytest.mark.parametrize("case", ["joint-2", "joint-2-sealed", "joint-3", "joint-3-sealed"])
def test_a_joint_document_stacks_the_names_and_signs_for_each(made, case):
    """7.2.4: each issuer's name one line, 主办机关 first, 「文件」 right of them; 7.3.5: a 署名
    for each, in the same order, above the 成文日期."""
    issuers = CASES[case]["issuer"]
    parts = find_parts(measure(made["pdf"][case]))
    joint = joint_mark(parts.mark)
    assert joint is not None and joint.names == issuers, [ln.text for ln in parts.mark]
    signed = "".join(ln.text.replace(" ", "") for ln in parts.signature_lines)
    assert signed == "".join(issuers), [ln.text for ln in parts.signature_lines]
    if CASES[case]["seal"]:
        rows = [ln.text.replace(" ", "") for ln in parts.signature_lines]
        short = all(len(n) <= 8 for n in issuers)
        assert len(rows) == ((len(issuers) + 1) // 2 if short else len(issuers)), rows


def test_file_duplex_files_the_imprint_on_an_even_page(tmp_path, docgen):
    """`file --duplex` fits as `generate --duplex` does: the filed PDF's 版记 on page 4."""
    root = tmp_path / "archive"
    code, out, err = docgen("init", "--archive", root, "--fonds-code", "Z109", "--fonds-name",
                            "区建设局", "--unit", "区建设局规划处=GHC")
    assert code == 0, err
    code, out, err = docgen("file", "--archive", root, EXAMPLES / "summary.yaml", "--duplex")
    assert code == 0 and ": layout: " not in err, err
    [pdf] = root.rglob("*.pdf")  # the filed PDF/A, its 归档章 in the top margin
    report = check(pdf, duplex=True)
    assert report.ok and report.pages == 4, [f.measured for f in report.failed]


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
    assert code == 0 and ": layout: " not in err, err  # the summary warns: not checked against 承诺书
    pdf = tmp_path / "summary.pdf"
    code, out, err = docgen("layout", "check", "--duplex", pdf)
    assert code == 8 and "imprint_even_page (版记页, GB/T 9704 7.4): page 3 (odd)" in err
    code, out, err = docgen("generate", EXAMPLES / "summary.yaml", "-o", tmp_path / "duplex",
                            "--pdf", "--duplex")
    assert code == 0 and ": layout: " not in err, err
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
