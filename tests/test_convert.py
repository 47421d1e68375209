"""Word to PDF/A through a real LibreOffice: text, fonts and metadata survive; faults are survived.

LibreOffice is expensive on this machine, so one batch (good and bad files together, through the
CLI) is converted once per module and its PDFs are read by several tests; the fault tests that
must kill or stop LibreOffice run their own small batches.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import signal
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from pypdf import PdfReader

from docgen.convert import pdfa
from docgen.convert import ConvertOptions, Offices, convert
from docgen.errors import BadInput, ConverterMissing, ExitCode
from tests.conftest import CORPUS, EXAMPLES, tree

RARE = "𠀀㐀龘"  # CJK Ext B, Ext A, and a URO character outside GB 2312
META = {"title": "区建设局规划处民主评议工作实施方案", "author": "区建设局规划处",
        "subject": "工作方案", "keywords": "民主评议"}


# ---------------------------------------------------------------- inputs

def corpus_paragraphs(report: int, n: int, start: int = 5) -> list[str]:
    """n real paragraphs (40+ characters) from one government work report."""
    with open(CORPUS, encoding="utf-8") as f:
        content = json.loads(f.readlines()[report])["content"]
    paras = [p.strip() for p in content.split("\n") if len(p.strip()) >= 40][start:start + n]
    assert len(paras) == n, f"report {report} has too few paragraphs"
    return paras


def run_in(paragraph, text: str, font: str, size: float = 16, bold: bool = False):
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.name = font
    run.font.bold = bold
    run._element.get_or_add_rPr().find(qn("w:rFonts")).set(qn("w:eastAsia"), font)
    return run


def make_docx(path: Path, body: list[str], *, title: str = META["title"],
              headings: bool = False) -> dict[str, str]:
    """A GB/T 9704-ish Word file: 小标宋 title, 黑体/楷体 headings, 仿宋_GB2312 body.

    Returns the text written, by the font it was written in.
    """
    doc = Document()
    props = doc.core_properties
    props.title, props.author = title, META["author"]
    props.subject, props.keywords = META["subject"], META["keywords"]
    written: dict[str, str] = {}

    def add(text, font, **kw):
        run_in(doc.add_paragraph(), text, font, **kw)
        written[font] = written.get(font, "") + text

    add(title, "方正小标宋简体", size=22)
    if headings:
        add("一、指导思想", "黑体")
        add("（一）明确思路、抓住重点", "楷体_GB2312")
    for text in body:
        add(text, "仿宋_GB2312")
    if headings:
        add("附件：1.民主评议征求意见表", "宋体")
    doc.save(path)
    return written


def make_junk_zip(path: Path) -> None:
    """A zip of junk renamed .docx: it opens as a zip, but nothing in it is Word."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "这不是Word文件。" * 20)
        z.writestr("data.bin", bytes(range(256)) * 8)


