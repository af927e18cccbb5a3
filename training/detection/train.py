#!/usr/bin/env python3
"""Train the baseline on data/windows.npz, for every evaluation split, and export the shipped model.

Splits (no window of a test speaker / test engine is ever trained on):
  speaker          - disjoint genuine speakers AND disjoint synthetic voices/speakers (resyntheses of a
                     test speaker are test data too). This split's model is the one that is shipped.
  engine:<E>       - leave-one-synthesis-engine-out: train on the other engines, test on engine E
                     (all its voices) against the held-out genuine speakers of the speaker split.
Model selection (classifier type / size) uses only the speaker split's training speakers, by
grouped 5-fold cross-validation over speakers. The shipped model's thresholds come from those
out-of-fold scores, never from test data.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DATA, SEED, WINDOW, _one_thread, eer, min_dcf

MODEL_DIR = Path(__file__).resolve().parents[2] / "src" / "roomsvc" / "detection" / "models"
ONNX_PATH = MODEL_DIR / "audio-baseline-v1.onnx"

# Genuine speakers held out for testing (all splits) and synthetic voices held out in the speaker split.
TEST_GENUINE = {
    "june",
    "july_es_co",
    "pyannote_sample",
    "c2_david4",
    "c2_forig",
    "c2_hts",
    "c2_kristoff",
    "c2_ve9qrp",
}
TEST_SYNTH_SPEAKERS = {"slt", "festival_pc", "espeak_en-us+f3", "espeak_it+f4", "espeak_ru+m7"}
ENGINES = ["flite", "espeak-ng", "festival", "world", "griffinlim"]

CANDIDATES = {
    "logreg_C0.1": lambda: LogisticRegression(C=0.1, max_iter=2000, class_weight="balanced"),
    "logreg_C1": lambda: LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced"),
    "mlp32_a1e-2": lambda: MLPClassifier((32,), alpha=1e-2, max_iter=400, random_state=SEED),
    "mlp64_a1e-1": lambda: MLPClassifier((64,), alpha=1e-1, max_iter=400, random_state=SEED),
    "mlp64-16_a1e-2": lambda: MLPClassifier((64, 16), alpha=1e-2, max_iter=400, random_state=SEED),
}


def log(*a):
    print("[train]", *a, flush=True)


def load():
    d = np.load(DATA / "windows.npz", allow_pickle=False)
    return {k: d[k] for k in d.files}


def masks(w: dict) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    spk, eng = w["speaker"], w["engine"]
    is_gen = w["label"] == "genuine"
    test_gen_spk = np.isin(spk, list(TEST_GENUINE))  # genuine test speakers and their resyntheses
    test_spk = test_gen_spk | np.isin(spk, list(TEST_SYNTH_SPEAKERS))
    out = {"speaker": (~test_spk, test_spk)}
    for e in ENGINES:
        test = (is_gen & test_gen_spk) | (eng == e)
        train = ~test_gen_spk & (eng != e)
        out[f"engine:{e}"] = (train, test)
    for k, (tr, te) in out.items():
        assert not (tr & te).any(), k
        assert not set(spk[tr & is_gen]) & set(spk[te & is_gen]), k
    return out


def fit(name: str, x: np.ndarray, y: np.ndarray):
    scaler = StandardScaler().fit(x)
    z = scaler.transform(x)
    sw = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))  # balance classes
    clf = CANDIDATES[name]()
    clf.fit(z, y, sample_weight=sw)
    return scaler, clf


def raw_logit(model, x: np.ndarray) -> np.ndarray:
    """Pre-sigmoid output computed exactly like the ONNX graph (standardise, MatMul/Add/Relu)."""
    scaler, _ = model
    h = (x - scaler.mean_) / scaler.scale_
    ws, bs = layers(model)
    for i, (wt, b) in enumerate(zip(ws, bs, strict=True)):
        h = h @ wt + b
        if i < len(ws) - 1:
            h = np.maximum(h, 0.0)
    return h[:, 0]


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -60, 60)))


def train_rows(w: dict, tr: np.ndarray):
    """Both augmentation copies of the training windows."""
    f = w["feats"]
    x = np.concatenate([f[c][tr] for c in range(f.shape[0])])
    y = np.tile((w["label"][tr] == "synthetic").astype(int), f.shape[0])
    g = np.tile(w["speaker"][tr], f.shape[0])
    return x, y, g


def layers(model) -> tuple[list[np.ndarray], list[np.ndarray]]:
    _, clf = model
    if isinstance(clf, LogisticRegression):
        return [clf.coef_.T.copy()], [clf.intercept_.copy()]
    return [w.copy() for w in clf.coefs_], [b.copy() for b in clf.intercepts_]


def oof_scores(name: str, x, y, g):
    oof = np.zeros(len(y))
    for tr, te in GroupKFold(n_splits=5).split(x, y, g):
        oof[te] = raw_logit(fit(name, x[tr], y[tr]), x[te])
    return oof


def main() -> None:
    t0 = time.time()
    w = load()
    sp = masks(w)
    summary: dict = {"splits": {}, "cv": {}}
    tr, te = sp["speaker"]
    x, y, g = train_rows(w, tr)
    log("speaker split train windows:", int(tr.sum()), "test windows:", int(te.sum()))
    # copy 0 only for CV scoring so each window counts once
    n0 = int(tr.sum())
    best, best_eer, oof_best = None, 9.0, None
    for name in CANDIDATES:
        t = time.time()
        oof = oof_scores(name, x, y, g)[:n0]
        e = eer(oof[y[:n0] == 0], oof[y[:n0] == 1])
        d = min_dcf(oof[y[:n0] == 0], oof[y[:n0] == 1])
        summary["cv"][name] = {"oof_eer": e, "oof_min_dcf": d, "seconds": round(time.time() - t, 1)}
        log(f"CV {name:16s} EER={e:.4f} minDCF={d:.4f} ({time.time() - t:.1f}s)")
        if e < best_eer - 1e-9:
            best, best_eer, oof_best = name, e, oof
    summary["chosen"] = best
    log("chosen:", best)

    # Platt calibration of the chosen model on its out-of-fold logits (balanced classes), folded into the
    # last layer, so 'score' is a usable probability rather than a saturated MLP output.
    yo = y[:n0]
    cal = LogisticRegression(C=1e4, class_weight="balanced").fit(oof_best[:, None], yo)
    a, b = float(cal.coef_[0, 0]), float(cal.intercept_[0])
    summary["calibration"] = {
        "a": a,
        "b": b,
        "method": "Platt scaling on out-of-fold logits, balanced classes "
        "(score = P(synthetic) at a 50/50 prior)",
    }
    oof_cal = sigmoid(a * oof_best + b)
    # thresholds on calibrated out-of-fold genuine scores
    gen_oof = np.sort(oof_cal[yo == 0])
    spf_oof = oof_cal[yo == 1]
    thr_susp = float(np.quantile(gen_oof, 0.95))
    thr_alert = float(np.quantile(gen_oof, 0.99))
    summary["thresholds"] = {
        "suspicious": thr_susp,
        "alert": thr_alert,
        "derivation": "95th / 99th percentile of calibrated out-of-fold genuine scores (grouped 5-fold CV "
        "over the training speakers of the speaker split), i.e. ~5% / ~1% genuine false-alarm "
        "rate on training-speaker data; never tuned on test data",
        "oof_synthetic_detect_rate_at_suspicious": float((spf_oof > thr_susp).mean()),
        "oof_synthetic_detect_rate_at_alert": float((spf_oof > thr_alert).mean()),
    }

    shipped = None
    for split, (trm, tem) in sp.items():
        t = time.time()
        xs, ys, _ = train_rows(w, trm)
        model = fit(best, xs, ys)
        s = sigmoid(a * raw_logit(model, w["feats"][0][tem]) + b)
        np.savez(
            DATA / f"scores_{split.replace(':', '_')}.npz",
            score=s,
            label=w["label"][tem],
            speaker=w["speaker"][tem],
            engine=w["engine"][tem],
            voice=w["voice"][tem],
            aug=w["aug"][tem],
            index=np.where(tem)[0],
        )
        lab = w["label"][tem]
        summary["splits"][split] = {
            "train_windows": int(trm.sum()),
            "train_examples_with_aug_copies": len(ys),
            "test_windows": int(tem.sum()),
            "test_genuine": int((lab == "genuine").sum()),
            "test_synthetic": int((lab == "synthetic").sum()),
            "train_speakers": sorted(set(w["speaker"][trm])),
            "test_speakers": sorted(set(w["speaker"][tem])),
            "train_engines": sorted(set(w["engine"][trm])),
            "test_engines": sorted(set(w["engine"][tem])),
            "eer_train_py": eer(s[lab == "genuine"], s[lab == "synthetic"]),
            "fit_seconds": round(time.time() - t, 1),
        }
        log(
            f"{split:22s} train={int(trm.sum())} test={int(tem.sum())} "
            f"EER={summary['splits'][split]['eer_train_py']:.4f}"
        )
        if split == "speaker":
            shipped = (model, tem, s)

    model, tem, s = shipped
    export(model, w, tem, s, summary, a, b)
    summary["train_seconds_total"] = round(time.time() - t0, 1)
    (DATA / "train_summary.json").write_text(json.dumps(summary, indent=1))
    log(f"done in {time.time() - t0:.1f}s")


def export(model, w, tem, s_ref, summary, a: float, b: float) -> None:
    import onnxruntime as ort
    from export_onnx import build

    scaler, _ = model
    ws, bs = layers(model)
    ws[-1], bs[-1] = ws[-1] * a, bs[-1] * a + b  # fold the Platt calibration into the output layer
    doc = (
        "roomsvc audio-baseline-v1: small LFCC-statistics MLP baseline for synthetic-speech detection. "
        "Input 'audio' float32 [1,64000] 16 kHz mono in [-1,1]; output 'score' float32 [1,1] = P(synthetic). "
        "Trained on a tiny offline corpus; NOT a production anti-spoofing model. See docs/detection.md."
    )
    m = build(scaler.mean_, scaler.scale_, ws, bs, doc=doc)
    MODEL_DIR.mkdir(parents=True, exist_ok=True)
    ONNX_PATH.write_bytes(m.SerializeToString())
    dbg = build(scaler.mean_, scaler.scale_, ws, bs, with_features_output=True)
    sess = ort.InferenceSession(
        dbg.SerializeToString(), sess_options=_one_thread(ort), providers=["CPUExecutionProvider"]
    )
    audio = np.load(DATA / "windows_audio.npy", mmap_mode="r")
    idx = np.where(tem)[0]
    sel = np.random.default_rng(SEED).choice(len(idx), size=min(300, len(idx)), replace=False)
    fd, sd = 0.0, 0.0
    for j in sel:
        x = (audio[idx[j]].astype(np.float32) / 32768)[None, :]
        assert x.shape == (1, WINDOW)
        score, feats = sess.run(["score", "features"], {"audio": x})
        fd = max(fd, float(np.abs(feats[0] - w["feats"][0][idx[j]]).max()))
        sd = max(sd, float(abs(score[0, 0] - s_ref[j])))
    summary["onnx_verification"] = {
        "windows_checked": len(sel),
        "max_abs_diff_features": fd,
        "max_abs_diff_score": sd,
        "onnx_bytes": ONNX_PATH.stat().st_size,
        "onnxruntime": ort.__version__,
    }
    log("ONNX verification:", summary["onnx_verification"])
    assert sd < 1e-3, "exported graph disagrees with the training-time model"


if __name__ == "__main__":
    main()
