"""Make "scans" of a PDF the way a scanner would, for the OCR quality test and benchmark.

Each page is rendered by poppler's pdftoppm, turned by a small angle, given seeded noise and
saved as JPEG; the 200 dpi variant is grey. Also: the source text and character error rate.
"""

from __future__ import annotations

import random
import re
import subprocess
from pathlib import Path

# Chinese characters, Latin letters and digits count; punctuation and spaces do not
_KEEP = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z0-9]")


def scan_pages(pdf: Path, out_dir: Path, *, dpi: int = 300, grey: bool = False,
               angle: float = 1.0, noise: int = 12, quality: int = 75,
               seed: int = 13) -> list[Path]:
    """One JPEG per page of `pdf`: rendered at `dpi`, rotated `angle` degrees, noisy."""
    from PIL import Image

    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = out_dir / "render"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray" if grey else "-png",
                    *(["-png"] if grey else []), str(pdf), str(prefix)], check=True,
                   timeout=300)
    rng = random.Random(seed)
    pages = []
    for i, png in enumerate(sorted(out_dir.glob("render-*.png")), 1):
        with Image.open(png) as im:
            im = im.convert("L" if grey else "RGB")
            im = im.rotate(angle, resample=Image.BICUBIC, expand=True,
                           fillcolor=255 if grey else (255, 255, 255))
            im = _noisy(im, noise, rng)
            dst = out_dir / f"scan-{i:02d}.jpg"
            im.save(dst, "JPEG", quality=quality, dpi=(dpi, dpi))
        png.unlink()
        pages.append(dst)
    return pages


def _noisy(im, amount: int, rng: random.Random):
    """Seeded grain: a noise image of the same size added to the page."""
    from PIL import Image, ImageChops

    w, h = im.size
    small = Image.frombytes("L", (w // 2, h // 2),
                            rng.randbytes((w // 2) * (h // 2)))
    grain = small.resize((w, h), Image.NEAREST).point(lambda v: v * amount // 255)
    if im.mode == "RGB":
        grain = Image.merge("RGB", (grain, grain, grain))
    # darken by the grain (paper dust), keep white mostly white
    return ImageChops.subtract(im, grain)


def source_text(pdf: Path) -> str:
    """The born-digital text of `pdf` (poppler's pdftotext), page by page."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True, timeout=60).stdout


def comparable(text: str) -> str:
    """Only what CER counts: Chinese characters, Latin letters, digits."""
    return "".join(_KEEP.findall(text))


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: edit distance / reference length, over comparable characters."""
    ref, hyp = comparable(reference), comparable(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    prev = list(range(len(hyp) + 1))
    for i, a in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, b in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a != b))
        prev = cur
    return prev[-1] / len(ref)


def phrases(text: str, n: int = 100, *, size: int = 4, seed: int = 13,
            besides: str = "") -> list[str]:
    """`n` distinct runs of `size` Chinese characters from `text`, seeded; none that occurs
    in `besides` (the record's title, unit…: a hit there would not prove the OCR)."""
    runs = re.findall(r"[\u4e00-\u9fff]{%d,}" % size, text)
    found = sorted({r[i:i + size] for r in runs for i in range(len(r) - size + 1)}
                   - {r for r in _grams(besides, size)})
    return random.Random(seed).sample(found, min(n, len(found)))


def _grams(text: str, size: int) -> set[str]:
    return {text[i:i + size] for i in range(len(text) - size + 1)}
