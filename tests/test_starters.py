"""`docgen form new TYPE`: every field, commented, each value a placeholder that `form check`
refuses at its line; no word of the bundled example leaks into a starter."""

from __future__ import annotations

import pytest

from docgen.vocab import FORM_TYPES
from tests.conftest import EXAMPLES


@pytest.mark.parametrize("form_type", sorted(FORM_TYPES))
def test_a_starter_is_placeholders_that_check_refuses_at_their_lines(form_type, docgen,
                                                                    tmp_path):
    code, out, err = docgen("form", "new", form_type)
    assert code == 0, err
    values = "\n".join(ln for ln in out.splitlines() if not ln.lstrip().startswith("#"))
    for word in ("规划处", "建规", "2011", "审批科"):
        assert word not in values, f"the {form_type} starter carries the example's {word!r}"
    form = tmp_path / f"{form_type}.yaml"
    form.write_text(out, encoding="utf-8")
    code, _, err = docgen("form", "check", form)
    assert code == 3
    lines = [ln.strip() for ln in err.splitlines() if "still the placeholder" in ln]
    assert lines and all(ln.startswith(f"{form}:") for ln in lines)
    assert any(f"{form}:" in ln and " unit: " in ln for ln in lines)


def test_chinese_type_names_work_for_form_new_and_in_forms(docgen, tmp_path):
    code, out, _ = docgen("form", "new", "承诺书")
    assert code == 0 and "type: commitment" in out
    form = tmp_path / "c.yaml"
    form.write_text((EXAMPLES / "commitment.yaml").read_text(encoding="utf-8").replace(
        "type: commitment", "type: 承诺书"), encoding="utf-8")
    code, out, err = docgen("form", "check", form)
    assert code == 0, err


def test_a_half_edited_starter_names_only_what_is_left(docgen, tmp_path):
    code, out, _ = docgen("form", "new", "plan")
    filled = (EXAMPLES / "plan.yaml").read_text(encoding="utf-8")
    assert "addressee: 局监察科" in filled
    half = filled.replace("addressee: 局监察科", "addressee: 某某局监察科", 1)
    form = tmp_path / "plan.yaml"
    form.write_text(half, encoding="utf-8")
    code, _, err = docgen("form", "check", form)
    assert code == 3
    assert "addressee: still the placeholder" in err
    assert err.count("still the placeholder") == 1
