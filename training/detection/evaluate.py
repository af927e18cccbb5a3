#!/usr/bin/env python3
"""Evaluate: EER and min-DCF with bootstrap CIs for every split, run the SHIPPED ONNX file with
onnxruntime on the speaker-split test windows, score the reserved heldout clips, and write
  training/detection/eval_results_baseline_v1.json  (the baseline recipe, kept for reference)
  src/roomsvc/detection/models/audio-baseline-v1.json   (model card)
"""

from __future__ import annotations

import collections
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (
    C_FA,
    C_MISS,
    DATA,
    FEAT_DIM,
    HERE,
    N_CEPS,
    N_FILT,
    P_SPOOF,
    SEED,
    SR,
    WINDOW,
    _one_thread,
    eer,
    load_any,
    min_dcf,
    opus_roundtrip,
    read_manifest,
    resample,
)
from train import ENGINES, MODEL_DIR, ONNX_PATH

N_BOOT = 1000


def log(*a):
    print("[evaluate]", *a, flush=True)


def ci(vals: list[float]) -> list[float]:
    return [float(np.percentile(vals, 2.5)), float(np.percentile(vals, 97.5))]


def metrics(score, label, cluster, rng) -> dict:
    gen_m, spf_m = label == "genuine", label == "synthetic"
    out = {
        "n_genuine_windows": int(gen_m.sum()),
        "n_synthetic_windows": int(spf_m.sum()),
        "n_genuine_clusters": len(set(cluster[gen_m])),
        "n_synthetic_clusters": len(set(cluster[spf_m])),
        "eer": eer(score[gen_m], score[spf_m]),
        "min_dcf": min_dcf(score[gen_m], score[spf_m]),
    }
    g, s = score[gen_m], score[spf_m]
    be, bd = [], []
    for _ in range(N_BOOT):
        gi = rng.integers(0, len(g), len(g))
        si = rng.integers(0, len(s), len(s))
        be.append(eer(g[gi], s[si]))
        bd.append(min_dcf(g[gi], s[si]))
    out["eer_ci95_window_bootstrap"] = ci(be)
    out["min_dcf_ci95_window_bootstrap"] = ci(bd)
    # cluster bootstrap: resample whole speakers (genuine) / voices (synthetic) -> reflects how few there are
    gc = collections.defaultdict(list)
    sc = collections.defaultdict(list)
    for v, lab, c in zip(score, label, cluster, strict=True):
        (gc if lab == "genuine" else sc)[c].append(v)
    gk, sk = sorted(gc), sorted(sc)
    be, bd = [], []
    for _ in range(N_BOOT):
        gg = np.concatenate([gc[gk[i]] for i in rng.integers(0, len(gk), len(gk))])
        ss = np.concatenate([sc[sk[i]] for i in rng.integers(0, len(sk), len(sk))])
        be.append(eer(gg, ss))
        bd.append(min_dcf(gg, ss))
    out["eer_ci95_speaker_bootstrap"] = ci(be)
    out["min_dcf_ci95_speaker_bootstrap"] = ci(bd)
    return out


def clusters(d) -> np.ndarray:
    # genuine: the recorded speaker; synthetic: the voice (engine+voice, resyntheses per source speaker)
    return np.where(d["label"] == "genuine", d["speaker"], d["voice"])


