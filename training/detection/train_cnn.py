#!/usr/bin/env python3
"""Train audio-cnn-v1 (cnn.py) on data/windows_audio_c*.npy and export it to ONNX.

  python train_cnn.py                 # the shipped model: trains on the `train` speakers/voices
                                      #   (splits.role), writes src/roomsvc/detection/models/audio-cnn-v1.onnx
  python train_cnn.py --family kokoro # leave-one-family-out: also without any kokoro voice,
                                      #   writes data/models/audio-cnn-v1-without-kokoro.onnx

Deterministic: fixed seeds, torch.use_deterministic_algorithms, one thread, no DataLoader workers;
a rerun on the same machine and library versions writes the same ONNX bytes (sha256 printed).
The Platt calibration (score = P(synthetic) at a 50/50 prior) is fitted on the `dev` speakers'
windows and folded into the last layer; thresholds are set later, by evaluate_cnn.py, on the deployment
path.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cnn
from common import DATA, FEAT_DIM, SEED
from splits import FAMILIES, role

MODEL_DIR = Path(__file__).resolve().parents[2] / "src" / "roomsvc" / "detection" / "models"
SHIPPED = MODEL_DIR / "audio-cnn-v1.onnx"
N_COPIES = 2
BATCH = 64
CROP = 124  # frames: ~2 s of the 4 s window
LR = 2e-3
WEIGHT_DECAY = 1e-3
EPOCHS = {"shipped": 8, "family": 8}


def log(*a):
    print("[train_cnn]", *a, flush=True)


def logf_cache() -> list[np.ndarray]:
    """Log filterbank of every augmented window, both copies ([N, 64, 248] float16, computed once)."""
    out = []
    feats = cnn.Features()
    for c in range(N_COPIES):
        src = DATA / f"windows_audio_c{c}.npy"
        dst = DATA / f"logf_c{c}.npy"
        if not dst.exists() or dst.stat().st_mtime < src.stat().st_mtime:
            audio = np.load(src, mmap_mode="r")
            arr = np.lib.format.open_memmap(
                DATA / f"logf_c{c}.tmp.npy",
                mode="w+",
                dtype=np.float16,
                shape=(len(audio), cnn.N_BANDS, cnn.N_FRAMES),
            )
            with torch.no_grad():
                for i in range(0, len(audio), 256):
                    x = torch.from_numpy(audio[i : i + 256].astype(np.float32) / 32768)
                    arr[i : i + 256] = feats(x)[:, 0].numpy().astype(np.float16)
            arr.flush()
            del arr
            os.replace(DATA / f"logf_c{c}.tmp.npy", dst)
            log("features cached:", dst)
        out.append(np.load(dst, mmap_mode="r"))
    return out


def lfcc_cache() -> list[np.ndarray]:
    """The baseline's pooled LFCC statistics of every augmented window, both copies ([N, 240] float32)."""
    from common import lfcc_stats

    out = []
    for c in range(N_COPIES):
        src, dst = DATA / f"windows_audio_c{c}.npy", DATA / f"lfcc_c{c}.npy"
        if not dst.exists() or dst.stat().st_mtime < src.stat().st_mtime:
            audio = np.load(src, mmap_mode="r")
            arr = np.zeros((len(audio), FEAT_DIM), np.float32)
            for i in range(0, len(audio), 64):
                arr[i : i + 64] = lfcc_stats(audio[i : i + 64].astype(np.float32) / 32768)
            np.save(dst, arr)
            log("LFCC statistics cached:", dst)
        out.append(np.load(dst))
    return out


def stats_tensor(lfcc: list[np.ndarray], idx: np.ndarray, copies: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.stack([lfcc[c][i] for i, c in zip(idx, copies, strict=True)]))


def batch_tensor(
    logf: list[np.ndarray], idx: np.ndarray, copies: np.ndarray, rng: np.random.Generator, train: bool
):
    x = np.stack([logf[c][i] for i, c in zip(idx, copies, strict=True)]).astype(np.float32)
    if train:
        starts = rng.integers(0, cnn.N_FRAMES - CROP + 1, len(idx))
        x = np.stack([x[k, :, s : s + CROP] for k, s in enumerate(starts)])
        for k in range(len(x)):  # frequency masking (SpecAugment), half of the examples
            if rng.random() < 0.5:
                w = int(rng.integers(1, 9))
                f0 = int(rng.integers(0, cnn.N_BANDS - w))
                x[k, f0 : f0 + w] = x[k].mean()
    t = torch.from_numpy(x).unsqueeze(1)
    return cnn.normalise(t)


def logits(net: cnn.Net, logf: list[np.ndarray], lfcc: list[np.ndarray], idx: np.ndarray) -> np.ndarray:
    net.eval()
    out = []
    rng = np.random.default_rng(0)
    with torch.no_grad():
        for i in range(0, len(idx), 128):
            part = idx[i : i + 128]
            zeros = np.zeros(len(part), int)
            x = batch_tensor(logf, part, zeros, rng, train=False)
            out.append(net(x, stats_tensor(lfcc, part, zeros)).numpy())
    return np.concatenate(out) if out else np.zeros(0)