def make_corrupt(src: Path, path: Path) -> None:
    """A real .docx whose document.xml is cut in half."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]
            zout.writestr(item, data)


def make_password_protected(src: Path, path: Path) -> None:
    pytest.importorskip(
        "msoffcrypto", reason="msoffcrypto-tool makes the password-protected .docx")
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(src, "rb") as fin, open(path, "wb") as fout:
        OOXMLFile(fin).encrypt("secret", fout)


# ---------------------------------------------------------------- reading PDFs

def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def chars_by_font(pdf: Path) -> Counter:
    """(font base name without subset prefix, character) -> times drawn."""
    tally: Counter = Counter()
    for page in PdfReader(pdf).pages:
        def visit(text, cm, tm, font, size):
            if font is None:
                return
            name = str(font.get("/BaseFont", "")).lstrip("/").split("+")[-1]
            for ch in text:
                if not ch.isspace():
                    tally[(name, ch)] += 1
        page.extract_text(visitor_text=visit)
    return tally


def text_by_font(pdf: Path) -> dict[str, str]:
    """Font base name (no subset prefix) -> the text it drew, whitespace removed, in order."""
    drawn: dict[str, str] = {}
    for page in PdfReader(pdf).pages:
        def visit(text, cm, tm, font, size):
            if font is not None and text.strip():
                name = str(font.get("/BaseFont", "")).lstrip("/").split("+")[-1]
                drawn[name] = drawn.get(name, "") + squeeze(text)
        page.extract_text(visitor_text=visit)
    return drawn


def font_of(tally: Counter, text: str) -> Counter:
    """Which fonts drew the characters of `text`."""
    wanted = set(squeeze(text))
    out: Counter = Counter()
    for (font, ch), n in tally.items():
        if ch in wanted:
            out[font] += n
    return out


def soffice_pids() -> list[int]:
    """soffice.bin processes started (through oosplash) by this test process."""
    me, found = os.getpid(), []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != "soffice.bin":
                continue
            pid = int(entry.name)
            while pid > 1:
                stat = Path(f"/proc/{pid}/stat").read_text()
                pid = int(stat.rsplit(")", 1)[1].split()[1])
                if pid == me:
                    found.append(int(entry.name))
                    break
        except (OSError, ValueError, IndexError):
            continue
    return found


def cli(*args, env: dict | None = None) -> tuple[int, str, str]:
    from docgen.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


# ---------------------------------------------------------------- one batch, many checks

@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Good and bad files converted together through `docgen convert`, once."""
    src = tmp_path_factory.mktemp("docx")
    out = tmp_path_factory.mktemp("pdf") / "out"
    good = {}
    fonts = make_docx(src / "方案.docx", corpus_paragraphs(70, 4) + [f"生僻字：{'、'.join(RARE)}。"],
                      headings=True)
    good[src / "方案.docx"] = fonts
    for i, report in enumerate((40, 51, 60)):
        path = src / f"report{i}.docx"
        good[path] = make_docx(path, corpus_paragraphs(report, 6), title=f"政府工作报告摘录{i}")
    bad = {src / "junk.docx": "corrupt", src / "corrupt.docx": "source file could not be loaded",
           src / "missing.docx": "no such file", src / "notes.txt": "not a Word file (.txt)"}
    (src / "notes.txt").write_text(corpus_paragraphs(70, 1)[0], encoding="utf-8")
    make_junk_zip(src / "junk.docx")
    make_corrupt(src / "report0.docx", src / "corrupt.docx")
    try:
        make_password_protected(src / "report1.docx", src / "password.docx")
        bad[src / "password.docx"] = "password-protected"
    except pytest.skip.Exception:
        pass
    inputs = [*good, *bad]
    code, stdout, stderr = cli("convert", *inputs, "-o", out)
    return {"good": good, "bad": bad, "out": out, "code": code, "stdout": stdout,
            "stderr": stderr, "pdf": {p: out / (p.stem + ".pdf") for p in good}}


@pytest.mark.slow
def test_batch_reports_successes_on_stdout_failures_on_stderr(batch):
    assert batch["code"] == ExitCode.conversion_failed
    assert batch["stdout"].split() == [str(p) for p in batch["pdf"].values()]
    err = batch["stderr"]
    assert "Traceback" not in err
    n = len(batch["good"]) + len(batch["bad"])
    assert f"docgen: {len(batch['bad'])} of {n} file(s) could not be converted" in err
    for path, words in batch["bad"].items():
        line = next(ln for ln in err.splitlines() if str(path) in ln)
        assert words in line, line


@pytest.mark.slow
def test_only_finished_pdfs_under_final_names(batch):
    assert sorted(p.name for p in batch["out"].iterdir()) == sorted(
        p.name for p in batch["pdf"].values())


@pytest.mark.slow
def test_password_protected_docx_fails_in_libreoffices_words(batch):
    if not any(p.name == "password.docx" for p in batch["bad"]):
        pytest.skip("msoffcrypto-tool not installed: no password-protected .docx to test")
    line = next(ln for ln in batch["stderr"].splitlines() if "password.docx" in ln)
    assert "LibreOffice asked for its password" in line


