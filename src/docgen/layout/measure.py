"""What a PDF's pages hold, in millimetres from the page's top-left corner: text lines and rules.

pdfplumber (pdfminer.six, MIT) reads the glyphs; nothing here knows GB/T 9704, only geometry.
Glyph boxes are em boxes (pdfminer's font ascent/descent), so `top` is the upper edge of the
characters as typeset, the edge GB/T 9704 measures from.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from docgen.errors import BadInput
from docgen.i18n import cli_gettext as _

MM = 72 / 25.4  # points per millimetre
SAME_LINE_PT = 2.0  # glyphs whose baselines differ less than this share a line
RULE_MAX_MM = 1.5  # a filled rectangle thinner than this is a rule, not a box


@dataclass(frozen=True)
class TextLine:
    """One typeset line: glyphs sharing a baseline, left to right."""

    text: str
    top: float  # mm, upper edge of the glyph boxes
    bottom: float
    baseline: float
    x0: float
    x1: float
    size: float  # pt, the most common glyph size on the line
    font: str
    color: tuple[float, float, float]  # RGB 0..1 of most glyphs
    red_share: float  # fraction of glyphs printed in red
    advances: tuple[float, ...] = ()  # mm between consecutive glyph origins

    @property
    def chars(self) -> int:
        return len(self.text.replace(" ", ""))

    @property
    def is_red(self) -> bool:
        return self.red_share >= 0.5


@dataclass(frozen=True)
class Rule:
    """A horizontal line (stroked, or a thin filled rectangle as Word and WPS draw borders)."""

    x0: float
    x1: float
    y: float  # mm, centre of the stroke
    weight: float  # mm, stroke thickness
    color: tuple[float, float, float]

    @property
    def length(self) -> float:
        return self.x1 - self.x0

    @property
    def is_red(self) -> bool:
        return is_red(self.color)


@dataclass(frozen=True)
class Page:
    number: int  # 1-based position in the file
    width: float
    height: float
    lines: tuple[TextLine, ...]
    rules: tuple[Rule, ...]
    tables: tuple[tuple[float, float, float, float], ...] = ()  # (x0, top, x1, bottom) mm

    def in_table(self, line: TextLine) -> bool:
        """The line lies inside a ruled table (its cells may be set smaller than the body)."""
        mid = (line.top + line.bottom) / 2
        return any(x0 - 0.5 <= line.x0 and line.x1 <= x1 + 0.5 and top <= mid <= bottom
                   for x0, top, x1, bottom in self.tables)


@dataclass(frozen=True)
class Measured:
    path: Path
    pages: tuple[Page, ...]


def is_red(rgb) -> bool:
    r, g, b = rgb
    return r >= 0.7 and g <= 0.3 and b <= 0.3


def rgb(color) -> tuple[float, float, float]:
    """pdfminer colours come as gray, RGB or CMYK tuples (or a pattern name); RGB them."""
    if isinstance(color, (int, float)):
        color = (color,)
    if not isinstance(color, (tuple, list)) or not all(isinstance(v, (int, float)) for v in color):
        return (0.0, 0.0, 0.0)
    if len(color) == 1:
        return (float(color[0]),) * 3
    if len(color) == 3:
        return tuple(float(v) for v in color)  # type: ignore[return-value]
    if len(color) == 4:
        c, m, y, k = color
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return (0.0, 0.0, 0.0)


def measure(path: Path) -> Measured:
    """Read every page of the PDF at `path`; BadInput (exit 10) when it is not a readable PDF."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            head = f.read(1024)
    except OSError as e:
        raise BadInput(_("{path}: cannot read it ({error})").format(path=path, error=e.strerror)) \
            from None
    if b"%PDF-" not in head:
        raise BadInput(_("{path}: not a PDF file — give a PDF (docgen convert makes one)").format(
            path=path))
    import pdfplumber

    try:
        with pdfplumber.open(path) as pdf:
            pages = tuple(_page(i, p) for i, p in enumerate(pdf.pages, 1))
    except BadInput:
        raise
    except Exception as e:  # pdfminer raises many types for damaged files
        reason = " ".join(str(e).split())[:120] or type(e).__name__
        raise BadInput(_("{path}: the PDF cannot be read ({reason}) — is it damaged?").format(
            path=path, reason=reason)) from None
    if not pages:
        raise BadInput(_("{path}: the PDF has no pages").format(path=path))
    return Measured(path, pages)