def main() -> None:
    rng = np.random.default_rng(SEED + 7)
    summary = json.loads((DATA / "train_summary.json").read_text())
    thr = summary["thresholds"]
    sess = ort.InferenceSession(
        str(ONNX_PATH), sess_options=_one_thread(ort), providers=["CPUExecutionProvider"]
    )
    results: dict = {
        "definition": {
            "positive_class": "synthetic",
            "score": "P(synthetic) from the model",
            "min_dcf": f"normalised, P_synthetic={P_SPOOF}, C_miss={C_MISS}, C_fa={C_FA}",
            "ci": f"95% percentile bootstrap, {N_BOOT} resamples; 'window' resamples windows, 'speaker' "
            "resamples whole genuine speakers and whole synthetic voices",
        },
        "splits": {},
    }

    # --- speaker split, scored by the shipped ONNX file itself -----------------------------------
    d = dict(np.load(DATA / "scores_speaker.npz"))
    audio = np.load(DATA / "windows_audio.npy", mmap_mode="r")
    onnx_scores = np.array(
        [
            sess.run(["score"], {"audio": (audio[i].astype(np.float32) / 32768)[None]})[0][0, 0]
            for i in d["index"]
        ]
    )
    max_diff = float(np.abs(onnx_scores - d["score"]).max())
    log("speaker split: ONNX vs train.py max abs score diff", max_diff)
    s, lab = onnx_scores, d["label"]
    r = metrics(s, lab, clusters(d), rng)
    r["scored_by"] = "shipped ONNX file via onnxruntime"
    r["onnx_vs_training_max_abs_score_diff"] = max_diff
    for name, t in (("suspicious", thr["suspicious"]), ("alert", thr["alert"])):
        r[f"at_{name}_threshold"] = {
            "threshold": t,
            "genuine_false_alarm_rate": float((s[lab == "genuine"] > t).mean()),
            "synthetic_detection_rate": float((s[lab == "synthetic"] > t).mean()),
        }
    gen_all = s[lab == "genuine"]
    per_engine = {}
    for e in sorted(set(d["engine"][lab == "synthetic"])):
        m = (d["engine"] == e) & (lab == "synthetic")
        per_engine[e] = {
            "n_windows": int(m.sum()),
            "eer_vs_all_test_genuine": eer(gen_all, s[m]),
            "detect_rate_at_suspicious": float((s[m] > thr["suspicious"]).mean()),
        }
    r["per_engine"] = per_engine
    per_spk = {}
    for sp_ in sorted(set(d["speaker"][lab == "genuine"])):
        m = (d["speaker"] == sp_) & (lab == "genuine")
        per_spk[sp_] = {
            "n_windows": int(m.sum()),
            "false_alarm_at_suspicious": float((s[m] > thr["suspicious"]).mean()),
            "mean_score": float(s[m].mean()),
        }
    r["per_genuine_speaker"] = per_spk
    opus = np.array(["opus" in json.loads(a) for a in d["aug"]])
    r["by_condition"] = {}
    for cname, cm in (("opus", opus), ("no_opus", ~opus)):
        r["by_condition"][cname] = {
            "eer": eer(s[cm & (lab == "genuine")], s[cm & (lab == "synthetic")]),
            "n_windows": int(cm.sum()),
        }
    results["splits"]["speaker"] = r
    log("speaker", f"EER={r['eer']:.4f} {r['eer_ci95_speaker_bootstrap']} minDCF={r['min_dcf']:.4f}")

    # --- leave-one-engine-out splits (each its own model; scores from train.py) -------------------
    for e in ENGINES:
        d = dict(np.load(DATA / f"scores_engine_{e}.npz"))
        r = metrics(d["score"], d["label"], clusters(d), rng)
        r["scored_by"] = "split-specific model (same recipe), scores from train.py"
        results["splits"][f"engine:{e}"] = r
        log(f"engine:{e}", f"EER={r['eer']:.4f} {r['eer_ci95_speaker_bootstrap']} minDCF={r['min_dcf']:.4f}")

    # --- reserved heldout clips -------------------------------------------------------------------
    held = {}
    for row in read_manifest():
        if row["reserved"] != "heldout":
            continue
        fn = "genuine_cmu_arctic_a0007.wav" if row["label"] == "genuine" else "synthetic_festival_slt_hts.wav"
        x, sr = load_any(HERE / "heldout" / fn)
        x = resample(x, sr, SR)
        x = np.pad(x, (0, max(0, WINDOW - len(x))))[:WINDOW].astype(np.float32)
        out = {}
        for cond, y in (("clean", x), ("opus_32k", opus_roundtrip(x, 32000))):
            out[cond] = float(sess.run(["score"], {"audio": y[None]})[0][0, 0])
        held[fn] = {"label": row["label"], "scores_first_4s": out}
        log("heldout", fn, out)
    results["heldout_clips"] = held
    results["train_summary"] = summary
    (HERE / "eval_results_baseline_v1.json").write_text(json.dumps(results, indent=1) + "\n")
    write_card(results)


def _round(o, nd: int = 4):
    if isinstance(o, float):
        return round(o, nd)
    if isinstance(o, dict):
        return {k: _round(v, nd) for k, v in o.items()}
    if isinstance(o, list):
        return [_round(v, nd) for v in o]
    return o