@pytest.mark.slow
def test_text_survives_word_for_word(batch):
    for src, written in batch["good"].items():
        expected = squeeze("".join(written.values()))
        assert squeeze(pdf_text(batch["pdf"][src])) == expected, src.name


@pytest.mark.slow
def test_rare_characters_are_drawn_not_tofu(batch):
    pdf = batch["pdf"][next(iter(batch["good"]))]
    assert all(ch in pdf_text(pdf) for ch in RARE)
    tally = chars_by_font(pdf)
    for ch in RARE:
        fonts = font_of(tally, ch)
        # The Fandol fonts lack them; a font that has the glyph must have drawn each.
        assert fonts and not any(f.startswith("Fandol") for f in fonts), (ch, fonts)
        assert set(fonts) <= {"BabelStoneHan"}, (ch, fonts)


@pytest.mark.slow
def test_gbt9704_families_use_their_free_stand_ins(batch):
    src = next(iter(batch["good"]))
    written, drawn = batch["good"][src], text_by_font(batch["pdf"][src])
    expect = {"方正小标宋简体": "FandolSong-Bold", "黑体": "FandolHei-Regular",
              "楷体_GB2312": "FandolKai-Regular", "宋体": "FandolSong-Regular",
              "仿宋_GB2312": "FandolFang-Regular"}
    for family, stand_in in expect.items():
        # every stretch of the family's text between rare characters, in the stand-in
        for piece in re.split(f"[{RARE}]", squeeze(written[family])):
            assert squeeze(piece) in drawn.get(stand_in, ""), (family, piece, sorted(drawn))
    assert sorted(drawn) == sorted({*expect.values(), "BabelStoneHan"})


@pytest.mark.slow
def test_no_japanese_or_other_cjk_variant_fonts(batch):
    for pdf in batch["pdf"].values():
        for name in pdfa.font_names(pdf):
            assert not re.search(r"jp|kr|tc|hk|JP|KR|TC|HK", name.split("-")[0][-2:]), name
            assert "CJKjp" not in name and "DejaVu" not in name, name


@pytest.mark.slow
def test_pdfs_are_pdfa_2b_with_the_forms_metadata(batch):
    for src, pdf in batch["pdf"].items():
        assert pdfa.check(pdf) == [], src
        with pikepdf.open(pdf) as p:
            meta = p.open_metadata()
            assert meta[f"{pdfa.PDFAID}part"] == "2"
            assert meta[f"{pdfa.PDFAID}conformance"] == "B"
            title = Document(src).core_properties.title
            assert str(p.docinfo["/Title"]) == title == meta[f"{pdfa.DC}title"]
            assert str(p.docinfo["/Author"]) == META["author"]
            assert list(meta[f"{pdfa.DC}creator"]) == [META["author"]]
            assert str(p.docinfo["/Subject"]) == META["subject"]
            assert str(p.docinfo["/Keywords"]) == META["keywords"]
            assert not p.is_encrypted and len(p.pages) >= 1


# ---------------------------------------------------------------- faults before any work

def test_libreoffice_missing_raises_naming_the_package(tmp_path):
    doc = tmp_path / "a.docx"
    make_docx(doc, corpus_paragraphs(70, 1))
    with pytest.raises(ConverterMissing, match="libreoffice-writer-nogui"):
        convert([doc], tmp_path / "out", options=ConvertOptions(soffice="/nonexistent/soffice"))
    assert not (tmp_path / "out").exists()


def test_libreoffice_missing_from_path_exit_code_5(tmp_path, monkeypatch):
    doc = tmp_path / "a.docx"
    make_docx(doc, corpus_paragraphs(70, 1))
    before = tree(tmp_path)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    code, out, err = cli("convert", doc, "-o", tmp_path / "out")
    assert code == ExitCode.converter_missing == 5
    assert out == ""
    assert err.count("\n") == 1 and "apt-get install libreoffice-writer-nogui" in err
    assert "Traceback" not in err
    assert tree(tmp_path) == before and not (tmp_path / "out").exists()


