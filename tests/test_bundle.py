"""Bundles: a real archive (LibreOffice PDF/A, real filings) bagged, zipped, unzipped, checked.

No mocks: bagit makes and validates the bags, and one test runs bagit's own command line on
an unzipped bundle. Faults are made by editing real bundles and archives.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from docgen.errors import BadInput, ExitCode, VerifyFailed
from tests.conftest import EXAMPLES, FIXTURES, tree

CST = dt.timezone(dt.timedelta(hours=8))
FILED_AT = dt.datetime(2012, 1, 10, 9, 0, tzinfo=CST)
BUNDLED_AT = dt.datetime(2012, 1, 20, 15, 30, 5, tzinfo=CST)


def clock():
    return BUNDLED_AT


# --- fixtures: one LibreOffice run, one archive, one bundle per session ----------------------

@pytest.fixture(scope="session")
def converted():
    """The three example forms, rendered and converted by docgen (committed fixtures):
    {type: (form, docx, pdf)}."""
    base = FIXTURES / "examples"
    return {k: (EXAMPLES / f"{k}.yaml", base / f"{k}.docx", base / f"{k}.pdf")
            for k in ("plan", "commitment", "summary")}


@pytest.fixture(scope="session")
def archive_dir(tmp_path_factory, converted):
    """An archive of 2011 and 2012 filings: two units, a superseded, a withdrawn, a 秘密 one."""
    from docgen.archive import init_archive
    from docgen.forms import load_form

    root = tmp_path_factory.mktemp("arc") / "archive"
    arc = init_archive(root, fonds_code="Z109", fonds_name="区建设局",
                       units=[("区建设局规划处", "GHC"), ("区建设局办公室", "BGS")],
                       clock=lambda: FILED_AT)
    plan = converted["plan"]
    first = arc.file_form(load_form(plan[0]), plan[0], plan[1], plan[2])
    for kind in ("commitment", "summary"):
        f, d, p = converted[kind]
        arc.file_form(load_form(f), f, d, p)
    arc.file_import(plan[2], type="other", title="区建设局规划处民主评议征求意见汇总",
                    date="2011-04-18", unit="区建设局规划处", classification="秘密")
    arc.file_import(plan[1], type="plan", title="区建设局规划处2011年民主评议工作实施方案（修订）",
                    date="2011-04-25", unit="区建设局规划处", pdf=plan[2],
                    doc_number="建规〔2011〕5号", supersedes=first.filing_number)
    arc.file_import(plan[2], type="other", title="区建设局办公室民主评议听证会通知",
                    date="2011-05-12", unit="区建设局办公室", classification="内部")
    duplicate = arc.file_import(plan[2], type="other", date="2011-05-13",
                                title="区建设局办公室民主评议听证会通知（重复）",
                                unit="区建设局办公室")
    arc.withdraw(duplicate.filing_number, reason="重复归档")
    arc.file_import(plan[2], type="other", title="区建设局办公室2011年民主评议评议结果",
                    date="2012-03-20", unit="区建设局办公室")
    assert arc.verify().ok
    return root


@pytest.fixture
def archive_copy(tmp_path, archive_dir):
    dst = tmp_path / "archive"
    shutil.copytree(archive_dir, dst, symlinks=True)
    return dst


def open_archive(root):
    from docgen.archive import Archive

    return Archive(root, clock=clock)


@pytest.fixture(scope="session")
def bundle_2011(tmp_path_factory, archive_dir):
    """The 2011 bundle of every unit, as the CLI's defaults make it."""
    from docgen.bundle import BundleOptions, make_bundle

    out = tmp_path_factory.mktemp("bundle") / "区建设局2011.zip"
    report = make_bundle(open_archive(archive_dir), out, BundleOptions(year=2011))
    return out, report


def unzip(zip_path: Path, dest: Path) -> Path:
    """Unzip and return the bag folder."""
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(dest)
        (top,) = {n.split("/", 1)[0] for n in zf.namelist()}
    return dest / top


