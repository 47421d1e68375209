"""Word to PDF/A-2b through LibreOffice: the converter's public face.

    from docgen.convert import convert, ConvertOptions, require_libreoffice, pdfa

`convert` runs a batch (batch.py); `require_libreoffice` checks, before any work, that a
LibreOffice recent enough and its Python bridge are installed; `pdfa` checks a written PDF and
reads its PDF/A identification. `_soffice` (one running LibreOffice) and `_uno_worker` (the
script LibreOffice's own Python runs) are private.
"""

from docgen.convert import pdfa
from docgen.convert._soffice import MIN_VERSION, LibreOffice
from docgen.convert.batch import (ConvertOptions, ConvertResult, Offices, convert,
                                  require_libreoffice)

__all__ = ["convert", "ConvertOptions", "ConvertResult", "Offices", "require_libreoffice", "LibreOffice",
           "MIN_VERSION", "pdfa"]
