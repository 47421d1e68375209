"""Forms as Excel workbooks: written by `form new --xlsx`, read by every form command, with
each bad workbook refused in one located line and nothing written."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from docgen.errors import ExitCode
from docgen.forms import load_form
from docgen.vocab import FORM_TYPES
from tests.conftest import EXAMPLES, tree


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> Path:
    """A workbook of every form type holding its bundled example, written by docgen's own
    workbook writer (what `form new --xlsx` writes, with the example's values)."""
    from ruamel.yaml import YAML

    from docgen.xlsx_forms import write

    d = tmp_path_factory.mktemp("xlsx")
    for kind in FORM_TYPES:
        data = YAML(typ="safe").load((EXAMPLES / f"{kind}.yaml").read_text(encoding="utf-8"))
        write(kind, data, d / f"{kind}.xlsx")
    return d


@pytest.mark.parametrize("kind", ["commitment", "opinions"])
def test_form_new_xlsx_is_placeholders_check_locates_by_cell(kind, tmp_path, docgen):
    book = tmp_path / f"{kind}.xlsx"
    code, out, err = docgen("form", "new", kind, "--xlsx", "-o", book)
    assert code == 0, err
    code, out, err = docgen("form", "check", book)
    assert code == 3
    located = [ln for ln in err.splitlines() if "still the placeholder" in ln]
    assert located and all(f"{book}:" in ln and "!" in ln for ln in located), err


def variant(books: Path, tmp_path: Path, change, kind="commitment", name=None) -> Path:
    wb = load_workbook(books / f"{kind}.xlsx")
    change(wb)
    out = tmp_path / (name or f"{kind}.xlsx")
    wb.save(out)
    return out


@pytest.mark.parametrize("kind", list(FORM_TYPES))
def test_every_type_round_trips(books, kind):
    assert load_form(books / f"{kind}.xlsx").model_dump() == \
        load_form(EXAMPLES / f"{kind}.yaml").model_dump()


def test_workbook_layout(books):
    wb = load_workbook(books / "commitment.xlsx")
    assert wb.sheetnames == ["基本信息", "承诺事项"]
    fields, items = wb["基本信息"], wb["承诺事项"]
    assert [c.value for c in fields[1]] == ["字段", "值", "说明", "字段代码"]
    assert [c.value for c in items[1]] == ["承诺事项", "量化目标", "完成时限", "责任科室或责任人"]
    assert fields.freeze_panes == items.freeze_panes == "A2"
    assert items["C2"].value == dt.datetime(2011, 6, 30) and "年" in items["C2"].number_format
    assert items.column_dimensions["A"].width > 2 * len("建设工程规划许可证审批实行限时办结")
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in items.data_validations.dataValidation}
    assert "审批科" in lists["D2"] and "财务科" in lists["D2"]  # 科室
    date_row = next(r for r in fields.iter_rows(min_row=2) if r[3].value == "date")
    assert date_row[1].value == dt.datetime(2011, 5, 10) and "必填" in date_row[2].value
    status = load_workbook(books / "fulfillment.xlsx")["践诺情况"].data_validations.dataValidation
    assert any("已完成,部分完成,未完成" in dv.formula1 for dv in status)
    grades = load_workbook(books / "results.xlsx")["评议结果"].data_validations.dataValidation
    assert any("优秀,良好,一般,较差" in dv.formula1 for dv in grades)


def test_dates_as_excel_dates_or_text_and_numbers_as_text(books, tmp_path):
    def change(wb):
        ws = wb["承诺事项"]
        ws["C2"], ws["C3"], ws["C4"], ws["C5"] = "2011/6/30", "2011.7.31", "2011年12月31日", 40816
        fields = wb["基本信息"]
        row = next(r for r in fields.iter_rows(min_row=2) if r[3].value == "supervision.phone")
        row[1].value = 86012399
    form = load_form(variant(books, tmp_path, change))
    assert [i.deadline for i in form.items] == [dt.date(2011, 6, 30), dt.date(2011, 7, 31),
                                                dt.date(2011, 12, 31), dt.date(2011, 9, 30)]
    assert form.supervision.phone == "86012399"


def test_problems_are_located_by_sheet_and_cell(books, tmp_path, docgen):
    def change(wb):
        ws = wb["承诺事项"]
        ws["C3"], ws["B5"], ws["A4"] = "2011年13月1日", "尽快", None
    path = variant(books, tmp_path, change)
    code, out, err = docgen("form", "check", path)
    assert code == ExitCode.bad_form
    assert f"{path}:承诺事项!C3: items.1.deadline: '2011年13月1日' is not a real date" in err
    assert f"{path}:承诺事项!B5: items.3.target: '尽快' states no number" in err
    assert f"{path}:承诺事项!A4: items.2.content: is required but missing" in err


