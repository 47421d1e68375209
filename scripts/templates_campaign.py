"""Bodies of the campaign's other five templates: 征求意见汇总, 听证会纪要, 践诺情况报告, 测评结果,
评议结果. Head, signature and 版记 come from make_templates.py, so all eight look alike.

Run `python scripts/templates_campaign.py` to rebuild only these five (make_templates.py builds
all eight).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_templates as mt  # noqa: E402
from make_templates import FANGSONG, HEITI, KAITI, head, numbered, p, section, tail  # noqa: E402

TABLE_PT = 12  # 小四 仿宋 in tables: a 156 mm type area holds six or seven columns
TYPE_AREA_MM = 156


def table_styles(doc) -> None:
    """表格文字 (cells), 表头 (header row) and 图 (a centred figure line)."""
    if "表格文字" in [s.name for s in doc.styles]:
        return
    s = mt.add_style(doc, "表格文字")
    mt.style_font(s, FANGSONG, TABLE_PT)
    mt.para_format(s, align=WD_ALIGN_PARAGRAPH.LEFT, first_indent=Pt(0), exact=False)
    s = mt.add_style(doc, "表头", "表格文字")
    mt.style_font(s, HEITI, TABLE_PT)
    s.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    s = mt.add_style(doc, "图")
    mt.para_format(s, align=WD_ALIGN_PARAGRAPH.CENTER, first_indent=Pt(0), exact=False)
    s = mt.add_style(doc, "表题")
    mt.style_font(s, HEITI, TABLE_PT)
    mt.para_format(s, align=WD_ALIGN_PARAGRAPH.CENTER, first_indent=Pt(0), exact=False)
    for name in ("图", "表题"):  # not the body's exact 22-lines-a-page pitch
        pf = doc.styles[name].paragraph_format
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    # cells: an exact pitch (LibreOffice sizes rows of "single" Fandol lines a little short,
    # clipping the last line)
    pf = doc.styles["表格文字"].paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(TABLE_PT + 5)
    pf.space_before = pf.space_after = Pt(1)
    doc.styles["表题"].paragraph_format.space_before = Pt(6)
    doc.styles["表题"].paragraph_format.space_after = Pt(3)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def table(doc, loop: str, columns: list[tuple[str, str, float]], caption: str = "") -> None:
    """A bordered table: a repeated header row and one row per item of `loop`
    ('o in opinions'); columns are (header, cell tag, width in mm, scaled to the type area)."""
    table_styles(doc)
    if caption:
        p(doc, caption, "表题")
    scale = TYPE_AREA_MM / sum(w for _, _, w in columns)
    t = doc.add_table(rows=4, cols=len(columns))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    t._tbl.tblPr.append(layout)
    rows = t.rows
    _repeat_header(rows[0])
    for i, (title, tag, width) in enumerate(columns):
        t.columns[i].width = Mm(width * scale)
        for r in rows:
            r.cells[i].width = Mm(width * scale)
        rows[0].cells[i].paragraphs[0].style = doc.styles["表头"]
        rows[0].cells[i].paragraphs[0].add_run(title)
        for r, text in ((rows[1], f"{{%tr for {loop} %}}" if i == 0 else ""),
                        (rows[2], tag),
                        (rows[3], "{%tr endfor %}" if i == 0 else "")):
            para = r.cells[i].paragraphs[0]
            para.style = doc.styles["表格文字"]
            if text:
                para.add_run(text)


def opinions(doc) -> None:
    head(doc)
    p(doc, "{{ overview }}")

    def channels():
        p(doc, "{%p for c in channels %}")
        p(doc, "{{ loop.index }}.{{ c.method }}：{{ c.count }}{{ c.unit_word }}"
               "{% if c.participants is not none %}，参与{{ c.participants }}人{% endif %}"
               "{% if c.note %}。{{ c.note }}{% endif %}。")
        p(doc, "{%p endfor %}")
        p(doc, "共收到意见建议{{ calc.total }}条。按来源分，{{ calc.by_source_text }}；"
               "按归类分，{{ calc.by_category_text }}。")

    section(doc, "channels", channels)

    def table_of_opinions():
        table(doc, "o in opinions", [
            ("序号", "{{ loop.index }}", 10), ("来源", "{{ o.source }}", 14),
            ("意见内容", "{{ o.content }}", 40), ("归类", "{{ o.category }}", 16),
            ("整改措施", "{{ o.measure }}", 40), ("责任科室", "{{ o.department }}", 16),
            ("整改时限", "{{ o.deadline_cn }}", 22)])
        table(doc, "s in calc.by_source", [
            ("来源", "{{ s.name }}", 40), ("意见条数", "{{ s.count }}", 20),
            ("占比", "{{ s.share }}%", 20)], caption="按来源统计")
        table(doc, "s in calc.by_category", [
            ("归类", "{{ s.name }}", 40), ("意见条数", "{{ s.count }}", 20),
            ("占比", "{{ s.share }}%", 20)], caption="按归类统计")

    section(doc, "opinions", table_of_opinions)

    def key_problems():
        p(doc, "{%p for k in key_problems %}")
        p(doc, "{{ loop.index }}.{{ k.problem }}（{{ k.category }}）")
        p(doc, "{%p endfor %}")

    section(doc, "key_problems", key_problems)
    section(doc, "priorities", lambda: numbered(doc, "priorities"))
    tail(doc)


def hearing(doc) -> None:
    head(doc)
    p(doc, runs=[("时间：", HEITI), ("{{ held_on_cn }}{% if time %}{{ time }}{% endif %}", FANGSONG)])
    p(doc, runs=[("地点：", HEITI), ("{{ place }}", FANGSONG)])
    p(doc, runs=[("主持人：", HEITI), ("{{ host }}", FANGSONG)])
    p(doc, runs=[("参加人员：", HEITI),
                 ("{% for x in participants %}{{ x.name }}（{{ x.role }}{% if x.organization %}，"
                  "{{ x.organization }}{% endif %}）{% if not loop.last %}、{% endif %}"
                  "{% endfor %}", FANGSONG)])
    section(doc, "topics", lambda: numbered(doc, "topics"))

    def speeches():
        p(doc, "{%p for s in speeches %}")
        p(doc, runs=[("{{ s.speaker }}：", KAITI), ("{{ s.summary }}", FANGSONG)])
        p(doc, "{%p endfor %}")

    section(doc, "speeches", speeches)
    section(doc, "conclusion", lambda: p(doc, "{{ conclusion }}"))
    section(doc, "follow_ups", lambda: table(doc, "f in follow_ups", [
        ("序号", "{{ loop.index }}", 10), ("落实事项", "{{ f.item }}", 70),
        ("责任科室", "{{ f.owner }}", 24), ("完成时限", "{{ f.deadline_cn }}", 26)]))
    tail(doc)


def fulfillment(doc) -> None:
    head(doc)
    p(doc, "{{ overview }}{{ calc.status_text }}")

    def items():
        p(doc, "{%p for i in items %}")
        p(doc, "（{{ cn(loop.index) }}）{{ i.commitment }}（{{ i.status }}）", "二级标题")
        p(doc, "承诺目标：{{ i.target }}。实际完成：{{ i.achieved }}。"
               "佐证材料：{{ i.evidence|join('、') }}。")
        p(doc, "{%p if i.remedy %}")
        p(doc, "未完成原因及整改措施：{{ i.remedy }}")
        p(doc, "{%p endif %}")
        p(doc, "{%p endfor %}")
        table(doc, "i in items", [
            ("序号", "{{ loop.index }}", 10), ("承诺事项", "{{ i.commitment }}", 44),
            ("量化目标", "{{ i.target }}", 40), ("完成情况", "{{ i.status }}", 18),
            ("实际完成", "{{ i.achieved }}", 44)], caption="践诺情况一览表")

    # heads.items would be the dict's method: spell the key out
    p(doc, "{%p if heads['items'] %}")
    p(doc, "{{ heads['items'] }}", "一级标题")
    items()
    p(doc, "{%p endif %}")
    section(doc, "publicity", lambda: p(doc, "以上践诺情况已在{{ publicity }}公示，接受社会监督。"))
    tail(doc)


def assessment(doc) -> None:
    head(doc)
    p(doc, "{{ overview }}")

    def tallies():
        p(doc, "本次{{ survey.method }}发放问卷{{ survey.distributed }}份，回收有效问卷"
               "{{ survey.returned }}份{% if calc.return_rate is not none %}，回收率"
               "{{ calc.return_rate }}%{% endif %}。{{ tallies|length }}个测评项目的综合满意率"
               "为{{ calc.overall_rate }}%（满意率 =（满意 + 基本满意）÷ 有效票数）。")
        table(doc, "t in calc.tallies", [
            ("测评项目", "{{ t.question }}", 34), ("满意", "{{ t.satisfied }}", 14),
            ("基本满意", "{{ t.basic }}", 18), ("不满意", "{{ t.dissatisfied }}", 16),
            ("合计", "{{ t.total }}", 14), ("满意率", "{{ t.rate }}%", 16)],
          caption="满意度测评统计表")
        p(doc, "{{ chart }}", "图")
        p(doc, "满意度测评各项目满意率", "表题")

    section(doc, "tallies", tallies)

    def visits():
        p(doc, "回访{{ visits|length }}人次，回访满意率{{ calc.visit_rate }}%。")
        table(doc, "v in visits", [
            ("回访对象", "{{ v.visited }}", 34), ("回访日期", "{{ v.visited_on_cn }}", 26),
            ("方式", "{{ v.method }}", 12), ("反馈意见", "{{ v.feedback }}", 50),
            ("结果", "{{ v.result }}", 16)])

    section(doc, "visits", visits)
    section(doc, "conclusion", lambda: p(doc, "{{ conclusion }}"))
    section(doc, "improvements", lambda: numbered(doc, "improvements"))
    tail(doc)


def results(doc) -> None:
    head(doc)
    p(doc, "{{ overview }}")

    def units():
        p(doc, "参加评议的{{ units|length }}个单位中，{{ calc.grade_text }}。")
        table(doc, "u in calc.units", [
            ("名次", "{{ loop.index }}", 12), ("单位", "{{ u.unit }}", 60),
            ("综合得分", "{{ u.score }}", 24), ("评议等次", "{{ u.grade }}", 24)])

    section(doc, "units", units)

    def commendations():
        p(doc, "{%p for c in commendations %}")
        p(doc, "{{ loop.index }}.{{ c.name }}：{{ c.honor }}。")
        p(doc, "{%p endfor %}")

    section(doc, "commendations", commendations)

    def rectifications():
        p(doc, "{%p for r in rectifications %}")
        p(doc, "{{ loop.index }}.{{ r.unit }}：{{ r.requirement }}（{{ r.deadline_cn }}前完成）")
        p(doc, "{%p endfor %}")

    section(doc, "rectifications", rectifications)
    p(doc, "{%p if requirements %}")
    p(doc, "{{ requirements }}")
    p(doc, "{%p endif %}")
    tail(doc)


CAMPAIGN_BODIES = {"opinions": opinions, "hearing": hearing, "fulfillment": fulfillment,
                   "assessment": assessment, "results": results}


def main(argv=None) -> int:
    out_dir = Path(argv[0]) if argv else mt.ROOT / "templates"
    for kind, body in CAMPAIGN_BODIES.items():
        print(mt.build(kind, body, out_dir / f"{kind}.docx"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