def rezip(bag: Path, out: Path) -> Path:
    """Zip a bag folder back the plain way (as someone passing a bundle along would)."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(bag.rglob("*")):
            if p.is_file():
                zf.write(p, f"{bag.name}/{p.relative_to(bag).as_posix()}")
    return out


def records_of(bag: Path) -> dict[str, dict]:
    return {json.loads(p.read_bytes())["档号"]: json.loads(p.read_bytes())
            for p in sorted((bag / "data").glob("*/*/*/record.json"))}


# --- what a bundle holds ------------------------------------------------------------------

def test_layout_bag_info_and_description(bundle_2011, tmp_path):
    import bagit

    zip_path, report = bundle_2011
    bag = unzip(zip_path, tmp_path)
    assert bag.name == "Z109-2011" == report.name
    recs = records_of(bag)
    # 2011: plan (superseded), commitment, summary, revised plan, 内部 notice, withdrawn notice
    assert len(recs) == 6 and len(report.records) == 6
    assert report.left_out == ["Z109-WS·2011-D30-GHC-0004"]  # the 秘密 one
    for fn, meta in recs.items():
        folder = bag / "data" / "2011" / meta["机构代码"] / fn
        assert {p.name for p in folder.iterdir()} == {
            "record.json", *(f["计算机文件名"] for f in meta["files"].values())}
    for name in ("归档文件目录.xlsx", "归档文件目录.pdf", "合订本.pdf", "审计日志.jsonl", "说明.txt"):
        assert (bag / "data" / name).is_file()
    b = bagit.Bag(str(bag))
    assert set(b.algorithms) == {"sha256", "sha512"}
    info = b.info
    assert info["Source-Organization"] == "区建设局"
    assert info["External-Identifier"] == "Z109-2011"
    assert info["Bagging-Date"] == "2012-01-20"  # the injected clock, not today
    assert info["Docgen-Fonds-Code"] == "Z109" and info["Docgen-Year"] == "2011"
    assert info["Docgen-Unit"] == "all"
    assert info["Docgen-Records-Bundled"] == "6"
    assert info["Docgen-Records-Classified-Left-Out"] == "1"
    assert info["Docgen-Archive-Verified"] == "yes"
    assert int(info["Docgen-Record-Bytes"]) == report.record_bytes > 0
    assert info["Payload-Oxum"] == f"{report.payload_bytes}.{report.payload_files}"
    text = (bag / "data" / "说明.txt").read_text(encoding="utf-8")
    assert "入包 6 件" in text and "已被替代 1 件" in text and "已撤回 1 件" in text
    assert "涉密（秘密、机密、绝密）未入包 1 件" in text and "Z109-WS·2011-D30-GHC-0004" in text
    assert f"docgen bundle verify {zip_path.name}" in text
    assert "python -m bagit --validate Z109-2011" in text
    # nothing classified and nothing of 2012 got in
    assert all(m["密级"] in ("公开", "内部") and m["年度"] == 2011 for m in recs.values())


def test_independent_bagit_validates_the_unzipped_bundle(bundle_2011, tmp_path):
    bag = unzip(bundle_2011[0], tmp_path)
    done = subprocess.run([sys.executable, "-m", "bagit", "--validate", str(bag)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "is valid" in done.stderr


def test_bundle_verify_passes_a_fresh_bundle(bundle_2011):
    from docgen.bundle import verify_bundle

    result = verify_bundle(bundle_2011[0])
    assert result.ok and result.records == 6 and not result.unverified


def test_catalogue_xlsx_rows(bundle_2011, tmp_path):
    from openpyxl import load_workbook

    bag = unzip(bundle_2011[0], tmp_path)
    ws = load_workbook(bag / "data" / "归档文件目录.xlsx")["归档文件目录"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0][0] == "区建设局2011年民主评议归档文件目录"
    assert rows[2] == ["序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注"]
    data = rows[3:]
    assert [r[0] for r in data] == [str(i) for i in range(1, 7)]
    numbers = [r[1] for r in data]
    assert numbers == [
        "Z109-WS·2011-D30-BGS-0001", "Z109-WS·2011-D30-BGS-0002", "Z109-WS·2011-D30-GHC-0001",
        "Z109-WS·2011-D30-GHC-0002", "Z109-WS·2011-D30-GHC-0003", "Z109-WS·2011-D30-GHC-0005"]
    by_fn = {r[1]: r for r in data}
    plan = by_fn["Z109-WS·2011-D30-GHC-0001"]
    assert plan[2] == "建规〔2011〕3号" and plan[5] == "20110415" and plan[6] == "公开"
    assert plan[4] == "区建设局规划处2011年民主评议工作实施方案" and plan[7] == "4"
    assert plan[8] == "已被 Z109-WS·2011-D30-GHC-0005 替代"
    assert by_fn["Z109-WS·2011-D30-GHC-0005"][8] == "替代 Z109-WS·2011-D30-GHC-0001"
    assert by_fn["Z109-WS·2011-D30-BGS-0002"][8] == "已撤回"
    assert by_fn["Z109-WS·2011-D30-BGS-0001"][6] == "内部"
    assert all(len(r[5]) == 8 and r[5].isdigit() for r in data)


def test_catalogue_pdf_is_landscape_with_embedded_cjk_font(bundle_2011, tmp_path):
    import pikepdf

    bag = unzip(bundle_2011[0], tmp_path)
    path = bag / "data" / "归档文件目录.pdf"
    with pikepdf.open(path) as pdf:
        box = pdf.pages[0].mediabox
        assert round(float(box[2])) == 842 and round(float(box[3])) == 595  # A4 landscape
        fonts = [f for page in pdf.pages for f in page.Resources.Font.values()]
        assert fonts
        for f in fonts:
            desc = f.get("/FontDescriptor") or f.DescendantFonts[0].FontDescriptor
            assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), f.BaseFont
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "区建设局2011年民主评议归档文件目录" in text
    for word in ("序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注", "已撤回"):
        assert word in text


def test_merged_pdf_has_a_bookmark_per_item_in_order(bundle_2011, tmp_path):
    import pikepdf

    bag = unzip(bundle_2011[0], tmp_path)
    recs = records_of(bag)
    with pikepdf.open(bag / "data" / "合订本.pdf") as pdf, pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
        starts = [pdf.pages.index(item.destination[0]) if not isinstance(item.destination, int)
                  else item.destination for item in outline.root]
        pages = len(pdf.pages)
    assert titles == [f"{fn} {m['题名']}" for fn, m in sorted(
        recs.items(), key=lambda kv: kv[0])]  # one 年度, one 保管期限: 档号 order is text order
    assert pages == sum(m["页数"] for m in recs.values())
    assert starts[0] == 0 and starts == sorted(starts)


def test_the_audit_log_is_the_whole_chain_up_to_the_head_in_bag_info(bundle_2011, tmp_path):
    """The whole log (every link checkable), its last entry the head bag-info records; the
    classified 件 left out appear only as the 档号 and digests the description lists anyway."""
    from docgen.archive import audit

    bag = unzip(bundle_2011[0], tmp_path)
    entries = [json.loads(ln) for ln in (bag / "data" / "审计日志.jsonl").read_text(
        encoding="utf-8").splitlines()]
    assert entries[0]["action"] == "init"
    prev = audit.GENESIS
    for seq, e in enumerate(entries, 1):
        assert e["hash"] == audit.entry_hash(e) and e["prev"] == prev and e["seq"] == seq
        prev = e["hash"]
    info = (bag / "bag-info.txt").read_text(encoding="utf-8")
    assert f"Docgen-Audit-Head: {entries[-1]['seq']}:{entries[-1]['hash']}" in info
    assert set(records_of(bag)) <= {fn for e in entries for fn in e.get("records", {})}


# --- options ------------------------------------------------------------------------------

def test_filters_by_unit_and_type_and_includes_classified_on_request(archive_dir, tmp_path):
    from docgen.bundle import BundleOptions, make_bundle

    arc = open_archive(archive_dir)
    r = make_bundle(arc, tmp_path / "bgs.zip", BundleOptions(unit="BGS"))
    assert r.name == "Z109-all-BGS"
    import bagit

    bag = unzip(tmp_path / "bgs.zip", tmp_path / "bgs")
    assert bagit.Bag(str(bag)).info["Docgen-Unit"] == "区建设局办公室 (BGS)"
    assert "范围：全部年度　区建设局办公室（BGS）　全部类型" in (
        bag / "data" / "说明.txt").read_text(encoding="utf-8")
    assert r.records == ["Z109-WS·2011-D30-BGS-0001", "Z109-WS·2011-D30-BGS-0002",
                         "Z109-WS·2012-D30-BGS-0001"]
    r = make_bundle(arc, tmp_path / "plan.zip", BundleOptions(unit="区建设局规划处", type="plan"))
    assert r.records == ["Z109-WS·2011-D30-GHC-0001", "Z109-WS·2011-D30-GHC-0005"]
    r = make_bundle(arc, tmp_path / "all.zip", BundleOptions(year=2011, include_classified=True))
    assert "Z109-WS·2011-D30-GHC-0004" in r.records and not r.left_out
    bag = unzip(tmp_path / "all.zip", tmp_path / "x")
    info = bagit.Bag(str(bag)).info
    assert info["Docgen-Classified-Included"] == "yes"
    assert info["Docgen-Records-Classified-Left-Out"] == "0"
    from docgen.bundle import verify_bundle

    assert verify_bundle(tmp_path / "all.zip").records == 7


def test_sha256_only_bag_validates(archive_dir, tmp_path):
    import bagit

    from docgen.bundle import BundleOptions, make_bundle, verify_bundle

    out = tmp_path / "b.zip"
    make_bundle(open_archive(archive_dir), out, BundleOptions(year=2012, checksums=("sha256",)))
    bag = unzip(out, tmp_path / "x")
    assert bagit.Bag(str(bag)).algorithms == ["sha256"]
    assert "manifest-sha256.txt 记录" in (bag / "data" / "说明.txt").read_text(encoding="utf-8")
    assert verify_bundle(out).records == 1


@pytest.mark.parametrize("options, words", [
    ({"checksums": ("md5",)}, "use sha256, or sha256 and sha512"),
    ({"unit": "XYZ"}, "--unit 'XYZ' is not a unit of this archive"),
    ({"type": "memo"}, "--type 'memo' is not a record type"),
    ({"year": 1999}, "nothing to bundle"),
    ({"year": 2011, "unit": "GHC", "type": "other"}, "1 classified 件 match; add "
                                                     "--include-classified"),
])
def test_bad_options_are_refused_and_nothing_is_written(archive_dir, tmp_path, options, words):
    from docgen.bundle import BundleOptions, make_bundle

    before = tree(archive_dir)
    with pytest.raises(BadInput) as e:
        make_bundle(open_archive(archive_dir), tmp_path / "b.zip", BundleOptions(**options))
    assert words in e.value.message
    assert list(tmp_path.iterdir()) == [] and tree(archive_dir) == before


# --- reproducible and atomic --------------------------------------------------------------

def test_same_archive_options_and_clock_give_identical_bytes(archive_copy, tmp_path):
    from docgen.bundle import BundleOptions, make_bundle

    opts = BundleOptions(year=2011)
    a, b, c = (tmp_path / d / "b.zip" for d in "abc")
    for p in (a, b, c):
        p.parent.mkdir()
    make_bundle(open_archive(archive_copy), a, opts, clock=clock)
    # file times and modes on disk must not reach the zip
    for p in archive_copy.rglob("*"):
        os.utime(p, (1_000_000_000, 1_000_000_000), follow_symlinks=False)
    make_bundle(open_archive(archive_copy), b, opts, clock=clock)
    assert a.read_bytes() == b.read_bytes()
    make_bundle(open_archive(archive_copy), c, opts,
                clock=lambda: BUNDLED_AT + dt.timedelta(days=1))
    assert c.read_bytes() != a.read_bytes()
    with zipfile.ZipFile(a) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(2012, 1, 20, 15, 30, 4)}  # zip keeps even seconds
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


@pytest.mark.parametrize("fault", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_interrupted_bundle_leaves_no_file(archive_dir, tmp_path, fault):
    from docgen.bundle import BundleOptions, make_bundle

    out_dir = tmp_path / "out"
    out_dir.mkdir()
    seen = []

    def fail_midway(name):
        seen.append(name)
        if len(seen) == 8:
            raise fault

    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(type(fault)):
        make_bundle(open_archive(archive_dir), out_dir / "b.zip", BundleOptions(year=2011),
                    workdir=work, _on_zip_entry=fail_midway)
    assert len(seen) == 8
    assert list(out_dir.iterdir()) == []  # no b.zip, no temp file
    assert list(work.iterdir()) == []  # and no staging folder


def test_interrupted_rewrite_keeps_the_old_bundle(archive_dir, tmp_path, bundle_2011):
    from docgen.bundle import BundleOptions, make_bundle

    out = tmp_path / "b.zip"
    shutil.copyfile(bundle_2011[0], out)
    before = out.read_bytes()

    def fail(name):
        raise OSError("read error")

    with pytest.raises(OSError):
        make_bundle(open_archive(archive_dir), out, BundleOptions(year=2012), _on_zip_entry=fail)
    assert out.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["b.zip"]


# --- an archive that fails verify ---------------------------------------------------------

def _damage_a_pdf(root: Path) -> Path:
    pdf = next((root / "records" / "2011").glob("*GHC-0002/*GHC-0002.pdf"))
    os.chmod(pdf, 0o644)
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0xFF
    pdf.write_bytes(bytes(data))
    os.chmod(pdf, 0o444)
    return pdf


def test_unverified_archive_is_refused_with_its_problems(archive_copy, tmp_path):
    from docgen.bundle import BundleOptions, make_bundle

    _damage_a_pdf(archive_copy)
    with pytest.raises(VerifyFailed) as e:
        make_bundle(open_archive(archive_copy), tmp_path / "b.zip", BundleOptions(year=2011))
    assert e.value.exit_code == ExitCode.verify_failed
    assert "fails 四性检测" in e.value.message
    assert any("GHC-0002" in str(d) for d in e.value.details)
    assert "--allow-unverified" in str(e.value.details[-1])
    assert not (tmp_path / "b.zip").exists()


def test_unreadable_record_is_listed_among_the_problems(archive_copy, tmp_path):
    from docgen.bundle import BundleOptions, make_bundle

    meta = next((archive_copy / "records" / "2011").glob("*GHC-0003/record.json"))
    os.chmod(meta, 0o644)
    meta.write_text("{ 不是 JSON", encoding="utf-8")
    before = tree(archive_copy)
    with pytest.raises(VerifyFailed) as e:
        make_bundle(open_archive(archive_copy), tmp_path / "b.zip", BundleOptions(year=2011))
    assert any("GHC-0003" in str(d) for d in e.value.details)
    assert not (tmp_path / "b.zip").exists() and tree(archive_copy) == before


def test_allow_unverified_marks_the_bundle(archive_copy, tmp_path):
    from docgen.bundle import BundleOptions, check_bundle, make_bundle

    _damage_a_pdf(archive_copy)
    out = tmp_path / "b.zip"
    r = make_bundle(open_archive(archive_copy), out,
                    BundleOptions(year=2011, allow_unverified=True))
    assert r.unverified and r.archive_problems
    bag = unzip(out, tmp_path / "x")
    import bagit

    assert bagit.Bag(str(bag)).info["Docgen-Archive-Verified"].startswith("no: the archive "
                                                                          "failed 四性检测")
    assert "未通过四性检测" in (bag / "data" / "说明.txt").read_text(encoding="utf-8")
    result = check_bundle(out)
    assert result.unverified
    # the bag is intact, and the damage done before bundling is still named
    assert result.problems == [
        "data/2011/GHC/Z109-WS·2011-D30-GHC-0002/Z109-WS·2011-D30-GHC-0002.pdf: SHA-256 "
        "differs from the digest recorded at filing in record.json (replaced, then re-bagged)"]


def test_symlinked_file_in_archive_is_never_bundled(archive_copy, tmp_path):
    from docgen.bundle import BundleOptions, make_bundle

    folder = next((archive_copy / "records" / "2011").glob("*GHC-0002"))
    original = next(folder.glob("*.original.*"))
    secret = tmp_path / "outside.txt"
    secret.write_text("not part of the archive")
    original.unlink()
    original.symlink_to(secret)
    with pytest.raises(VerifyFailed) as e:
        make_bundle(open_archive(archive_copy), tmp_path / "b.zip",
                    BundleOptions(year=2011, allow_unverified=True))
    assert any("symbolic link" in str(d) for d in e.value.details)
    assert not (tmp_path / "b.zip").exists()


# --- tampering after bundling -------------------------------------------------------------

def _flip_byte(bag):
    p = next((bag / "data" / "2011" / "GHC").glob("*GHC-0002/*GHC-0002.pdf"))
    data = bytearray(p.read_bytes())
    data[1000] ^= 0x01
    p.write_bytes(bytes(data))
    return [f"{p.relative_to(bag).as_posix()}: sha256 digest differs from the manifest",
            f"{p.relative_to(bag).as_posix()}: sha512 digest differs from the manifest"]


def _delete_one(bag):
    p = next((bag / "data" / "2011" / "GHC").glob("*GHC-0003/*.original.docx"))
    p.unlink()
    rel = p.relative_to(bag).as_posix()
    return [f"{rel}: listed in the manifest but missing from the bundle (deleted)",
            f"{rel}: the original file named in record.json is missing"]


def _add_one(bag):
    p = bag / "data" / "2011" / "GHC" / "补充材料.txt"
    p.write_text("后补的材料", encoding="utf-8")
    return ["data/2011/GHC/补充材料.txt: in the bundle but in no manifest (added after bundling)",
            "Payload-Oxum"]


def _edit_catalogue(bag):
    from openpyxl import load_workbook

    path = bag / "data" / "归档文件目录.xlsx"
    wb = load_workbook(path)
    wb["归档文件目录"]["E6"] = "区建设局规划处2011年民主评议工作实施方案（改）"
    wb.save(path)
    return ["data/归档文件目录.xlsx: sha256 digest differs from the manifest"]


def _edit_catalogue_and_rebag(bag):
    import bagit

    _edit_catalogue(bag)
    bagit.Bag(str(bag)).save(manifests=True)  # a forger who knows BagIt
    return ["data/归档文件目录.xlsx row 6 (Z109-WS·2011-D30-GHC-0001): 题名 is "
            "'区建设局规划处2011年民主评议工作实施方案（改）', record.json says "
            "'区建设局规划处2011年民主评议工作实施方案'"]


def _edit_record_and_rebag(bag):
    import bagit

    p = next((bag / "data" / "2011" / "GHC").glob("*GHC-0003/record.json"))
    meta = json.loads(p.read_bytes())
    meta["日期"] = "20110101"
    p.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    bagit.Bag(str(bag)).save(manifests=True)
    return ["Z109-WS·2011-D30-GHC-0003: record.json differs from the SM3 digest in its latest "
            "audit entry (edited after filing)",
            "row 8 (Z109-WS·2011-D30-GHC-0003): 日期 is '20111202', record.json says "
            "'20110101'"]


def _add_one_and_rebag(bag):
    import bagit

    (bag / "data" / "2011" / "说明（补）.txt").write_text("后补", encoding="utf-8")
    bagit.Bag(str(bag)).save(manifests=True)
    return ["data/2011/说明（补）.txt: not part of a docgen bundle"]


def _edit_bag_info(bag):
    p = bag / "bag-info.txt"
    p.write_text(p.read_text(encoding="utf-8").replace(
        "Docgen-Records-Classified-Left-Out: 1", "Docgen-Records-Classified-Left-Out: 0"),
        encoding="utf-8")
    return ["bag-info.txt: sha256 digest differs from the manifest"]


@pytest.mark.parametrize("tamper", [_flip_byte, _delete_one, _add_one, _edit_catalogue,
                                    _edit_catalogue_and_rebag, _edit_record_and_rebag,
                                    _add_one_and_rebag, _edit_bag_info])
def test_tampered_bundle_is_caught_and_named(bundle_2011, tmp_path, tamper):
    from docgen.bundle import verify_bundle

    bag = unzip(bundle_2011[0], tmp_path / "x")
    expected = tamper(bag)
    bad = rezip(bag, tmp_path / "tampered.zip")
    with pytest.raises(VerifyFailed) as e:
        verify_bundle(bad)
    assert e.value.exit_code == ExitCode.verify_failed
    lines = "\n".join(e.value.lines())
    for words in expected:
        assert words in lines, lines
    # the independent validator agrees, except where the forger re-made the manifests
    done = subprocess.run([sys.executable, "-m", "bagit", "--validate", str(bag)],
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode == 0) == tamper.__name__.endswith("rebag")


# --- unsafe zips: refused before anything is extracted ------------------------------------

def _evil_zip(path: Path, entries) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Z109-2011/bagit.txt", "BagIt-Version: 0.97\n")
        for info in entries:
            zf.writestr(info, b"owned")
    return path


def _symlink_entry(name, target):
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def test_traversal_absolute_and_link_entries_are_refused(tmp_path):
    from docgen.bundle import check_bundle

    work = tmp_path / "work"
    work.mkdir()
    outside = tmp_path / "absolute-target.txt"
    cases = {
        "dotdot": (["Z109-2011/../../escaped.txt"], "'..' in the path"),
        "absolute": ([str(outside)], "absolute path in the zip"),
        "link": ([_symlink_entry("Z109-2011/data/link", "/etc/passwd")], "a symbolic link"),
    }
    for label, (entries, words) in cases.items():
        z = _evil_zip(tmp_path / f"{label}.zip", entries)
        result = check_bundle(z, workdir=work)
        assert not result.ok
        assert any(words in p for p in result.problems), result.problems
        assert result.problems[-1] == "nothing was extracted"
        assert list(work.iterdir()) == [] and not outside.exists()
        assert not (tmp_path / "escaped.txt").exists() and not (work.parent / "escaped.txt"
                                                                 ).exists()


def test_size_declared_past_the_bound_is_refused(tmp_path):
    from docgen.bundle import VerifyLimits, check_bundle

    # a real bomb: 8 MiB of zeros deflate to a few KiB
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Z109-2011/bagit.txt", "BagIt-Version: 0.97\n")
        zf.writestr("Z109-2011/data/zeros.bin", bytes(8 << 20))
    result = check_bundle(bomb, limits=VerifyLimits(max_ratio=10, floor_bytes=0))
    assert any("past the bound" in p for p in result.problems), result.problems
    # a lying header: a tiny entry whose central directory declares 4 GB
    liar = tmp_path / "liar.zip"
    with zipfile.ZipFile(liar, "w") as zf:
        zf.writestr("Z109-2011/bagit.txt", "BagIt-Version: 0.97\n")
    data = bytearray(liar.read_bytes())
    cd = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, cd + 24, 0xFFFFFFF0)  # uncompressed size
    liar.write_bytes(bytes(data))
    work = tmp_path / "work"
    work.mkdir()
    result = check_bundle(liar, workdir=work)
    assert any("declare 4294967280 bytes unpacked, past the bound" in p
               for p in result.problems), result.problems
    assert list(work.iterdir()) == []


def test_not_a_zip_and_no_bag(tmp_path):
    from docgen.bundle import check_bundle

    junk = tmp_path / "junk.zip"
    junk.write_text("这不是压缩包")
    assert "not a readable zip file" in check_bundle(junk).problems[0]
    empty = tmp_path / "plain.zip"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert "no bagit.txt" in check_bundle(empty).problems[0]


# --- the command line ---------------------------------------------------------------------

def test_cli_bundle_then_verify(docgen, archive_dir, tmp_path):
    out = tmp_path / "规划处2011.zip"
    code, stdout, stderr = docgen("-q", "bundle", "--archive", archive_dir, "--year", "2011",
                                  "--unit", "GHC", "-o", out)
    assert code == 0, stderr
    assert stdout.strip() == str(out)
    code, stdout, stderr = docgen("bundle", "verify", out)
    assert code == 0, stderr
    assert "OK, 4 件" in stdout
    code, stdout, _ = docgen("bundle", "verify", "--json", out)
    assert json.loads(stdout)["ok"] is True


def test_cli_verify_names_problems_and_exits_8(docgen, bundle_2011, tmp_path):
    bag = unzip(bundle_2011[0], tmp_path / "x")
    _flip_byte(bag)
    _add_one(bag)
    bad = rezip(bag, tmp_path / "bad.zip")
    code, stdout, stderr = docgen("bundle", "verify", bad)
    assert code == ExitCode.verify_failed == 8
    assert stderr.startswith(f"docgen: {bad}: the bundle fails verification")
    assert "sha256 digest differs" in stderr and "added after bundling" in stderr
    assert "Traceback" not in stderr and stdout == ""
    # --json prints the report of a failed bundle too, with each problem's code; still exit 8
    code, stdout, stderr = docgen("bundle", "verify", "--json", bad)
    assert code == 8 and stderr.startswith(f"docgen: {bad}: the bundle fails verification")
    report = json.loads(stdout)
    assert report["ok"] is False and len(report["codes"]) == len(report["problems"]) >= 2
    assert any("sha256 digest differs" in p for p in report["problems"])


def test_cli_bad_input(docgen, archive_dir, tmp_path):
    before = tree(archive_dir)
    code, _, stderr = docgen("bundle", "--archive", archive_dir, "--unit", "NOPE", "-o",
                             tmp_path / "b.zip")
    assert code == ExitCode.bad_input and "--unit 'NOPE' is not a unit" in stderr
    code, _, stderr = docgen("bundle", "--archive", archive_dir, "-o", tmp_path / "b.tar")
    assert code == ExitCode.bad_input and "a bundle is a .zip file" in stderr
    code, _, stderr = docgen("bundle", "--archive", archive_dir)
    assert code == ExitCode.usage and "-o FILE.zip" in stderr
    code, _, stderr = docgen("bundle", "--archive", tmp_path / "none", "-o", tmp_path / "b.zip")
    assert code == ExitCode.archive_error
    code, _, stderr = docgen("bundle", "--archive", archive_dir, "-o",
                             archive_dir / "records" / "b.zip")
    assert code == ExitCode.bad_input and "is inside the archive" in stderr
    code, _, stderr = docgen("bundle", "verify", tmp_path / "missing.zip")
    assert code == ExitCode.bad_input and "no such file" in stderr
    assert "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == [] and tree(archive_dir) == before


def test_cli_refuses_unverified_archive_listing_problems(docgen, archive_copy, tmp_path):
    _damage_a_pdf(archive_copy)
    out = tmp_path / "b.zip"
    code, _, stderr = docgen("bundle", "--archive", archive_copy, "-o", out)
    assert code == ExitCode.verify_failed
    assert "fails 四性检测" in stderr and "GHC-0002" in stderr and "--allow-unverified" in stderr
    assert not out.exists()
    code, _, stderr = docgen("bundle", "--archive", archive_copy, "--allow-unverified", "-o", out)
    assert code == 0 and "marked unverified" in stderr and out.is_file()


def test_cli_help_has_examples(run):
    for args in (["bundle", "--help"], ["bundle", "verify", "--help"]):
        result = run(*args)
        assert result.exit_code == 0 and "Example:" in result.output


def test_bundle_verify_failure_in_chinese_with_stable_codes(bundle_2011, tmp_path, docgen):
    """`bundle verify`'s problems follow --lang (and a web request's language); the report's
    JSON keeps its keys, and `codes` (one per problem, beside `problems`) is the same in
    either language."""
    bag = unzip(bundle_2011[0], tmp_path / "x")
    _delete_one(bag)
    bad = rezip(bag, tmp_path / "tampered.zip")
    code, out, err = docgen("--lang", "zh", "bundle", "verify", bad)
    rel = next(p for p in _manifest_paths(bag) if p.endswith(".original.docx")
               and "GHC-0003" in p)
    assert code == 8 and err.startswith(f"docgen: {bad}: 包未通过检验（")
    assert f"  {rel}: 清单中有，包中却缺失（被删除）\n" in err
    assert err.endswith("  此包已不是 docgen 生成时的样子：请从档案库重新打包（`docgen bundle`）\n")
    assert "missing from the bundle" not in err
    code, _out, err_en = docgen("--lang", "en", "bundle", "verify", bad)
    assert code == 8 and (f"  {rel}: listed in the manifest but missing from the bundle "
                          "(deleted)\n") in err_en
    from docgen.bundle.verify import check_bundle
    from docgen.i18n import language

    en = check_bundle(bad).to_json()
    with language("zh"):  # a web request's language: the same texts, in Chinese
        zh = check_bundle(bad).to_json()
    assert set(zh) == set(en) >= {"ok", "problems", "codes", "bag_info"}
    assert zh["codes"] == en["codes"] and "missing" in en["codes"]
    assert len(en["codes"]) == len(en["problems"]) == len(zh["problems"])
    i = en["problems"].index(f"{rel}: listed in the manifest but missing from the bundle "
                             "(deleted)")
    assert zh["problems"][i] == f"{rel}: 清单中有，包中却缺失（被删除）"


def _manifest_paths(bag: Path) -> list[str]:
    text = (bag / "manifest-sha256.txt").read_text(encoding="utf-8")
    return [line.split(None, 1)[1] for line in text.splitlines()]
