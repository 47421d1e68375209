"""docgen.sandbox on ordinary templates: what the limits leave alone. (What they refuse is
in tests/hostile/test_templates.py.)"""

from __future__ import annotations

import pytest
from jinja2.exceptions import SecurityError

from docgen import resources
from docgen.sandbox import LIMITS, BoundedSandbox, Limits, check_package, environment


def render(source: str, limits: Limits = LIMITS, **ctx) -> str:
    return environment(limits).from_string(source).render(**ctx)


def test_ordinary_template_code_renders():
    assert render("{% for i in range(3) %}{{ i }}{% endfor %}") == "012"
    assert render("{{ '-' * 10 }}{{ 'x'|center(5) }}{{ '%05d' % 42 }}") == "-" * 10 + "  x  00042"
    assert render("{% macro m(n) %}{% if n %}{{ m(n - 1) }}{{ n }}{% endif %}{% endmacro %}"
                  "{{ m(5) }}") == "12345"
    assert render("{{ items|join('、') }}", items=["一", "二"]) == "一、二"


def test_budgets_count_per_environment():
    small = Limits(max_range=10, max_loop_items=25)
    env = environment(small)
    tpl = env.from_string("{% for i in range(10) %}{% endfor %}")
    tpl.render()
    tpl.render()
    with pytest.raises(SecurityError, match="more than 25 range"):
        tpl.render()
    assert render("{% for i in range(10) %}{% endfor %}", small) == ""  # a fresh budget


def test_compiled_parts_are_shared_between_environments():
    source = "{{ title }} 缓存"
    BoundedSandbox._compiled.pop((source, None, None), None)
    environment().from_string(source)
    code = BoundedSandbox._compiled[(source, None, None)]
    environment().from_string(source)
    assert BoundedSandbox._compiled[(source, None, None)] is code


@pytest.mark.parametrize("form_type", ["plan", "commitment", "summary"])
def test_bundled_templates_pass_the_package_check(form_type):
    check_package(resources.template(form_type))