def _encrypt(src: Path, out: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    buf = io.BytesIO()
    with open(src, "rb") as fh:
        OOXMLFile(fh).encrypt("secret", buf)
    out.write_bytes(buf.getvalue())


def _huge(wb):
    ws = wb["承诺事项"]
    for r in range(6, 3006):
        ws.append(["建设工程规划许可证审批实行限时办结" * 25, "压缩至10个工作日" * 25,
                   "2011-06-30", "审批科" * 40])


BAD = [
    ("renamed.xlsx", lambda wb: wb["承诺事项"].cell(1, 2, "目标"), ExitCode.bad_form,
     "承诺事项!B1: items: column header is '目标', not '量化目标'"),
    ("nosheet.xlsx", lambda wb: wb.remove(wb["承诺事项"]), ExitCode.bad_form,
     "承诺事项: items: the sheet '承诺事项' is missing"),
    ("nofields.xlsx", lambda wb: setattr(wb["基本信息"], "title", "Sheet1"), ExitCode.bad_form,
     "基本信息: no sheet '基本信息'"),
    ("merged.xlsx", lambda wb: wb["承诺事项"].merge_cells("A3:B3"), ExitCode.bad_form,
     "承诺事项!A3:B3: items: merged cells"),
    ("gap.xlsx", lambda wb: wb["承诺事项"].insert_rows(3), ExitCode.bad_form,
     "承诺事项!A3: items: an empty row in the middle of the table"),
    ("formula.xlsx", lambda wb: wb["承诺事项"].cell(4, 2, '=CONCATENATE("公开","36项")'),
     ExitCode.bad_form, "承诺事项!B4: a formula without a computed value"),
    ("huge.xlsx", _huge, ExitCode.bad_form, "承诺事项: the sheet is"),
    ("macro.xlsm", lambda wb: None, ExitCode.bad_input, "is a macro-enabled workbook — save "
     "it as .xlsx"),
    ("old.xls", lambda wb: None, ExitCode.bad_input, "is an old Excel workbook — save it as "
     ".xlsx"),
    ("wps.et", lambda wb: None, ExitCode.bad_input, "is a WPS spreadsheet — save it as .xlsx"),
]


@pytest.mark.parametrize("name, change, code, message", BAD, ids=[b[0] for b in BAD])
def test_bad_workbooks_one_located_line_nothing_written(books, tmp_path, docgen, name, change,
                                                       code, message):
    path = variant(books, tmp_path, change, name=name)
    before = tree(tmp_path)
    for cmd in (["form", "check", path], ["generate", path, "-o", tmp_path / "out"]):
        got, out, err = docgen(*cmd)
        assert got == code, err
        assert err.count("\n") == 1 and err.startswith(f"docgen: {path}")
        assert message in err
    assert tree(tmp_path) == before


def test_password_protected_workbook(books, tmp_path, docgen):
    path = tmp_path / "password.xlsx"
    _encrypt(books / "commitment.xlsx", path)
    code, _, err = docgen("form", "check", path)
    assert code == ExitCode.bad_form and "is password-protected" in err
    assert "remove the password" in err and err.count("\n") == 1


def test_generate_and_xlsx_options(books, tmp_path, docgen):
    code, out, err = docgen("generate", books / "opinions.xlsx", "-o", tmp_path / "out")
    assert code == 0, err
    assert (tmp_path / "out" / "opinions.docx").is_file()
    code, _, err = docgen("form", "new", "承诺书", "--xlsx")
    assert code == ExitCode.bad_input and "-o" in err
    code, _, err = docgen("form", "new", "commitment", "--xlsx", "-o", books / "commitment.xlsx")
    assert code == ExitCode.bad_input and "already exists" in err


def _soffice_to_xlsx(src: Path, out_dir: Path) -> Path:
    out_dir.mkdir()
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{out_dir}/lo",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out_dir),
                    str(src)], check=True, capture_output=True, timeout=180)
    return out_dir / src.name


@pytest.mark.slow
def test_a_workbook_saved_by_libreoffice(books, tmp_path):
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice is not installed")

    def formula(wb):
        wb["承诺事项"].cell(3, 2, '=CONCATENATE("公开审批事项36项，","公开率100%")')
    src = variant(books, tmp_path, formula)
    saved = _soffice_to_xlsx(src, tmp_path / "lo")
    form = load_form(saved)  # LibreOffice computed and cached the formula
    assert form.model_dump() == load_form(EXAMPLES / "commitment.yaml").model_dump()
    wb = load_workbook(saved)  # (headless LibreOffice keeps no view, so no frozen pane)
    assert wb["承诺事项"].data_validations.dataValidation  # the 科室 list survived
    assert wb["承诺事项"]["C2"].is_date
    for kind in ("opinions", "assessment", "results"):
        d = tmp_path / f"lo-{kind}"
        assert load_form(_soffice_to_xlsx(books / f"{kind}.xlsx", d)).type == kind


@pytest.mark.slow
def test_file_a_workbook_then_report_against_it(books, tmp_path, docgen):
    """An .xlsx 承诺书 is filed as it is (<档号>.form.xlsx), verified, searched, and a report
    that invents a commitment is refused by `file`, with nothing filed."""
    from docgen.archive import Archive

    root = tmp_path / "archive"
    code, _, err = docgen("init", root, "--fonds-code", "Z109", "--fonds-name", "区建设局",
                          "--unit", "区建设局规划处=GHC")
    assert code == 0, err
    code, out, err = docgen("file", "--archive", root, books / "commitment.xlsx")
    assert code == 0, err
    number = out.split("\t")[0]
    rec = Archive(root).record(number)
    assert rec.files["form"].name == f"{number}.form.xlsx"
    code, out, err = docgen("verify", "--archive", root)
    assert code == 0, out + err
    code, out, err = docgen("search", "--archive", root, "限时办结")
    assert number in out

    def invent(wb):
        wb["践诺情况"]["A2"] = "清理规范中介服务收费"
    report = variant(books, tmp_path, invent, kind="fulfillment")
    before = tree(root)
    code, out, err = docgen("file", "--archive", root, report)
    assert code == ExitCode.bad_form
    assert f"{report}:践诺情况!A2: items.0.commitment: '清理规范中介服务收费' was never promised" \
        in err
    assert "践诺情况!A1: items: the commitment '建设工程规划许可证审批实行限时办结'" in err
    assert tree(root) == before
    code, out, err = docgen("form", "check", "--archive", root, books / "fulfillment.xlsx")
    assert code == 0, err