def test_two_inputs_with_one_output_name_are_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for d in ("a", "b"):
        make_docx(tmp_path / d / "方案.docx", corpus_paragraphs(70, 1))
    before = tree(tmp_path)
    with pytest.raises(BadInput, match="would both be written"):
        convert([tmp_path / "a" / "方案.docx", tmp_path / "b" / "方案.docx"], tmp_path / "out")
    code, out, err = cli("convert", tmp_path / "a" / "方案.docx", tmp_path / "b" / "方案.docx",
                         "-o", tmp_path / "out")
    assert code == ExitCode.bad_input and "would both be written" in err
    assert "Traceback" not in err and out == ""
    assert tree(tmp_path) == before


# ---------------------------------------------------------------- LibreOffice hangs or dies

@pytest.fixture(scope="module")
def five_docs(tmp_path_factory):
    src = tmp_path_factory.mktemp("five")
    paths = []
    for i in range(5):
        paths.append(src / f"第{i + 1}件.docx")
        make_docx(paths[-1], corpus_paragraphs(50 + i, 8), title=f"第{i + 1}件")
    return paths


def stop_libreoffice_after_first(sig: int):
    """An on_done callback that sends `sig` to LibreOffice once, after the first file."""
    hit = []

    def on_done(src, pdf, reason):
        if not hit:
            pids = soffice_pids()
            assert pids, "no soffice.bin under this process"
            for pid in pids:
                os.kill(pid, sig)
            hit.extend(pids)

    return on_done, hit


@pytest.mark.slow
def test_hung_libreoffice_is_killed_restarted_and_the_batch_goes_on(five_docs, tmp_path):
    # SIGSTOP freezes soffice.bin mid-batch: the next conversion hangs until the timeout.
    on_done, stopped = stop_libreoffice_after_first(signal.SIGSTOP)
    result = convert(five_docs, tmp_path, on_done=on_done,
                     options=ConvertOptions(timeout=6, workers=1))
    assert stopped
    assert result.failed == {}
    assert sorted(result.converted) == sorted(five_docs)
    assert all(pdfa.check(pdf) == [] for pdf in result.converted.values())
    assert result.restarts >= 1
    assert any("did not finish within 6 s" in why for why in result.retried.values())
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.stem + ".pdf" for p in five_docs)
    assert soffice_pids() == []


@pytest.mark.slow
def test_killed_libreoffice_is_restarted_and_every_other_file_comes_out(five_docs, tmp_path):
    on_done, killed = stop_libreoffice_after_first(signal.SIGKILL)
    result = convert(five_docs, tmp_path, on_done=on_done,
                     options=ConvertOptions(timeout=30, workers=2))
    assert killed
    assert result.failed == {}
    assert sorted(result.converted) == sorted(five_docs)
    assert result.restarts >= 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.stem + ".pdf" for p in five_docs)
    assert soffice_pids() == []


@pytest.mark.slow
def test_offices_keep_libreoffice_running_between_batches_and_stop_it_at_the_end(
        five_docs, tmp_path):
    """Layout fitting converts again what it just converted: the second batch reuses the
    LibreOffice the first started (no second start), and leaving the pool stops it."""
    options = ConvertOptions(timeout=60, workers=1)
    with Offices() as offices:
        first = convert(five_docs[:2], tmp_path / "1", options=options, offices=offices)
        running = soffice_pids()
        assert first.failed == {} and len(running) == 1
        second = convert(five_docs[2:3], tmp_path / "2", options=options, offices=offices)
        assert second.failed == {} and second.restarts == 0
        assert soffice_pids() == running  # the same process converted it
    assert soffice_pids() == []
    assert sorted(p.name for p in (tmp_path / "2").iterdir()) == [five_docs[2].stem + ".pdf"]


