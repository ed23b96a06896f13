#!/usr/bin/env bash
# Set up a virtualenv in .venv (llama-cpp-python builds from source once per machine; pip's wheel
# cache keeps it) and run the whole test suite, the real-model tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if ! command -v tmux >/dev/null 2>&1; then
  (apt-get update -qq && apt-get install -y -qq tmux) >/dev/null 2>&1 || echo "tmux not installed: the tmux end-to-end test will be skipped"
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} .venv/bin/python -m pip install -q -e '.[test]'
exec .venv/bin/python -m pytest "$@"
