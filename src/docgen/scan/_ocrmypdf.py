"""The one module that knows OCRmyPDF: run it, read its progress, version its helpers.

It is also an OCRmyPDF plugin (`PLUGIN`, loaded by module name in every worker): its
progress-bar class reports pages done to the caller's callback, and its OCR-image filter
whitens the paper's grain before Tesseract sees the page (Tesseract's layout analysis takes
speckled paper for picture regions and drops the lines in them). Only the image OCR reads is
filtered; the page image filed in the PDF/A is the scan as it was.

Ghostscript 10.0.0–10.02.0 (Debian 12's) corrupts PDFs that keep their own text, and
OCRmyPDF refuses it then; docgen uses OCRmyPDF's internal (pikepdf) PDF/A writer with those.
"""

from __future__ import annotations

import functools
import logging
import re
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import ocrmypdf
from ocrmypdf import hookimpl

from docgen import _run
from docgen.errors import BadInput, ConversionFailed, ConverterMissing
from docgen.i18n import cli_gettext as _

PLUGIN = __name__
ENGINE = "Tesseract"
# Tesseract's page segmentation 4, "a single column of text of variable sizes": an official
# document's page. Its default (3, fully automatic) splits noisy pages into blocks and drops
# lines: on the quality test's scans the CER falls from 3.2 % to 2.6 % (300 dpi colour) and from
# 2.2 % to 1.5 % (200 dpi grey).
PAGE_SEGMENTATION = 4
_SKIPPED = re.compile(r"^\s*\[OCR skipped on page\(s\) (\d+)(?:-(\d+))?\]\s*$")

_run_lock = threading.Lock()  # one OCR run at a time: the progress listener is process-wide
_listener: Callable[[float], None] | None = None


@dataclass
class Run:
    """What one OCRmyPDF run produced."""

    pages: list[str | None]  # recognised text per page; None where the page kept its own text
    warnings: list[str] = field(default_factory=list)
    pdfa_backend: str = "internal"


def available() -> bool:
    try:
        versions()
    except ConverterMissing:
        return False
    return True


@functools.cache
def versions() -> dict[str, str | None]:
    """OCRmyPDF, Tesseract and Ghostscript versions; ConverterMissing without Tesseract."""
    tesseract = _version(["tesseract", "--version"])
    if tesseract is None:
        raise ConverterMissing(_("Tesseract is not installed — run scripts/setup-system.sh "
                                 "(apt-get install tesseract-ocr tesseract-ocr-chi-sim "
                                 "tesseract-ocr-eng)"))
    import pikepdf

    return {"OCRmyPDF": ocrmypdf.__version__, "Tesseract": tesseract,
            "Ghostscript": _version(["gs", "--version"]), "pikepdf": pikepdf.__version__}


@functools.cache
def languages_installed() -> frozenset[str]:
    try:
        out = _run.run(["tesseract", "--list-langs"], timeout=30).stdout.decode(
            "utf-8", "replace")
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in out.splitlines()[1:] if line.strip())


