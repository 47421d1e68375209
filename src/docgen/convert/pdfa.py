"""Check a written PDF for what long-term filing needs (GB/T 23286 = ISO 19005, PDF/A-2b).

Not a full PDF/A validator (veraPDF is one): it checks the properties a broken or wrong
conversion loses — the PDF/A identification in XMP, every font embedded, no encryption,
no JavaScript, at least one page, a title and an author — and returns every problem found.
`identification` is docgen's one reader of the PDF/A part and conformance a PDF declares.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from docgen.i18n import N_
from docgen.i18n import cli_gettext as _

# the ways a PDF lacks the title or the author PDF/A and the archive need (the fix names them)
NO_TITLE = (N_("no title in the document information (/Title)"),
            N_("no title in the XMP metadata (dc:title)"))
NO_AUTHOR = (N_("no author in the document information (/Author)"),
             N_("no author in the XMP metadata (dc:creator)"))

PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
DC = "{http://purl.org/dc/elements/1.1/}"


def check(path: Path) -> list[str]:
    """Every way `path` falls short of a filable PDF/A-2b; an empty list means it passes."""
    import pikepdf

    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        return [_("the PDF is encrypted (PDF/A forbids encryption)")]
    except (pikepdf.PdfError, OSError, ValueError) as e:
        return [_("the PDF does not open: {problem}").format(problem=e)]
    with pdf:
        problems: list[str] = []
        if pdf.is_encrypted:
            problems.append(_("the PDF is encrypted (PDF/A forbids encryption)"))
        if len(pdf.pages) == 0:
            problems.append(_("the PDF has no pages"))
        problems += _identification(pdf)
        problems += _metadata(pdf)
        problems += [_("font {name} is not embedded").format(name=name)
                     for name in _unembedded_fonts(pdf)]
        if _has_javascript(pdf):
            problems.append(_("the PDF contains JavaScript (PDF/A forbids it)"))
        return problems


def is_valid(path: Path) -> bool:
    return not check(path)


class Identification(NamedTuple):
    """What a PDF declares in its XMP (pdfaid:part, pdfaid:conformance)."""

    part: str  # '2'
    conformance: str  # 'B', upper case; '' when not declared

    def __str__(self) -> str:
        return f"{self.part}{self.conformance}"  # '2B', as records.format_info writes it


def identification(pdf) -> Identification | None:
    """The PDF/A identification `pdf` declares (a path or an open pikepdf.Pdf), or None.

    Raises ValueError when the XMP metadata does not parse; a path that does not open as a
    PDF raises pikepdf's error.
    """
    import pikepdf

    if not isinstance(pdf, pikepdf.Pdf):
        with pikepdf.open(pdf) as doc:
            return identification(doc)
    try:
        meta = pdf.open_metadata()
        part, conformance = meta.get(f"{PDFAID}part"), meta.get(f"{PDFAID}conformance")
    except Exception as e:  # noqa: BLE001 - the XMP parser raises many kinds
        raise ValueError(_("the XMP metadata does not parse: {problem}").format(problem=e)) \
            from None
    if part is None:
        return None
    return Identification(str(part), str(conformance or "").upper())


def _identification(pdf) -> list[str]:
    try:
        found = identification(pdf)
    except ValueError as e:  # XMP that does not parse is as bad as none
        return [str(e)]
    if found is None:
        return [_("no PDF/A identification in the XMP metadata (pdfaid:part missing)")]
    if found.part != "2" or found.conformance not in ("A", "B", "U"):
        return [_("identifies as PDF/A-{part}{conformance}, not PDF/A-2b").format(
            part=found.part, conformance=found.conformance.lower())]
    return []


def _metadata(pdf) -> list[str]:
    problems = []
    info = pdf.docinfo
    meta = pdf.open_metadata()
    for key, xmp_key, (no_info, no_xmp) in (("/Title", f"{DC}title", NO_TITLE),
                                            ("/Author", f"{DC}creator", NO_AUTHOR)):
        if not str(info.get(key, "")).strip():
            problems.append(_(no_info))
        if not meta.get(xmp_key):
            problems.append(_(no_xmp))
    return problems


def _unembedded_fonts(pdf) -> list[str]:
    """Base names of fonts used anywhere (pages, forms, annotations) without a font file."""
    import pikepdf

    missing: list[str] = []
    seen: set = set()

    def font_ok(font) -> bool:
        subtype = font.get("/Subtype")
        if subtype == "/Type3":  # glyphs are content streams in the PDF itself
            return True
        if subtype == "/Type0":
            return all(font_ok(d) for d in font.get("/DescendantFonts", []))
        desc = font.get("/FontDescriptor")
        return desc is not None and any(k in desc for k in ("/FontFile", "/FontFile2",
                                                             "/FontFile3"))

    def walk(resources) -> None:
        if not isinstance(resources, pikepdf.Dictionary):
            return
        key = resources.objgen if resources.is_indirect else id(resources)
        if key in seen:
            return
        seen.add(key)
        for font in dict(resources.get("/Font", {})).values():
            if not font_ok(font):
                missing.append(str(font.get("/BaseFont", "(unnamed)")).lstrip("/"))
        for xobj in dict(resources.get("/XObject", {})).values():
            if xobj.get("/Subtype") == "/Form":
                walk(xobj.get("/Resources"))

    for page in pdf.pages:
        walk(page.obj.get("/Resources"))
        for annot in page.obj.get("/Annots", []):
            for appearance in dict(annot.get("/AP", {})).values():
                if isinstance(appearance, pikepdf.Stream):
                    walk(appearance.get("/Resources"))
    return sorted(set(missing))


def _has_javascript(pdf) -> bool:
    import pikepdf

    names = pdf.Root.get("/Names")
    if names is not None and "/JavaScript" in names:
        return True
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and (
                obj.get("/S") == "/JavaScript" or "/JS" in obj):
            return True
    return False


def font_names(path: Path) -> list[str]:
    """Base names of the fonts the pages use, subset prefix removed (ABCDEF+FandolFang-Regular
    -> FandolFang-Regular), sorted."""
    import pikepdf

    names: set[str] = set()
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for font in dict(page.obj.get("/Resources", {}).get("/Font", {})).values():
                name = str(font.get("/BaseFont", "")).lstrip("/")
                names.add(name.split("+", 1)[1] if "+" in name[:7] else name)
    return sorted(names)
