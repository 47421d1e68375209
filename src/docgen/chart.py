"""Bar charts for documents (测评结果's 满意率), drawn by matplotlib in the fonts docgen's PDFs use.

matplotlib is imported here only, with the Agg backend (no display), and never by `docgen --help`.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path

from docgen import resources

# 黑体 for labels, as in the document's headings: FandolHei, then Noto Sans CJK (SC face)
FONT_FILES = ("FandolHei-Regular.otf",)
FALLBACKS = (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
             Path("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf"))


@lru_cache(maxsize=1)
def chinese_font() -> Path:
    """The CJK font file for charts: from the font folders docgen's fontconfig names."""
    conf = resources.data("fontconfig", "fonts.conf").read_text(encoding="utf-8")
    for folder in re.findall(r"<dir>([^<]+)</dir>", conf):
        for name in FONT_FILES:
            if (Path(folder) / name).is_file():
                return Path(folder) / name
    for path in FALLBACKS:
        if path.is_file():
            return path
    from docgen.errors import ConverterMissing

    from docgen.i18n import cli_gettext as _

    raise ConverterMissing(_("no Chinese font for charts (FandolHei or Noto Sans CJK) — run "
                             "scripts/setup-system.sh (texlive-lang-chinese, fonts-noto-cjk)"))


def bar_chart(labels: list[str], values: list[float], *, ylabel: str = "满意率（%）") -> bytes:
    """A PNG of one bar per label, its value written on top; byte-stable for the same input."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    font = font_manager.FontProperties(fname=str(chinese_font()), size=11)
    fig = Figure(figsize=(6.2, 3.4), dpi=200)
    ax = fig.add_subplot()
    xs = range(len(labels))
    bars = ax.bar(xs, values, color="#C00000", width=0.6)
    ax.set_ylim(0, 110)
    ax.set_xticks(list(xs), labels, fontproperties=font)
    ax.set_ylabel(ylabel, fontproperties=font)
    for bar, value in zip(bars, values):
        ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height() + 1.5, f"{value:g}%",
                ha="center", va="bottom", fontproperties=font)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()