def platt(z: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Logistic regression of y on the logit z, balanced classes (lbfgs: deterministic)."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e4, class_weight="balanced", max_iter=1000).fit(z[:, None], y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--family", choices=FAMILIES, help="leave this synthesis family out of training")
    ap.add_argument("--epochs", type=int)
    args = ap.parse_args()
    kind = "family" if args.family else "shipped"
    epochs = args.epochs or EPOCHS[kind]
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED + 11)
    t0 = time.time()

    meta = dict(np.load(DATA / "windows.npz"))
    roles = np.array([role(s) for s in meta["speaker"]])
    y_all = (meta["label"] == "synthetic").astype(np.float32)
    train = roles == "train"
    if args.family:
        train &= meta["engine"] != args.family
    dev = roles == "dev"
    logf = logf_cache()
    lfcc = lfcc_cache()
    t_feat = time.time() - t0
    tr_idx = np.where(train)[0]
    y_tr = y_all[tr_idx]
    log(
        f"{kind} {args.family or ''}: train windows {len(tr_idx)} (synthetic {int(y_tr.sum())}), "
        f"dev {int(dev.sum())}"
    )

    net = cnn.Net()
    both = np.concatenate([lfcc[c][tr_idx] for c in range(N_COPIES)])
    net.stats_mean.copy_(torch.from_numpy(both.mean(axis=0)))
    net.stats_scale.copy_(torch.from_numpy(both.std(axis=0) + 1e-6))
    opt = torch.optim.AdamW(net.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)
    steps_per_epoch = int(np.ceil(len(tr_idx) / BATCH))
    total = epochs * steps_per_epoch
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=LR, total_steps=total, pct_start=0.1)
    pos_weight = torch.tensor(float((1 - y_tr).sum() / max(y_tr.sum(), 1)))
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    history = []
    for ep in range(epochs):
        net.train()
        order = rng.permutation(tr_idx)
        copies = rng.integers(0, N_COPIES, len(order))
        total_loss, t_ep = 0.0, time.time()
        for s in range(0, len(order), BATCH):
            idx = order[s : s + BATCH]
            x = batch_tensor(logf, idx, copies[s : s + BATCH], rng, train=True)
            y = torch.from_numpy(y_all[idx])
            loss = loss_fn(net(x, stats_tensor(lfcc, idx, copies[s : s + BATCH])), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total_loss += loss.item() * len(idx)
        entry = {"epoch": ep + 1, "loss": total_loss / len(order), "seconds": round(time.time() - t_ep, 1)}
        if dev.any():
            from common import eer

            z = logits(net, logf, lfcc, np.where(dev)[0])
            yd = y_all[dev]
            entry["dev_eer_augmented_windows"] = eer(z[yd == 0], z[yd == 1])
        history.append(entry)
        log(entry)
    t_train = time.time() - t0 - t_feat

    dev_idx = np.where(dev)[0]
    z = logits(net, logf, lfcc, dev_idx)
    a, b = platt(z, y_all[dev_idx])
    log(f"Platt on dev windows: a={a:.4f} b={b:.4f}")
    doc = (
        "roomsvc audio-cnn-v1: small spectro-temporal CNN for synthetic-speech detection. "
        "Input 'audio' float32 [1,64000] 16 kHz mono in [-1,1]; output 'score' float32 [1,1] = P(synthetic). "
        "Trained offline on Debian/PyPI-packaged speech; see training/detection/README.md and "
        "docs/detection.md."
    )
    model = cnn.build_onnx(net, a, b, doc=doc)
    out = SHIPPED if kind == "shipped" else DATA / "models" / f"audio-cnn-v1-without-{args.family}.onnx"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(model.SerializeToString())
    sha = hashlib.sha256(out.read_bytes()).hexdigest()

    # the exported graph must agree with torch on real windows (features included)
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(str(out), sess_options=so, providers=["CPUExecutionProvider"])
    audio = np.load(DATA / "windows_audio_c0.npy", mmap_mode="r")
    check = np.random.default_rng(SEED).choice(len(audio), size=min(40, len(audio)), replace=False)
    from common import lfcc_stats

    feats = cnn.Features()
    diff = 0.0
    net.eval()
    with torch.no_grad():
        for i in check:
            x = audio[i].astype(np.float32)[None] / 32768
            st = torch.from_numpy(lfcc_stats(x))
            ref = torch.sigmoid(a * net(cnn.normalise(feats(torch.from_numpy(x))), st) + b)[0].item()
            got = float(sess.run(["score"], {"audio": x})[0][0, 0])
            diff = max(diff, abs(ref - got))
    log(f"ONNX vs torch max |score diff| over {len(check)} windows: {diff:.2e}")
    assert diff < 1e-3, "exported graph disagrees with the trained network"
    summary = {
        "split": kind,
        "family_held_out": args.family,
        "onnx": str(out.name),
        "sha256": sha,
        "size_bytes": out.stat().st_size,
        "params": cnn.n_params(net),
        "epochs": epochs,
        "batch": BATCH,
        "train_windows": len(tr_idx),
        "train_synthetic_windows": int(y_tr.sum()),
        "train_speakers": sorted(set(meta["speaker"][tr_idx])),
        "train_engines": sorted(set(meta["engine"][tr_idx])),
        "platt": {"a": a, "b": b, "fitted_on": "dev speakers' augmented windows (balanced classes)"},
        "history": history,
        "onnx_vs_torch_max_abs_diff": diff,
        "seconds": {
            "features": round(t_feat, 1),
            "training": round(t_train, 1),
            "total": round(time.time() - t0, 1),
        },
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
    }
    name = "shipped" if kind == "shipped" else f"without-{args.family}"
    (DATA / f"cnn_summary_{name}.json").write_text(json.dumps(summary, indent=1))
    log(f"wrote {out} sha256={sha} in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
