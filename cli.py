"""Shim: `python cli.py ...` does exactly what the `docgen` console script does."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from docgen.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
