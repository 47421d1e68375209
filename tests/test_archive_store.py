"""Filing: 档号, 归档章, record.json, digests, read-only files, supersede, withdraw, audit."""

import json
import stat
import subprocess

import pytest

from docgen.archive import Archive, Record, digests
from docgen.errors import ArchiveError, BadInput, ExitCode
from test_archive_support import FONDS, file_other, file_plan, tree


def test_init_writes_settings_calendar_and_first_audit_entry(arc):
    assert (arc.root / "docgen-archive.json").is_file()
    assert (arc.root / "records").is_dir() and (arc.root / "index").is_dir()
    assert arc.settings.fonds_code == "Z109" and arc.settings.filing_office == "局监察科"
    due = {d.step.key: d.due.isoformat() for d in arc.settings.calendar(2011)}
    assert due["plan"] == "2011-04-20" and due["summary"] == "2011-12-05"
    assert due["results"] == "2012-03-31"
    [entry] = arc.audit_entries()
    assert entry["action"] == "init" and entry["by"] == "测试员" and entry["seq"] == 1


def test_open_something_that_is_not_an_archive(tmp_path):
    with pytest.raises(ArchiveError, match="not an archive.*docgen init") as e:
        Archive(tmp_path)
    assert e.value.exit_code == ExitCode.archive_error
    with pytest.raises(ArchiveError, match="does not exist"):
        Archive(tmp_path / "nowhere")


def test_file_form_stores_everything_with_metadata(arc, sources):
    rec = file_plan(arc, sources)
    assert isinstance(rec, Record)
    assert rec.filing_number == "Z109-WS·2011-D30-GHC-0001"
    assert rec.dir == arc.root / "records" / "2011" / rec.filing_number
    assert set(rec.files) == {"original", "pdf", "form", "metadata"}
    assert all(p.is_file() for p in rec.files.values())
    assert (rec.type, rec.kind, rec.unit_code, rec.doc_number) == (
        "plan", "工作方案", "GHC", "建规〔2011〕3号")
    assert rec.title == "区建设局规划处2011年民主评议工作实施方案"
    assert rec.pages >= 1 and rec.status == "filed" and rec.responsible == "区建设局规划处"
    meta = json.loads(rec.files["metadata"].read_text(encoding="utf-8"))
    for key in ("立档单位名称", "电子文件号", "档号", "全宗号", "年度", "保管期限", "机构或问题",
                "件号", "题名", "文件编号", "责任者", "日期", "文种", "密级", "页数", "业务行为"):
        assert meta[key] not in (None, ""), key
    assert meta["日期"] == "20110415" and meta["立档单位名称"] == "区建设局"
    for role in ("original", "pdf", "form"):
        info = meta["files"][role]
        path = rec.dir / info["计算机文件名"]
        found, size = digests.digest_file(path)
        assert info["digests"] == found and info["计算机文件大小"] == size
    assert meta["files"]["pdf"]["格式信息"] == "PDF/A-2B"
    import getpass

    assert meta["业务行为"][0]["机构人员名称"] == getpass.getuser()  # no --by: the OS user
    # the original is kept byte for byte; the PDF is a stamped copy
    assert rec.files["original"].read_bytes() == (sources / "plan.docx").read_bytes()
    assert rec.files["pdf"].read_bytes() != (sources / "plan.pdf").read_bytes()


def test_filed_files_are_read_only_and_nothing_is_world_writable(arc, sources):
    rec = file_plan(arc, sources)
    for p in rec.files.values():
        assert stat.S_IMODE(p.stat().st_mode) == 0o444
    for p in arc.root.rglob("*"):
        assert not p.stat().st_mode & stat.S_IWOTH, p


