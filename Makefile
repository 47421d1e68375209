# The two commands a new user needs: `make demo` and `make test`. Each sets up what it uses.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= out

.PHONY: demo test setup system venv bench clean

demo: setup
	rm -rf $(OUT)
	$(BIN)/docgen generate examples/plan.yaml examples/commitment.yaml examples/summary.yaml -o $(OUT)

test: setup
	$(BIN)/python -m pytest -q

setup: system venv

system:
	bash scripts/setup-system.sh

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

bench: setup
	$(BIN)/python bench/bench_render.py

clean:
	rm -rf $(OUT) $(VENV)
