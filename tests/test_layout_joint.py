"""Joint documents (联合行文) and several 签发人 without LibreOffice: the form accepts several
issuers (one name stays valid), the Word document stacks their names in the head and signs for
each, the 签发人 stand two a line, and the archive's 责任者 names them all. The PDFs are measured
in test_layout_matrix.py (slow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docgen.forms import load_form
from docgen.layout.compose import joint_mark_size
from docgen.render import context, render_form, signature_rows
from tests.layout_forms import SIGNERS, summary_form

ISSUERS = ["区建设局规划处", "区财政局", "区发展和改革委员会"]


def write(tmp_path: Path, form: dict, name: str = "joint") -> Path:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(form, ensure_ascii=False), encoding="utf-8")
    return path


def joint_form(tmp_path, **kw):
    return load_form(write(tmp_path, summary_form(unit=ISSUERS[0], issuers=ISSUERS, **kw)))


def test_one_issuer_stays_a_name_and_a_list_of_one_is_that_name(tmp_path):
    single = load_form(write(tmp_path, summary_form(), "single"))
    assert single.issuer == "区建设局规划处" and single.issuers == ["区建设局规划处"]
    one = load_form(write(tmp_path, summary_form(issuers=["区建设局规划处"]), "one"))
    assert one.issuer == "区建设局规划处" and one.signatures == ["区建设局规划处"]


def test_several_issuers_sign_and_print_in_order(tmp_path):
    form = joint_form(tmp_path)
    assert form.issuers == ISSUERS and form.signatures == ISSUERS
    assert form.issuer_names == "区建设局规划处、区财政局、区发展和改革委员会"
    data = context(form)
    assert data["issuer"] == form.issuer_names and data["issuers"] == ISSUERS
    assert data["printed_by"] == ISSUERS[0]  # the 主办机关
    assert data["signature_rows"] == [[n] for n in ISSUERS]


def test_long_names_shrink_the_joint_mark_to_fit_one_line():
    assert joint_mark_size(ISSUERS, 36) == 36  # 9 characters and 「文件」 fit at 36 pt
    size = joint_mark_size(["石家庄市长安区住房和城乡建设局规划管理科", "区财政局"], 36)
    assert 18 < size < 20 and (20 + 2.5) * size <= 156 / 25.4 * 72


def test_sealed_short_names_share_rows_of_two_the_last_over_the_date():
    names = ["区建设局", "区财政局", "区审计局"]
    assert signature_rows(names, seal=True) == [names[:2], names[2:]]
    assert signature_rows(names, seal=False) == [[n] for n in names]
    assert signature_rows(ISSUERS, seal=True) == [[n] for n in ISSUERS]  # 9 characters


@pytest.mark.parametrize("value, message", [
    (["区建设局", "区建设局"], "'区建设局' is given twice"),
    ([], "the list is empty"),
    ([f"区第{i}局" for i in range(9)], "9 names — a joint document's head holds at most 8"),
    (["区建设局", "区\t财政局"], "issuer: name 2: has a TAB (U+0009)"),
    ({"name": "区建设局"}, "issuer: input should be a valid string — give a name, or a list"),
])
def test_a_bad_issuer_list_is_refused_at_its_line(tmp_path, docgen, value, message):
    form = summary_form()
    form["issuer"] = value
    path = write(tmp_path, form, "bad")
    code, out, err = docgen("form", "check", path)
    assert code == 3 and message in err and f"{path}" in err and "issuer" in err, err
    assert "Traceback" not in err


def _paragraphs(document, style):
    return [p for p in document.paragraphs if p.style is not None and p.style.name == style]


def test_the_word_document_stacks_the_names_and_signs_for_each(tmp_path):
    from docx import Document

    form = joint_form(tmp_path, signer=3)
    doc = Document(render_form(form, tmp_path / "joint.docx"))
    [table] = [t for t in doc.tables if t.rows and len(t.rows[0].cells) == 2
               and t.rows[0].cells[1].text == "文件"]
    names, word = table.rows[0].cells
    assert [p.text for p in names.paragraphs if p.text] == ISSUERS
    sizes = {r.font.size.pt for p in names.paragraphs + word.paragraphs for r in p.runs}
    assert sizes == {joint_mark_size(ISSUERS, 36)}  # one size: the longest name and 「文件」 fit
    assert [p.text for p in _paragraphs(doc, "署名")] == ISSUERS
    right = {p.paragraph_format.right_indent for p in _paragraphs(doc, "署名")}
    assert len(right) == 1  # one right edge, set by the longest name
    # 7.2.6: two names a line, the 发文字号 on the last one
    lines = _paragraphs(doc, "签发人") + _paragraphs(doc, "发文字号签发人")
    assert [p.text for p in lines] == [f"\t签发人：{SIGNERS[0]}\t{SIGNERS[1]}",
                                       f"\t建规〔2011〕21号\t\t{SIGNERS[2]}"]
    stops = [[t.position for t in p.paragraph_format.tab_stops if t.alignment != 0]
             for p in lines]
    assert stops[0][-3:] == stops[1][-3:], stops  # continuation lines under the first name


def test_the_archive_names_every_issuer_as_responsible(arc, sources, tmp_path):
    form = joint_form(tmp_path)
    record = arc.file_form(form, write(tmp_path, summary_form(unit=ISSUERS[0], issuers=ISSUERS)),
                           sources / "plan.docx", sources / "plan.pdf")
    assert record.responsible == "区建设局规划处、区财政局、区发展和改革委员会"


def test_search_finds_a_joint_document_by_a_co_issuer(arc, sources, tmp_path, docgen):
    from docgen.search import start_filing, sync

    filing = start_filing(arc)
    record = arc.file_form(joint_form(tmp_path), write(tmp_path, summary_form(
        unit=ISSUERS[0], issuers=ISSUERS)), sources / "plan.docx", sources / "plan.pdf")
    assert sync(arc, filing=filing) is None
    code, out, err = docgen("search", "--archive", arc.root, "--json", "发展和改革委员会")
    assert code == 0, err
    assert record.filing_number in {hit["filing_number"] for hit in json.loads(out)}