def test_numbers_count_per_year_retention_and_unit(arc, sources):
    a = file_plan(arc, sources)
    b = file_plan(arc, sources, duplicate_ok=True)
    c = file_other(arc, sources, unit="区建设局办公室")
    d = file_other(arc, sources, retention="永久")
    e = file_other(arc, sources, date="2012-01-05")
    assert [r.filing_number for r in (a, b, c, d, e)] == [
        "Z109-WS·2011-D30-GHC-0001", "Z109-WS·2011-D30-GHC-0002", "Z109-WS·2011-D30-BGS-0001",
        "Z109-WS·2011-Y-GHC-0001", "Z109-WS·2012-D30-GHC-0001"]
    assert [r.filing_number for r in arc.records(2011)] == sorted(
        r.filing_number for r in (a, b, c, d))
    assert len(list(arc.records())) == 5


def test_stamp_is_red_six_cells_top_centre_with_embedded_fonts(arc, sources):
    from docgen.convert import pdfa

    rec = file_plan(arc, sources)
    pdf = rec.files["pdf"]
    assert pdfa.check(pdf) == []
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row.split("TrueType")[-1] or "yes" in row for row in rows)
    assert all(row.split()[-5] == "yes" for row in rows), fonts  # emb column
    # the stamp's text sits in the top band: 0-37 mm from the top (crop: x in the middle third)
    w_pt = 595  # A4 width in points
    band = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-x", str(w_pt // 3), "-y", "0",
                           "-W", str(w_pt // 3), "-H", str(int(37 / 25.4 * 72)), str(pdf), "-"],
                          capture_output=True, text=True).stdout
    for cell in ("Z109", "2011", "0001", "GHC", "30年", str(rec.pages)):
        assert cell in band, (cell, band)
    import pikepdf

    with pikepdf.open(pdf) as doc:
        streams = [x.read_bytes() for x in doc.pages[0].Resources.XObject.values()]
    assert any(b".8 0 0 RG" in s and b" re" in s for s in streams), "a red frame"


def test_stamp_keeps_pdfa_identification_in_xmp(arc, sources):
    from docgen.convert import pdfa

    rec = file_plan(arc, sources)
    assert str(pdfa.identification(rec.files["pdf"])) == "2B"


def test_supersede_keeps_both_and_links_them(arc, sources):
    old = file_plan(arc, sources)
    new = file_plan(arc, sources, supersedes=old.filing_number, by="王科长")
    old = arc.record(old.filing_number)
    assert (old.status, old.superseded_by) == ("superseded", new.filing_number)
    assert (new.status, new.supersedes) == ("filed", old.filing_number)
    assert old.files["pdf"].is_file() and new.files["pdf"].is_file()
    last = list(arc.audit_entries())[-1]
    assert last["action"] == "supersede" and last["by"] == "王科长"
    assert last["supersedes"] == old.filing_number
    with pytest.raises(ArchiveError, match="superseded"):
        file_plan(arc, sources, supersedes=old.filing_number)
    assert arc.verify().ok


def test_withdraw_marks_and_deletes_nothing(arc, sources):
    rec = file_plan(arc, sources)
    before = {p: p.read_bytes() for p in rec.files.values() if p.name != "record.json"}
    done = arc.withdraw(rec.filing_number, reason="误报，重新上报")
    assert done.status == "withdrawn"
    assert done.metadata["业务行为"][-1]["说明"] == "误报，重新上报"
    assert {p: p.read_bytes() for p in before} == before
    assert list(arc.audit_entries())[-1]["action"] == "withdraw"
    with pytest.raises(ArchiveError, match="withdrawn"):
        arc.withdraw(rec.filing_number, reason="again")
    with pytest.raises(BadInput, match="reason"):
        arc.withdraw(rec.filing_number, reason=" ")
    assert arc.verify().ok


