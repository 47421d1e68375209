# The two commands a new user needs: `make demo` and `make test`. Each sets up what it uses.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= out

.PHONY: demo test setup system venv bench clean

FORMS := examples/plan.yaml examples/commitment.yaml examples/summary.yaml
DEMO_ARCHIVE := $(OUT)/archive
DG := $(BIN)/docgen

# The main job on the bundled examples: documents, archive, proof, search, bundle.
demo: setup
	rm -rf $(OUT)
	$(DG) generate $(FORMS) -o $(OUT) --pdf
	$(DG) init --archive $(DEMO_ARCHIVE) --fonds-code Z109 --fonds-name 区建设局 \
		--unit 区建设局规划处=GHC --unit 区建设局办公室=BGS
	# the 2011 examples reached 局监察科 on paper in 2011: --submitted records the 报送日期
	$(DG) file --archive $(DEMO_ARCHIVE) examples/plan.yaml --submitted 2011-04-18
	$(DG) file --archive $(DEMO_ARCHIVE) examples/commitment.yaml --submitted 2011-05-12
	$(DG) file --archive $(DEMO_ARCHIVE) examples/summary.yaml --submitted 2011-12-02
	$(DG) status --archive $(DEMO_ARCHIVE) --year 2011 --unit GHC --today 2011-12-31
	$(DG) verify --archive $(DEMO_ARCHIVE)
	$(DG) search --archive $(DEMO_ARCHIVE) 审批时限
	$(DG) bundle --archive $(DEMO_ARCHIVE) --year 2011 -o $(OUT)/bundle-2011.zip
	$(DG) bundle verify $(OUT)/bundle-2011.zip

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
	$(BIN)/python bench/bench_convert.py
	$(BIN)/python bench/bench_archive.py
	$(BIN)/python bench/bench_search.py
	$(BIN)/python bench/bench_bundle.py
	$(BIN)/python bench/bench_web.py

clean:
	rm -rf $(OUT) $(VENV)
