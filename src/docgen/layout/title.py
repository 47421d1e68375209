"""标题 broken into lines between words, in a 梯形 (upper line shorter) or 菱形 (middle widest) shape.

GB/T 9704 7.3.1: a title in several lines keeps words whole and its lines symmetric, in a
trapezoid or diamond. Words come from jieba; a number with its unit (2011年), a 书名号 pair
《…》 that fits on a line and a 〔…〕 are never broken; no line starts with a closing mark or
ends with an opening one.
"""

from __future__ import annotations

import itertools
import re

LINE_UNITS = 19  # 2号 characters a title line holds in the 156 mm type area, with room
OPENING = "《（“‘〔［【(["
CLOSING = "》）”’〕］】，。、；：？！)]"
PAIRS = {"《": "》", "〔": "〕", "（": "）", "“": "”"}
UNIT_AFTER_NUMBER = "年月日号届次个项%％"
MAX_LINES = 6


def width(text: str) -> float:
    """A Chinese character is 1, a Latin letter or digit ½."""
    return sum(0.5 if ch.isascii() else 1 for ch in text)


def break_title(title: str, capacity: float = LINE_UNITS) -> list[str]:
    """The lines of `title`: as few as fit `capacity`, broken between words, shaped 梯形/菱形."""
    if width(title) <= capacity:
        return [title]
    units = _units(title)
    n = max(2, int(-(-width(title) // capacity)))
    for lines in range(n, MAX_LINES + 1):
        best = _best_split(units, lines, capacity)
        if best is not None:
            return best
    return _by_width(title, capacity)  # one word wider than a line: break where it must


def _units(title: str) -> list[str]:
    """jieba's words, glued where a break is forbidden."""
    from docgen.search.analysis import load_jieba

    words = [w for w, _s, _e in load_jieba().tokenize(title, HMM=False)]
    units: list[str] = []
    for w in words:
        if units and _glued(units[-1], w, title, sum(map(len, units))):
            units[-1] += w
        else:
            units.append(w)
    return units


def _glued(prev: str, word: str, title: str, at: int) -> bool:
    """Whether a break between `prev` and `word` (which starts at index `at`) is forbidden."""
    if prev[-1] in OPENING or word[0] in CLOSING:
        return True
    if prev[-1].isascii() and prev[-1].isalnum() and word[0].isascii() and word[0].isalnum():
        return True  # 2011, GDP
    if prev[-1].isdigit() and word[0] in UNIT_AFTER_NUMBER:
        return True
    return _inside_short_pair(title, at)


def _inside_short_pair(title: str, at: int) -> bool:
    """Index `at` falls inside a 《…》 or 〔…〕 pair narrow enough for one line."""
    for opening in ("《", "〔"):
        for m in re.finditer(re.escape(opening) + r"[^" + PAIRS[opening] + r"]*"
                             + re.escape(PAIRS[opening]), title):
            if m.start() < at < m.end() and width(m.group()) <= LINE_UNITS - 2:
                return True
    return False


def _best_split(units: list[str], lines: int, capacity: float) -> list[str] | None:
    widths = [width(u) for u in units]
    total = sum(widths)
    ends = list(itertools.accumulate(widths))
    best, best_cost = None, None
    slack = max(4.0, capacity / 3)
    for cuts in _cuts(ends, lines, capacity, total / lines, slack):
        bounds = (0, *cuts, len(units))
        row = [sum(widths[a:b]) for a, b in zip(bounds, bounds[1:])]
        cost = _shape_cost(row)
        if best_cost is None or cost < best_cost:
            best, best_cost = bounds, cost
    if best is None:
        return None
    return ["".join(units[a:b]) for a, b in zip(best, best[1:])]


def _cuts(ends, lines, capacity, target, slack, start=0, done=0.0):
    """Every way to cut units[start:] into `lines` lines of at most `capacity`, near `target`."""
    if lines == 1:
        if ends[-1] - done <= capacity:
            yield ()
        return
    for i in range(start, len(ends) - 1):
        w = ends[i] - done
        if w > capacity:
            break
        if abs(w - target) > slack:
            continue
        for rest in _cuts(ends, lines - 1, capacity, target, slack, i + 1, ends[i]):
            yield (i + 1, *rest)


def _shape_cost(row: list[float]) -> float:
    """0 for even lines; more for ragged ones; far more for shapes that are not 梯形 or 菱形."""
    mean = sum(row) / len(row)
    ragged = sum((w - mean) ** 2 for w in row)
    trapezoid = all(a <= b for a, b in zip(row, row[1:]))
    diamond = len(row) >= 3 and any(
        all(a <= b for a, b in zip(row[: p + 1], row[1: p + 1]))
        and all(a >= b for a, b in zip(row[p:], row[p + 1:])) for p in range(1, len(row) - 1))
    return ragged + (0 if trapezoid or diamond else 100 + 10 * (row[0] - row[-1]) ** 2)


def _by_width(title: str, capacity: float) -> list[str]:
    lines, line = [], ""
    for ch in title:
        if width(line + ch) > capacity and ch not in CLOSING:
            lines.append(line)
            line = ""
        line += ch
    return lines + [line] if line else lines