def test_import_pdf_docx_and_other_formats(arc, sources):
    a = file_other(arc, sources)
    assert a.files["original"].read_bytes() == (sources / "plan.pdf").read_bytes()
    assert a.kind == "听证会纪要" and a.pages >= 1
    b = arc.file_import(sources / "plan.docx", type="other", kind="征求意见汇总",
                        title="征求意见汇总表", date="2011年4月18日", pdf=sources / "plan.pdf",
                        unit="区建设局办公室")
    assert (b.unit_code, b.date.isoformat()) == ("BGS", "2011-04-18")
    note = sources / "notice.txt"
    note.write_text("关于开展民主评议工作的通知", encoding="utf-8")
    c = arc.file_import(note, type="other", title="通知", date="2011-04-01",
                        unit="区建设局规划处")
    assert c.pages is None and set(c.files) == {"original", "metadata"}
    assert arc.verify().ok


def test_import_refuses_a_pdf_that_is_not_pdfa(arc, sources, tmp_path):
    import pikepdf

    plain = tmp_path / "plain.pdf"
    with pikepdf.open(sources / "plan.pdf") as doc:
        del doc.Root.Metadata
        doc.save(plain)
    before = tree(arc.root)
    with pytest.raises(BadInput, match="not PDF/A"):
        file_other(arc, sources, pdf=plain)
    assert tree(arc.root) == before


@pytest.mark.parametrize("change,match", [
    (dict(type="letter"), "type: 'letter'"),
    (dict(date="2011-02-30"), "not a real date"),
    (dict(date="4月20日"), "not a date"),
    (dict(title=" "), "题名.*is empty"),
    (dict(retention="五年"), "保管期限"),
    (dict(classification="保密"), "密级"),
    (dict(unit="区建设局财务科"), "not in the archive's settings"),
    (dict(unit="区建设局规划处", unit_code="BGS"), "has code GHC"),
    (dict(unit="区建设局财务科", unit_code="bad"), "capital letters"),
])
def test_bad_import_input_changes_nothing(arc, sources, change, match):
    before = tree(arc.root)
    with pytest.raises((BadInput, ArchiveError), match=match):
        file_other(arc, sources, **change)
    assert tree(arc.root) == before


def test_import_of_a_missing_file_and_unknown_number(arc, sources):
    before = tree(arc.root)
    with pytest.raises(BadInput, match="no such file"):
        arc.file_import(sources / "nope.pdf", type="other", title="x", date="2011-01-01",
                        unit="区建设局规划处")
    with pytest.raises(ArchiveError, match="no 件 Z109-WS·2011-D30-GHC-0009"):
        arc.record("Z109-WS·2011-D30-GHC-0009")
    with pytest.raises(BadInput, match="not a 档号"):
        arc.record("0009")
    assert tree(arc.root) == before


def test_unit_not_in_settings_with_its_own_code_is_filed(arc, sources):
    rec = file_other(arc, sources, unit="区建设局财务科", unit_code="CWK")
    assert rec.filing_number == "Z109-WS·2011-D30-CWK-0001"


def test_settings_change_is_audited_and_verified(arc, sources):
    arc.update_settings(units=[("区建设局财务科", "CWK")],
                        deadlines={(2011, "commitment"): {"due": "2011-05-20"}}, by="李科员")
    again = Archive(arc.root)
    assert again.settings.unit_code("区建设局财务科") == "CWK"
    assert {d.step.key: d.due for d in again.settings.calendar(2011)}["commitment"].day == 20
    assert list(arc.audit_entries())[-1]["action"] == "settings"
    assert arc.verify().ok
    with pytest.raises(BadInput, match="already has code"):
        arc.update_settings(units=[("区建设局财务科", "CW2")])
    with pytest.raises(BadInput, match="not a step|not a date"):
        arc.update_settings(deadlines={(2011, "commitment"): {"due": "5月"}})


def test_init_refuses_existing_or_bad(tmp_path):
    from docgen.archive import init_archive

    init_archive(tmp_path / "a", **FONDS)
    with pytest.raises(ArchiveError, match="already an archive"):
        init_archive(tmp_path / "a", **FONDS)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.txt").write_text("x")
    with pytest.raises(ArchiveError, match="not empty"):
        init_archive(tmp_path / "b", **FONDS)
    with pytest.raises(BadInput, match="2 problems"):
        init_archive(tmp_path / "c", fonds_code="z", fonds_name="区建设局",
                     units=[("a", "GHC"), ("b", "GHC")])
    assert not (tmp_path / "c").exists()


