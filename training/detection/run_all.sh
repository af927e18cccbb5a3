#!/usr/bin/env bash
# Rebuild the corpus, train, export and evaluate audio-cnn-v1 end to end (issue 15).
# Usage: bash training/detection/run_all.sh     (from anywhere; ~1.5 h on 2 shared cores, see README.md)
# Needs the Debian packages listed in training/detection/README.md (apt-get) and the service's own
# virtualenv (.venv, `make install`) for the deployment-path evaluation.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
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
time $PY train_cnn.py                       # the shipped model -> src/roomsvc/detection/models/audio-cnn-v1.onnx
for family in flite espeak-ng festival world griffinlim piper kokoro; do
  time $PY train_cnn.py --family "$family"  # leave-one-family-out models -> data/models/
done
time nice -n 10 "$ROOT/.venv/bin/python" evaluate_cnn.py   # deployment path -> eval_results.json + card