@pytest.mark.slow
def test_an_interrupted_batch_stops_the_offices_it_took(five_docs, tmp_path):
    def interrupt(src, pdf, reason):
        raise KeyboardInterrupt

    with Offices() as offices:
        with pytest.raises(KeyboardInterrupt):
            convert(five_docs, tmp_path, options=ConvertOptions(workers=1), offices=offices,
                    on_done=interrupt)
        assert soffice_pids() == []  # stopped, not kept for the next batch


# ---------------------------------------------------------------- GB/T 9704 layout, from the PDF

MM = 72 / 25.4
TYPE_TOP, TYPE_LEFT, TYPE_WIDTH, TYPE_HEIGHT = 37 * MM, 28 * MM, 156 * MM, 225 * MM
PITCH = TYPE_HEIGHT / 22  # 22 lines in the 225 mm type area
BODY_PT = 16.0  # 3号


def pdf_lines(pdf: Path) -> list[list[dict]]:
    """Per page, the text lines poppler finds, top to bottom: y0, y1, x0, x1 (pt) and text."""
    import xml.etree.ElementTree as ET

    xhtml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xhtml))
    h = "{http://www.w3.org/1999/xhtml}"
    pages = []
    for page in root.iter(f"{h}page"):
        rows = [{"y0": float(ln.get("yMin")), "y1": float(ln.get("yMax")),
                 "x0": float(ln.get("xMin")), "x1": float(ln.get("xMax")),
                 "text": "".join(w.text or "" for w in ln.iter(f"{h}word"))}
                for ln in page.iter(f"{h}line")]
        pages.append(sorted(rows, key=lambda r: (r["y0"], r["x0"])))
    return pages


def width_units(text: str) -> float:
    """Characters as GB/T 9704 counts them: a full-width character 1, a half-width one ½."""
    return sum(0.5 if ord(ch) < 0x2E80 and ch not in "—“”‘’…·" else 1 for ch in text)


def layout(pdf: Path) -> dict:
    """What the PDF shows: rows per page in the type area, body paragraphs, full-line widths,
    and the rows the same text needs at 28 characters a line."""
    pages = pdf_lines(pdf)
    lines, numbers = [], []
    for n, rows in enumerate(pages, 1):
        for r in rows:
            r["page"] = n
            r["body"] = abs((r["y1"] - r["y0"]) - 1.3 * BODY_PT) < 1.5  # one 3号 line
            (numbers if r["y0"] > TYPE_TOP + TYPE_HEIGHT else lines).append(r)
    paragraphs: list[list[dict]] = []
    for r in lines:  # a body line that starts at the margin after a full line continues it
        prev = paragraphs[-1][-1] if paragraphs else None
        if (prev and r["body"] and prev["body"] and abs(r["x0"] - TYPE_LEFT) < 2
                and prev["x1"] > TYPE_LEFT + TYPE_WIDTH - BODY_PT):
            paragraphs[-1].append(r)
        else:
            paragraphs.append([r])
    implied = 0  # rows the document needs at 28 characters a line
    for i, para in enumerate(paragraphs):
        first, last = para[0], para[-1]
        after = paragraphs[i + 1][0] if i + 1 < len(paragraphs) else None
        same_page = after is not None and after["page"] == last["page"]
        if first["body"] and first["x0"] - TYPE_LEFT < 3 * BODY_PT:  # flowing body text
            indent = round((first["x0"] - TYPE_LEFT) / BODY_PT)
            rows = math.ceil((indent + sum(width_units(r["text"]) for r in para)) / 28)
            blank = max(0, round((after["y0"] - last["y0"]) / PITCH) - 1) if same_page else 0
        else:  # 版头, title, 落款, 版记: the rows they take as laid out
            rows = max(1, round((after["y0"] - first["y0"]) / PITCH)) if same_page else 1
            blank = 0
        implied += rows + blank
    # a full row's units count its first-line indent (2 characters) as part of the 28
    full = [width_units(r["text"]) + round((r["x0"] - TYPE_LEFT) / BODY_PT)
            for para in paragraphs for r in para[:-1] if r["body"]]
    return {"pages": pages, "lines": lines, "numbers": numbers, "paragraphs": paragraphs,
            "implied_rows": implied, "full_line_units": full}


