"""Package layout only (metadata is in pyproject.toml): the top-level templates/ and examples/
folders are mapped into the package as docgen.templates and docgen.examples, so the wheel ships
them and docgen reads them with importlib.resources. There is one copy of each file."""
from setuptools import find_packages, setup

setup(
    packages=[*find_packages("src"), "docgen.templates", "docgen.examples"],
    package_dir={"": "src", "docgen.templates": "templates", "docgen.examples": "examples"},
    package_data={"docgen": ["data/*", "data/**/*", "locale/*/LC_MESSAGES/*.mo",
                              "locale/*/LC_MESSAGES/*.po", "locale/*.pot"],
                  "docgen.web": ["templates/*.html", "static/*"], "docgen.templates": ["*.docx"],
                  "docgen.examples": ["*.yaml"]},
)