def write_card(res: dict) -> None:
    rows = [r for r in read_manifest()]
    used = [r for r in rows if not r["reserved"]]
    by = collections.Counter()
    dur = collections.Counter()
    for r in used:
        by[(r["label"], r["engine"])] += 1
        dur[(r["label"], r["engine"])] += float(r["duration_s"])
    summ = res["train_summary"]
    sp = res["splits"]["speaker"]
    card = {
        "name": "audio-baseline",
        "version": "1",
        "kind": "audio",
        "file": ONNX_PATH.name,
        "sha256": hashlib.sha256(ONNX_PATH.read_bytes()).hexdigest(),
        "size_bytes": ONNX_PATH.stat().st_size,
        "sample_rate": SR,
        "window_samples": WINDOW,
        "input": {
            "name": "audio",
            "dtype": "float32",
            "shape": [1, WINDOW],
            "description": "4 s of 16 kHz mono PCM scaled to [-1, 1]; no other preprocessing",
        },
        "output": {
            "name": "score",
            "dtype": "float32",
            "shape": [1, 1],
            "description": "probability that the window is synthetic speech",
        },
        "onnx_opset": 17,
        "runtime_requirements": ["numpy", "onnxruntime>=1.15"],
        "thresholds": {
            "suspicious": round(summ["thresholds"]["suspicious"], 4),
            "alert": round(summ["thresholds"]["alert"], 4),
            "derivation": summ["thresholds"]["derivation"],
        },
        "architecture": {
            "features": "in-graph: DC removal, RMS normalisation, pre-emphasis 0.97, "
            "STFT (Hann 320 in 512, hop 160), "
            f"{N_FILT} linear triangular filters 0-8 kHz, log, DCT-II -> {N_CEPS} LFCC "
            "+ delta + delta-delta; "
            f"mean and std over the window -> {FEAT_DIM} values",
            "classifier": summ["chosen"],
            "selection": "grouped 5-fold CV over training speakers",
        },
        "training_data": {
            "summary": "tiny offline corpus: genuine speech from Debian/PyPI-bundled recordings "
            "(Asterisk voice "
            "prompts, codec2 samples, alsa-utils, pyannote.audio sample); synthetic speech from flite, "
            "espeak-ng, festival and WORLD / Griffin-Lim resynthesis; Opus, GSM, band-limit, noise and "
            "gain augmentation. Full provenance: training/detection/manifest.csv",
            "clips_by_label_engine": {f"{k[0]}/{k[1]}": v for k, v in sorted(by.items())},
            "minutes_by_label_engine": {f"{k[0]}/{k[1]}": round(v / 60, 1) for k, v in sorted(dur.items())},
            "shipped_model_trained_on": {
                k: summ["splits"]["speaker"][k] for k in ("train_windows", "train_speakers", "train_engines")
            },
        },
        "eval": {
            "note": "Held-out speakers/voices; tiny test set; see docs/detection.md for limits. "
            "Not a production anti-spoofing model.",
            "speaker_split_shipped_model": {
                k: sp[k]
                for k in (
                    "eer",
                    "eer_ci95_speaker_bootstrap",
                    "eer_ci95_window_bootstrap",
                    "min_dcf",
                    "min_dcf_ci95_speaker_bootstrap",
                    "n_genuine_windows",
                    "n_synthetic_windows",
                    "at_suspicious_threshold",
                    "at_alert_threshold",
                )
            },
            "leave_one_engine_out": {
                k.split(":", 1)[1]: {
                    m: v[m]
                    for m in (
                        "eer",
                        "eer_ci95_speaker_bootstrap",
                        "min_dcf",
                        "min_dcf_ci95_speaker_bootstrap",
                    )
                }
                for k, v in res["splits"].items()
                if k.startswith("engine:")
            },
            "min_dcf_definition": res["definition"]["min_dcf"],
        },
        "limitations": "NOT a production anti-spoofing model. "
        "Small baseline trained on a tiny corpus of old TTS engines (diphone, formant, HTS, "
        "clustergen) and vocoder resynthesis; no neural TTS or voice conversion in training. "
        "Few genuine speakers, mostly studio IVR prompts. Expect much worse results on modern "
        "neural TTS and on unusual microphones/rooms.",
    }
    card["eval"]["heldout_clips_first_window"] = {
        k: {"label": v["label"], **v["scores_first_4s"]} for k, v in res["heldout_clips"].items()
    }
    card = _round(card)
    path = MODEL_DIR / "audio-baseline-v1.json"
    path.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n")
    log("model card:", path)


if __name__ == "__main__":
    main()
