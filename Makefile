# The two commands a new user needs: `make demo` and `make test`. Each sets up what it uses.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= out

.PHONY: demo test setup system venv bench clean

# the 2011 campaign in calendar order: all eight filings
FORMS := examples/plan.yaml examples/opinions.yaml examples/commitment.yaml examples/hearing.yaml \
	examples/fulfillment.yaml examples/assessment.yaml examples/summary.yaml examples/results.yaml
DEMO_ARCHIVE := $(OUT)/archive
DG := $(BIN)/docgen

# The main job on the bundled examples: documents, archive, proof, search, bundle.
demo: setup
	rm -rf $(OUT)
	$(DG) generate $(FORMS) -o $(OUT) --pdf
	$(DG) layout check $(OUT)/*.pdf
	$(DG) init --archive $(DEMO_ARCHIVE) --fonds-code Z109 --fonds-name 区建设局 \
		--unit 区建设局规划处=GHC --unit 区建设局办公室=BGS
	# the 2011 examples reached 局监察科 on paper in 2011: --submitted records the 报送日期
	$(DG) file --archive $(DEMO_ARCHIVE) examples/plan.yaml --submitted 2011-04-18
	$(DG) file --archive $(DEMO_ARCHIVE) examples/opinions.yaml --submitted 2011-04-19
	$(DG) file --archive $(DEMO_ARCHIVE) examples/commitment.yaml --submitted 2011-05-12
	$(DG) file --archive $(DEMO_ARCHIVE) examples/hearing.yaml --submitted 2011-06-22
	# checked against the filed 承诺书: every commitment reported, none invented
	$(DG) file --archive $(DEMO_ARCHIVE) examples/fulfillment.yaml --submitted 2011-09-22
	$(DG) file --archive $(DEMO_ARCHIVE) examples/assessment.yaml --submitted 2011-11-28
	$(DG) file --archive $(DEMO_ARCHIVE) examples/summary.yaml --submitted 2011-12-02
	# 一季度公布评议结果: dated 2012 (年度 2012 in its 档号), it counts for the 2011 campaign
	$(DG) file --archive $(DEMO_ARCHIVE) examples/results.yaml --submitted 2012-03-16
	$(DG) status --archive $(DEMO_ARCHIVE) --year 2011 --unit GHC --today 2012-03-31 --strict
	$(DG) verify --archive $(DEMO_ARCHIVE)
	$(DG) search --archive $(DEMO_ARCHIVE) 审批时限
	# the whole campaign: its 评议结果 is a 2012 件, so no --year (a --year bundle is one 年度)
	$(DG) bundle --archive $(DEMO_ARCHIVE) --unit GHC -o $(OUT)/bundle-2011.zip
	$(DG) bundle verify $(OUT)/bundle-2011.zip
	# the head the bundle recorded anchors the archive's audit log from now on
	$(DG) verify --archive $(DEMO_ARCHIVE) --against $(OUT)/bundle-2011.zip

test: setup
	$(BIN)/python -m pytest -q

setup: system venv

system:
	bash scripts/setup-system.sh

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml setup.py
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
	$(BIN)/python bench/bench_xlsx.py
	$(BIN)/python bench/bench_layout.py
	$(BIN)/python bench/bench_ocr.py
	$(BIN)/python bench/bench_web.py

clean:
	rm -rf $(OUT) $(VENV)