@pytest.fixture(scope="module")
def plan_pdf(tmp_path_factory):
    """The example plan, rendered by docgen.render and converted here."""
    from docgen.forms import load_form
    from docgen.render import render_form

    out = tmp_path_factory.mktemp("plan")
    docx = render_form(load_form(EXAMPLES / "plan.yaml"), out / "plan.docx")
    result = convert([docx], out)
    assert result.failed == {}
    return result.converted[docx]


@pytest.mark.slow
def test_example_plan_has_the_pages_22_lines_of_28_characters_imply(plan_pdf):
    shown = layout(plan_pdf)
    implied_pages = math.ceil(shown["implied_rows"] / 22)
    assert len(shown["pages"]) == implied_pages, (shown["implied_rows"], len(shown["pages"]))
    for n, rows in enumerate(shown["pages"], 1):
        in_area = [r for r in rows if r["y0"] <= TYPE_TOP + TYPE_HEIGHT]
        assert len({round(r["y0"]) for r in in_area}) <= 22, n
    # a page of body text, neither first nor last, holds exactly 22 lines at 225 mm / 22
    middle = [r for r in shown["pages"][1] if r["y0"] <= TYPE_TOP + TYPE_HEIGHT]
    assert len(middle) == 22 and all(r["body"] for r in middle)
    steps = [b["y0"] - a["y0"] for a, b in zip(middle, middle[1:])]
    assert all(abs(s - PITCH) < 0.5 for s in steps), steps
    assert middle[0]["y0"] >= TYPE_TOP and middle[-1]["y1"] <= TYPE_TOP + TYPE_HEIGHT


@pytest.mark.slow
def test_example_plan_page_numbers_alternate_sides(plan_pdf):
    numbers = layout(plan_pdf)["numbers"]
    assert [r["text"] for r in numbers] == [f"—{n}—" for n in range(1, len(numbers) + 1)]
    for n, r in enumerate(numbers, 1):
        odd = n % 2 == 1
        assert (r["x1"] > TYPE_LEFT + TYPE_WIDTH / 2) == odd, (n, r)  # odd right, even left
        assert r["y0"] > TYPE_TOP + TYPE_HEIGHT


@pytest.mark.slow
def test_example_plan_full_lines_hold_28_characters(plan_pdf):
    full = layout(plan_pdf)["full_line_units"]
    assert full and Counter(round(u) for u in full).most_common(1)[0][0] == 28, Counter(full)


@pytest.mark.slow
def test_word_file_without_author_fails_saying_how_to_fix_it(tmp_path):
    """A title can fall back to the file name; an author cannot be made up."""
    doc = tmp_path / "无作者.docx"
    make_docx(doc, corpus_paragraphs(70, 1), title="")
    d = Document(doc)
    d.core_properties.author = ""
    d.save(doc)
    result = convert([doc], tmp_path / "out", options=ConvertOptions(workers=1))
    assert result.converted == {}
    why = result.failed[doc]
    assert "no author in the document information (/Author)" in why
    assert "no title" not in why  # LibreOffice was given the file name as title
    assert "File > Info > Properties" in why
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.slow
def test_interrupted_batch_stops_libreoffice_and_leaves_only_finished_pdfs(five_docs, tmp_path):
    def on_done(src, pdf, reason):
        raise KeyboardInterrupt  # what Ctrl-C does to the waiting caller

    with pytest.raises(KeyboardInterrupt):
        convert(five_docs, tmp_path, on_done=on_done, options=ConvertOptions(workers=2))
    assert soffice_pids() == []
    left = list(tmp_path.iterdir())
    assert left and all(p.suffix == ".pdf" and ".part" not in p.name for p in left)
    assert all(pdfa.check(p) == [] for p in left)


# ---------------------------------------------------------------- every Word format, modes