def _with_box(src, dst, boxes):
    """A copy of a PDF/A with black boxes (x, y-from-top, w, h in mm) drawn on page 1."""
    import pikepdf

    mm = 72 / 25.4
    with pikepdf.open(src) as doc:
        page = doc.pages[0]
        height = float(page.mediabox[3])
        ops = "".join(f"q 0 0 0 rg {x * mm:.1f} {height - (y + h) * mm:.1f} {w * mm:.1f} "
                      f"{h * mm:.1f} re f Q\n" for x, y, w, h in boxes)
        page.contents_add(pikepdf.Stream(doc, ops.encode()), prepend=False)
        doc.save(dst)
    return dst


def _text_in(pdf, x_mm, w_mm):
    mm = 72 / 25.4
    return subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-x", str(int(x_mm * mm)), "-y",
                           "0", "-W", str(int(w_mm * mm)), "-H", str(int(37 * mm)), str(pdf),
                           "-"], capture_output=True, text=True).stdout


def test_imported_pdf_stamp_finds_blank_space_in_the_top_band(arc, sources, tmp_path):
    from docgen.convert import pdfa

    busy = _with_box(sources / "plan.pdf", tmp_path / "busy.pdf", [(70, 2, 70, 30)])
    rec = file_other(arc, sources, pdf=busy)
    assert rec.notices == []
    assert "Z109" not in _text_in(rec.files["pdf"], 70, 70)
    assert "Z109" in _text_in(rec.files["pdf"], 140, 70)  # moved right, still top band
    assert pdfa.check(rec.files["pdf"]) == []


def test_imported_pdf_without_blank_space_gets_a_notice(arc, sources, tmp_path):
    full = _with_box(sources / "plan.pdf", tmp_path / "full.pdf", [(0, 0, 210, 37)])
    rec = file_other(arc, sources, pdf=full)
    assert len(rec.notices) == 1 and "no blank space" in rec.notices[0]
    assert "Z109" in _text_in(rec.files["pdf"], 70, 70)


def test_stamping_adds_no_pdfa_findings(arc, sources):
    """pikepdf's PDF/A-2b allowlist validator finds nothing in the stamped PDF that it did not
    find in LibreOffice's own output (there: only LibreOffice's trailer /DocChecksum key)."""
    try:
        import pikepdf.pdfa as pdfa_validator
    except ImportError:
        pytest.skip("pikepdf.pdfa needs jsonschema, referencing and fonttools")

    def findings(path):
        report = pdfa_validator.validate_written(path, "2b")
        return {str(f) for f in report.findings}

    rec = file_plan(arc, sources)
    assert findings(rec.files["pdf"]) <= findings(sources / "plan.pdf")
    imported = file_other(arc, sources)
    assert findings(imported.files["pdf"]) <= findings(sources / "plan.pdf")


def test_init_killed_half_way_in_an_existing_folder_can_be_run_again(tmp_path):
    from docgen.archive import audit, init_archive

    root = tmp_path / "archive"
    for sub in ("records", "index", ".tmp"):
        (root / sub).mkdir(parents=True)
    audit.append(root / "audit.jsonl", {"action": "init", "by": "x", "time": "t"})
    with pytest.raises(ArchiveError, match="not an archive"):
        Archive(root)
    arc = init_archive(root, **FONDS)
    assert [e["action"] for e in arc.audit_entries()] == ["init"]
    assert arc.verify().ok


def test_init_in_a_new_folder_leaves_no_staging_behind(tmp_path):
    from docgen.archive import init_archive

    init_archive(tmp_path / "deep" / "archive", **FONDS)
    assert sorted(p.name for p in (tmp_path / "deep").iterdir()) == ["archive"]
