#!/usr/bin/env bash
# Rebuild the corpus, train, export and evaluate the audio forgery-detection baseline end to end.
# Usage: bash training/detection/run_all.sh          (from anywhere; ~11 min on 2 shared cores)
# Needs the Debian packages listed in training/detection/README.md (installed with apt-get).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
VENV="${VENV:-/tmp/train-venv}"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q -r "$HERE/requirements.txt"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONHASHSEED=0
PY="nice -n 10 $VENV/bin/python"
cd "$HERE"
time $PY build_corpus.py
time $PY make_windows.py
time $PY train.py
time $PY evaluate.py
