"""Rebuild the command line's Chinese catalog: extract the English texts, keep translations.

    .venv/bin/python scripts/catalog.py          # then fill the empty msgstr in docgen.po, rerun
    .venv/bin/python scripts/catalog.py --check  # exit 1 when the catalog misses a text

Writes src/docgen/locale/docgen.pot (texts marked _(), N_() or ngettext() in the files
babel-cli.cfg names, the commands' docstrings and help= texts, and click's own words from the
installed click's source), updates src/docgen/locale/zh_CN/LC_MESSAGES/docgen.po and compiles
docgen.mo beside it (Babel). A text without a translation shows in English. The web pages'
catalog (Chinese msgids, English translations) is scripts/web_catalog.py.
"""
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "src" / "docgen" / "locale"
PO = LOCALE / "zh_CN" / "LC_MESSAGES" / "docgen.po"
KEYWORDS = ["-k", "_", "-k", "N_", "-k", "ngettext:1,2"]


def extract(pot: Path) -> None:
    """docgen's texts and click's (which click looks up with gettext: docgen.cli._click_text)
    into one template."""
    import click

    pybabel = str(Path(sys.executable).parent / "pybabel")
    click_pot = pot.with_name(pot.stem + ".click.pot")
    subprocess.run([pybabel, "-q", "extract", "-F", "babel-cli.cfg", *KEYWORDS,
                    "--no-location", "--sort-output", "--omit-header", "-o", str(pot), "."],
                   cwd=ROOT, check=True)
    subprocess.run([pybabel, "-q", "extract", "--no-default-keywords", "-k", "_",
                    "-k", "ngettext:1,2", "--no-location", "--omit-header", "-o",
                    str(click_pot), str(Path(click.__file__).parent)], cwd=ROOT, check=True)
    with open(pot, "rb") as f:
        template = read_po(f)
    with open(click_pot, "rb") as f:
        for m in read_po(f):
            if m.id and m.id not in template:
                template.add(m.id, context=m.context)
    click_pot.unlink()
    with open(pot, "wb") as f:
        write_po(f, template, no_location=True, sort_output=True, omit_header=True)


def main(argv: list[str]) -> int:
    if "--check" in argv:
        with tempfile.TemporaryDirectory() as tmp:
            extract(Path(tmp) / "docgen.pot")
            with open(Path(tmp) / "docgen.pot", "rb") as f:
                wanted = {m.id for m in read_po(f) if m.id}
        with open(PO, "rb") as f:
            have = {m.id for m in read_po(f, locale="zh_CN") if m.id}
        stale = wanted ^ have
        for m in sorted(stale, key=str):
            print(f"{'missing' if m in wanted else 'obsolete'}: {m!r}", file=sys.stderr)
        return 1 if stale else 0
    pot = LOCALE / "docgen.pot"
    extract(pot)
    with open(pot, "rb") as f:
        template = read_po(f)
    if PO.exists():
        with open(PO, "rb") as f:
            catalog = read_po(f, locale="zh_CN")
        catalog.update(template, no_fuzzy_matching=True)
    else:
        with open(pot, "rb") as f:
            catalog = read_po(f, locale="zh_CN")
    PO.parent.mkdir(parents=True, exist_ok=True)
    with open(PO, "wb") as f:
        write_po(f, catalog, no_location=True, sort_output=True, ignore_obsolete=True,
                 omit_header=False)
    with open(PO.with_suffix(".mo"), "wb") as f:
        write_mo(f, catalog)
    missing = [m.id for m in catalog if m.id and not (
        all(m.string) if isinstance(m.string, (tuple, list)) else m.string)]
    print(f"{PO.relative_to(ROOT)}: {len(catalog)} texts, {len(missing)} without Chinese",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
