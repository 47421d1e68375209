"""The files docgen ships inside its package (templates, starters, font map), by name.

Read through importlib.resources, never from the repository root, so an installed wheel
works as the source tree does. The top-level `templates/` folder is mapped into the package
as `docgen.templates` at build time (setup.py); there is one copy.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _path(package: str, name: str) -> Path:
    # docgen is installed as files (pip never zips it), so the Traversable is a real path
    return Path(str(files(package).joinpath(name)))


def template(form_type: str) -> Path:
    """The bundled GB/T 9704 template for a form type (templates/<type>.docx)."""
    return _path("docgen.templates", f"{form_type}.docx")


def example(form_type: str) -> Path:
    """The bundled example form of a type (examples/<type>.yaml)."""
    return _path("docgen.examples", f"{form_type}.yaml")


def data(*parts: str) -> Path:
    """A file under the package's data/ folder, e.g. data("fontconfig", "fonts.conf")."""
    return _path("docgen", "/".join(("data", *parts)))
