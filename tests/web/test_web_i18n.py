"""The web pages' catalog: every Chinese text of the pages has its English, placeholders kept."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "src" / "docgen" / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "web.po"
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+(?::[^}]*)?\}")


def _catalog():
    with open(PO, "rb") as f:
        return read_po(f, locale="en")


def test_every_text_is_translated_with_its_placeholders():
    catalog = _catalog()
    for m in catalog:
        if not m.id:
            continue
        assert m.string, f"no English for {m.id!r}"
        assert sorted(PLACEHOLDER.findall(m.id)) == sorted(PLACEHOLDER.findall(m.string)), m.id


def test_the_catalog_holds_every_text_of_the_pages_and_is_compiled(tmp_path):
    pot = tmp_path / "web.pot"
    subprocess.run([str(Path(sys.executable).parent / "pybabel"), "-q", "extract", "-F",
                    "babel.cfg", "-k", "_", "-k", "N_", "--no-location", "-o", str(pot), "."],
                   cwd=ROOT, check=True)
    with open(pot, "rb") as f:
        extracted = {m.id for m in read_po(f) if m.id}
    catalog = _catalog()
    assert extracted <= {m.id for m in catalog if m.id}, \
        "run scripts/web_catalog.py and translate the new texts"
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    assert (PO.with_suffix(".mo")).read_bytes() == compiled.getvalue(), \
        "web.mo is older than web.po: run scripts/web_catalog.py"


def test_negotiation():
    from docgen.i18n import negotiate

    assert negotiate(None) == "zh"
    assert negotiate("en-US,en;q=0.9") == "en"
    assert negotiate("fr-FR, en;q=0.5, zh-CN;q=0.8") == "zh"
    assert negotiate("de") == "zh"


# --- the library's messages (the docgen domain) in the page's language ----------------------
EN = {"Accept-Language": "en-US,en;q=0.9"}


def _slot(html: str, name: str) -> str:
    import html as html_

    found = re.search(rf'id="err-{name}"[^>]*>(.*?)</div>', html, re.S).group(1)
    return html_.unescape(re.sub(r"</?span>", "", found)).strip()


def test_form_problems_at_the_field_in_the_pages_language(site, docgen, tmp_path):
    """A Chinese page shows `docgen --lang zh form check`'s words, an English browser
    `--lang en`'s, at the same field."""
    import datetime as dt

    from conftest import example_form
    from test_web_http import _as_yaml

    year = dt.date.today().year
    c = site.client("zhang")
    data = example_form(year)
    del data["items.0.content"]
    posted = {"csrf": c.csrf, **data}
    yaml = tmp_path / "c.yaml"
    yaml.write_text(_as_yaml(data), encoding="utf-8")
    for lang, headers in (("zh", {}), ("en", EN)):
        html = c.post("/forms/commitment/check", data=posted,
                      headers={"HX-Request": "true", **headers}).text
        code, _out, err = docgen("--lang", lang, "form", "check", yaml)
        assert code == 3
        cli = err.strip().splitlines()[-1].split("items.0.content: ", 1)[1]
        assert _slot(html, "items-0-content") == cli
    assert cli.startswith("is required but missing")
    html = c.post("/forms/commitment/check", data=posted, headers={"HX-Request": "true"}).text
    assert _slot(html, "items-0-content").startswith("必填但缺失")


def test_library_errors_on_a_page_in_its_language(site, monkeypatch):
    """Whatever page a DocgenError reaches, its lines are shown in the page's language."""
    import docgen.search
    from docgen.errors import FormError, Problem

    def refuse(*args, **kw):
        raise FormError("x", [Problem("查询", None, "q", "is empty", "fill it in"),
                              Problem("查询", None, "type", "is not a field of this form")])

    monkeypatch.setattr(docgen.search, "search", refuse)
    c = site.client("zhang")
    zh = c.get("/search", params={"q": "纪要"})
    assert zh.status_code == 400
    assert "查询: q: 为空 — 请填写" in zh.text and "fill it in" not in zh.text
    assert "查询: type: 不是此表单的字段" in zh.text
    en = c.get("/search", params={"q": "纪要"}, headers=EN)
    assert "查询: q: is empty — fill it in" in en.text
