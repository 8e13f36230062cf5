# The README's commands. Each target creates .venv from nothing when it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test lint bench eval train schemas clean

$(STAMP): pyproject.toml setup.py streams/consensus/_kernel.pyx
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/claimwatch demo

test: $(STAMP)
	$(BIN)/ruff check streams schemas tests
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check streams schemas tests
	$(BIN)/mypy
	$(BIN)/lint-imports

# The learned place choice, trained on every annotated set (deterministic: the same sets give
# the same streams/extraction/models/place_choice.json).
train: $(STAMP)
	$(BIN)/python -m streams.training.place_choice

# Extraction on the seed article (../shared/data), on our annotated dev set (used while
# developing) and on held-out test sets (never used for development), then truth discovery.
EXTRACTION_SETS := dev test test2 test3 test4 test5 test6 test7 test8 test9 test10 test11 test12 blind_final test13 test14 test15
eval: $(STAMP)
	$(BIN)/python -m streams.evaluation.extraction
	@for set in $(EXTRACTION_SETS); do \
	  if [ -f tests/data/extraction/$${set}_gold.jsonl ]; then \
	    echo "== extraction, $$set set"; \
	    $(BIN)/python -m streams.evaluation.extraction --articles tests/data/extraction/$${set}_articles.jsonl \
	      --gold tests/data/extraction/$${set}_gold.jsonl | sed -n '1,2p'; \
	  fi; \
	done
	@echo "== extraction over every set, leave-one-story-out"
	$(BIN)/python -m streams.evaluation.corpus
	$(BIN)/python -m streams.evaluation.story
	$(BIN)/python -m streams.evaluation.alerts
	$(BIN)/python -m streams.evaluation.truth_discovery
	$(BIN)/python -m streams.evaluation.synthetic_truth

# `make bench BENCH=load` runs the long load benchmark (100,000 events through a live worker) instead.
bench: $(STAMP)
	$(BIN)/python -m streams.bench $(BENCH)
	@if [ -z "$(BENCH)" ]; then $(BIN)/python -m streams.bench.readme; fi

schemas: $(STAMP)
	$(BIN)/python -m schemas.generate

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
