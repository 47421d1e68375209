"""Rebuild the web pages' English catalog: extract the Chinese texts, keep known translations.

    .venv/bin/python scripts/web_catalog.py     # then fill the empty msgstr in web.po, rerun

Writes src/docgen/locale/web.pot, updates src/docgen/locale/en/LC_MESSAGES/web.po and compiles
web.mo beside it (Babel). A text without a translation shows in Chinese.
"""
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "src" / "docgen" / "locale"
subprocess.run([str(Path(sys.executable).parent / "pybabel"), "-q", "extract", "-F", "babel.cfg",
                "-k", "_", "-k", "N_", "--no-location", "--sort-output", "-o",
                str(LOCALE / "web.pot"), "."], cwd=ROOT, check=True)
po_path = LOCALE / "en" / "LC_MESSAGES" / "web.po"
with open(LOCALE / "web.pot", "rb") as f:
    template = read_po(f)
if po_path.exists():
    with open(po_path, "rb") as f:
        catalog = read_po(f, locale="en")
    catalog.update(template, no_fuzzy_matching=True)
else:
    catalog = read_po(open(LOCALE / "web.pot", "rb"), locale="en")
po_path.parent.mkdir(parents=True, exist_ok=True)
with open(po_path, "wb") as f:
    write_po(f, catalog, no_location=True, sort_output=True, ignore_obsolete=True)
with open(po_path.with_suffix(".mo"), "wb") as f:
    write_mo(f, catalog)
missing = [m.id for m in catalog if m.id and not m.string]
print(f"{po_path}: {len(catalog)} texts, {len(missing)} without English", file=sys.stderr)