def _page(number: int, page) -> Page:
    height = float(page.height)
    lines = _lines(page.chars, height)
    return Page(number, float(page.width) / MM, height / MM, lines, _rules(page, height),
                _tables(page))


def _tables(page) -> tuple[tuple[float, float, float, float], ...]:
    """Bounding boxes (mm) of the ruled tables pdfplumber finds (cells walled on all sides)."""
    try:
        found = page.find_tables()
    except Exception:  # noqa: BLE001 - a table finder fault must not stop the measurement
        return ()
    return tuple(tuple(float(v) / MM for v in t.bbox) for t in found)


def _lines(chars, height: float) -> tuple[TextLine, ...]:
    glyphs = [c for c in chars if c.get("text", "").strip()]
    for c in glyphs:
        c["_base"] = height - float(c["matrix"][5]) if c.get("matrix") else float(c["bottom"])
    glyphs.sort(key=lambda c: (c["_base"], c["x0"]))
    groups: list[list[dict]] = []
    for c in glyphs:
        if groups and abs(c["_base"] - groups[-1][0]["_base"]) < SAME_LINE_PT:
            groups[-1].append(c)
        else:
            groups.append([c])
    out = []
    for g in groups:
        g.sort(key=lambda c: c["x0"])
        sizes = Counter(round(float(c["size"]), 1) for c in g)
        colors = [rgb(c.get("non_stroking_color")) for c in g]
        fonts = Counter(c.get("fontname", "") for c in g)
        text, prev = "", None
        for c in g:
            if prev is not None and c["x0"] - prev["x1"] > float(c["size"]) * 0.5:
                text += " "
            text += c["text"]
            prev = c
        out.append(TextLine(
            text=text,
            top=min(float(c["top"]) for c in g) / MM,
            bottom=max(float(c["bottom"]) for c in g) / MM,
            baseline=sum(c["_base"] for c in g) / len(g) / MM,
            x0=float(g[0]["x0"]) / MM, x1=float(g[-1]["x1"]) / MM,
            size=sizes.most_common(1)[0][0],
            font=fonts.most_common(1)[0][0].split("+")[-1],
            color=Counter(colors).most_common(1)[0][0],
            red_share=sum(map(is_red, colors)) / len(colors),
            advances=tuple((float(b["x0"]) - float(a["x0"])) / MM for a, b in zip(g, g[1:])),
        ))
    return tuple(out)


def _rules(page, height: float) -> tuple[Rule, ...]:
    found: dict[tuple, Rule] = {}
    for ln in page.lines:
        if abs(float(ln["top"]) - float(ln["bottom"])) > 0.5:
            continue  # not horizontal
        weight = float(ln.get("linewidth") or 0) / MM
        _add(found, ln, (float(ln["top"]) + float(ln["bottom"])) / 2, weight,
             rgb(ln.get("stroking_color")))
    for r in page.rects:
        h = float(r["bottom"]) - float(r["top"])
        if r.get("fill") and 0 < h <= RULE_MAX_MM * MM and float(r["width"]) > 10 * MM:
            _add(found, r, (float(r["top"]) + float(r["bottom"])) / 2, h / MM,
                 rgb(r.get("non_stroking_color")))
        elif r.get("stroke") and h <= 0.5:
            _add(found, r, float(r["top"]), float(r.get("linewidth") or 0) / MM,
                 rgb(r.get("stroking_color")))
    return tuple(sorted(found.values(), key=lambda r: (r.y, r.x0)))


def _add(found: dict, obj, y_pt: float, weight: float, color) -> None:
    rule = Rule(float(obj["x0"]) / MM, float(obj["x1"]) / MM, y_pt / MM, weight, color)
    # LibreOffice draws some borders twice; one rule per place
    found.setdefault((round(rule.x0, 1), round(rule.x1, 1), round(rule.y, 1)), rule)
