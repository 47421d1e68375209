"""The committed PDF/A fixture is what docgen makes today, and it still validates."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES


def test_committed_fixtures_pass_the_pdfa_check():
    from docgen.convert import pdfa

    pdfs = [FIXTURES / "plan.pdf", *sorted((FIXTURES / "examples").glob("*.pdf"))]
    assert len(pdfs) == 4
    for pdf in pdfs:
        assert pdfa.check(pdf) == [], pdf


@pytest.mark.slow
def test_fixture_is_remade_by_docgen_and_validates(tmp_path):
    import pypdf

    from docgen.convert import pdfa
    from tests.fixtures.make_fixtures import make

    _, pdf = make(tmp_path)
    assert pdfa.check(pdf) == []
    fresh, committed = pypdf.PdfReader(pdf), pypdf.PdfReader(FIXTURES / "plan.pdf")
    assert len(fresh.pages) == len(committed.pages)
    assert fresh.pages[0].extract_text().split() == committed.pages[0].extract_text().split()


@pytest.mark.slow
def test_example_fixtures_are_remade_by_docgen_and_validate(tmp_path):
    from docgen.convert import pdfa
    from tests.fixtures.make_fixtures import make_examples

    made = make_examples(tmp_path)
    assert [p.name for p in made] == [p.name for p in made if (FIXTURES / "examples" / p.name).is_file()]
    for pdf in (p for p in made if p.suffix == ".pdf"):
        assert pdfa.check(pdf) == [], pdf
