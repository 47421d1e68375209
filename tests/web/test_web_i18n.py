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