@contextlib.contextmanager
def umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def test_refused_formats_say_why_and_what_to_do(tmp_path):
    from docgen.vocab import REFUSED_SUFFIXES

    macro = tmp_path / "方案.docm"
    make_docx(macro, corpus_paragraphs(70, 1))
    result = convert([macro], tmp_path / "out")
    assert result.converted == {}
    assert result.failed[macro] == f"not converted: .docm is {REFUSED_SUFFIXES['.docm']}"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("mask", [0o077, 0o000])
def test_generated_docx_is_0644_whatever_the_umask(examples, tmp_path, mask):
    with umask(mask):
        code, out, err = cli("generate", examples / "plan.yaml", "-o", tmp_path / "out")
    assert code == 0, err
    assert (tmp_path / "out" / "plan.docx").stat().st_mode & 0o777 == 0o644


@pytest.mark.slow
def test_every_word_format_converts_to_pdfa(tmp_path):
    """.docx, .doc, .wps (WPS Office's name for Word 97), .odt and .rtf, each made from one
    docgen .docx by LibreOffice itself; under umask 077 the PDFs are still 0644."""
    from docgen import _run
    from docgen.forms import load_form
    from docgen.render import render_form
    from docgen.vocab import WORD_SUFFIXES

    src = tmp_path / "src"
    src.mkdir()
    docx = render_form(load_form(EXAMPLES / "plan.yaml"), src / "plan.docx")
    inputs = {".docx": docx}
    for suffix, target in ((".doc", "doc:MS Word 97"), (".odt", "odt"), (".rtf", "rtf")):
        made = _run.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                         "--headless", "--norestore", "--convert-to", target,
                         "--outdir", tmp_path / "made", docx], timeout=300)
        assert made.returncode == 0, made.stderr
        inputs[suffix] = src / f"plan-{suffix[1:]}{suffix}"
        shutil.copyfile(tmp_path / "made" / f"plan{suffix}", inputs[suffix])
    inputs[".wps"] = src / "plan-wps.wps"
    shutil.copyfile(inputs[".doc"], inputs[".wps"])
    assert sorted(inputs) == sorted(WORD_SUFFIXES)
    with umask(0o077):
        code, out, err = cli("convert", *inputs.values(), "-o", tmp_path / "pdf")
    assert code == 0, err
    title = load_form(EXAMPLES / "plan.yaml").display_title
    for suffix, path in inputs.items():
        pdf = tmp_path / "pdf" / f"{path.stem}.pdf"
        assert pdfa.check(pdf) == [], suffix
        assert squeeze(title) in squeeze(pdf_text(pdf)), suffix
        assert pdf.stat().st_mode & 0o777 == 0o644, suffix
    # and `docgen import` files each of them (converted in one batch, the original kept)
    root = tmp_path / "archive"
    assert cli("init", root, "--fonds-code", "Z109", "--fonds-name", "区建设局",
               "--unit", "区建设局规划处=GHC")[0] == 0
    code, out, err = cli("import", "--archive", root, *inputs.values(), "--title", title,
                         "--date", "2011-04-15", "--json")
    assert code == 0, err
    filed = json.loads(out)
    assert len(filed) == 5
    kept = sorted(Path(r["files"]["original"]).suffix for r in filed)
    assert kept == sorted(WORD_SUFFIXES)


@pytest.mark.slow
def test_no_space_between_chinese_and_digits_in_the_pdf(tmp_path, docgen):
    """GB/T 9704 sets 〔2011〕3号 and 2011年4月15日 solid; LibreOffice's Asian/Latin
    autospace would print "3 号" and "2011 年"."""
    from tests.conftest import EXAMPLES

    code, out, err = docgen("generate", EXAMPLES / "plan.yaml", "-o", tmp_path, "--pdf")
    assert code == 0, err
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "plan.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "建规〔2011〕3号" in text and "2011年4月15日" in text
    assert not re.search(r"\d [年月日号]", text), re.findall(r".{6}\d [年月日号].{3}", text)