def _version(cmd: list[str]) -> str | None:
    try:
        out = _run.run(cmd, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    words = (out.stdout or out.stderr).decode("utf-8", "replace").split()
    if cmd[0] == "tesseract":  # "tesseract 5.3.0\n leptonica-1.82.0 …"
        return words[1] if len(words) > 1 else None
    return words[0] if words else None


def pdfa_backend() -> str:
    """'auto' (Ghostscript when needed) unless the Ghostscript is one that breaks kept text."""
    gs = versions().get("Ghostscript")
    try:
        parts = tuple(int(x) for x in (gs or "").split(".")[:3])
    except ValueError:
        return "internal"
    if not parts or (10, 0, 0) <= parts + (0,) * (3 - len(parts)) < (10, 2, 1):
        return "internal"
    return "auto"


def run(src: Path, dst: Path, *, languages: tuple[str, ...], title: str, author: str,
        jobs: int = 2, deskew: bool = True, progress: Callable[[float], None] | None = None,
        sidecar: Path) -> Run:
    """OCR `src` into the PDF/A-2b `dst`: pages with text keep it, the others are read.

    Raises BadInput for input OCRmyPDF refuses, ConverterMissing for a missing program or
    language, ConversionFailed for anything else; `dst` does not exist then.
    """
    global _listener

    versions()  # ConverterMissing without Tesseract, before anything else
    missing = [lang for lang in languages if lang not in languages_installed()]
    if missing:
        raise ConverterMissing(_("Tesseract has no {languages} language data — run "
                                 "scripts/setup-system.sh (tesseract-ocr-chi-sim, "
                                 "tesseract-ocr-eng)").format(languages="+".join(missing)))
    backend = pdfa_backend()
    caught = _Collect()
    log = logging.getLogger("ocrmypdf")
    with _run_lock:
        _listener = progress
        log.addHandler(caught)
        # pikepdf's check_linearization (OCRmyPDF's output check) swaps sys.stderr for a
        # StringIO and leaves it there when the file is not linearized: docgen's own
        # notices would vanish. Put the streams back after the run.
        streams = sys.stdout, sys.stderr
        try:
            ocrmypdf.ocr(src, dst, language=list(languages), output_type="pdfa-2",
                         pdfa_backend=backend, mode="skip", rotate_pages=True,
                         deskew=deskew, jobs=jobs, progress_bar=progress is not None,
                         title=title, author=author, sidecar=sidecar, optimize=1,
                         tesseract_pagesegmode=PAGE_SEGMENTATION, plugins=[PLUGIN])
        except ocrmypdf.EncryptedPdfError:
            raise BadInput(_("{path}: the PDF is protected by a password — remove the password "
                             "first").format(path=src)) from None
        except ocrmypdf.MissingDependencyError as e:
            raise ConverterMissing(_("OCR cannot run: {problem}").format(problem=_line(e))) \
                from None
        except (ocrmypdf.InputFileError, ocrmypdf.UnsupportedImageFormatError,
                ocrmypdf.DpiError) as e:
            raise BadInput(_("{path}: OCRmyPDF cannot read it: {problem}").format(
                path=src, problem=_line(e))) from None
        except Exception as e:  # noqa: BLE001 - a failed run leaves nothing; say why
            dst.unlink(missing_ok=True)
            raise ConversionFailed(_("OCR failed: {problem}").format(
                problem=f"{type(e).__name__}: {_line(e)}")) from None
        finally:
            sys.stdout, sys.stderr = streams
            log.removeHandler(caught)
            _listener = None
    return Run(_pages(sidecar.read_text(encoding="utf-8")), caught.messages, backend)


def _pages(sidecar: str) -> list[str | None]:
    """Per-page text from OCRmyPDF's sidecar (pages separated by form feeds; a run of
    skipped pages shares one marker)."""
    out: list[str | None] = []
    for chunk in sidecar.split("\f"):
        m = _SKIPPED.match(chunk)
        if m:
            first, last = int(m.group(1)), int(m.group(2) or m.group(1))
            out.extend([None] * (last - first + 1))
        else:
            out.append(chunk)
    return out


def _line(e: Exception) -> str:
    text = str(e).strip() or type(e).__name__
    return " ".join(text.split())[:300]


class _Collect(logging.Handler):
    """OCRmyPDF's warnings during a run, as notices."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.messages.append(" ".join(record.getMessage().split()))
        except Exception:  # noqa: BLE001 - a badly formatted log line is not our failure
            pass


# --- the plugin ----------------------------------------------------------------------------
class _Progress:
    """OCRmyPDF's ProgressBar protocol; forwards the OCR step's page count to the listener."""

    def __init__(self, *, total=None, desc=None, unit=None, disable=False, **kwargs):
        self.counts = desc in ("OCR", "Image processing") and unit == "page"
        self.done = 0.0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n=1, *, completed=None):
        if not self.counts:
            return
        self.done = float(completed) if completed is not None else self.done + float(n)
        listener = _listener
        if listener is not None:
            listener(self.done)


@hookimpl
def get_progressbar_class():
    return _Progress


@hookimpl
def filter_ocr_image(page, image):
    """Paper grain to white (Otsu threshold), then Tesseract's own size limits."""
    from ocrmypdf.builtin_plugins import tesseract_ocr

    return tesseract_ocr.filter_ocr_image(page=page, image=whiten_paper(image))


def whiten_paper(image):
    """The page in grey with everything lighter than the ink/paper threshold made white.

    Ink keeps its grey levels (Tesseract binarises it itself); only the paper is flattened.
    """
    dpi = image.info.get("dpi")
    grey = image if image.mode == "L" else image.convert("L")
    cut = _otsu(grey.histogram())
    out = grey.point(lambda v: 255 if v > cut else v)
    if dpi:
        out.info["dpi"] = dpi
    return out


def _otsu(hist: list[int]) -> int:
    total = sum(hist)
    if not total:
        return 128
    sum_all = sum(i * h for i, h in enumerate(hist))
    w_b = sum_b = 0.0
    best, cut = -1.0, 128
    for i, h in enumerate(hist):
        w_b += h
        if w_b == 0:
            continue
        w_f = total - w_b
        if w_f == 0:
            break
        sum_b += i * h
        m_b, m_f = sum_b / w_b, (sum_all - sum_b) / w_f
        between = w_b * w_f * (m_b - m_f) ** 2
        if between > best:
            best, cut = between, i
    return cut
