#!/usr/bin/env python3
"""Cut the corpus into augmented 4 s windows.

Windows are built per stream (one speaker x engine x voice), by concatenating that stream's clips
in a seeded random order with short pauses, so a window never mixes speakers, engines or splits.
Each window is augmented twice (independent draws of the channel chain): copies 0 and 1 are used for
training. Evaluation does not use these windows: evaluate.py runs whole held-out recordings through the
deployment path (Opus -> 16 kHz int16 -> the worker's VAD gating).

Output: data/windows.npz (metadata), data/windows_clean.npy (int16, before augmentation) and
data/windows_audio_c<copy>.npy (int16 augmented audio, exactly what the model trains on).
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DATA, SEED, SR, WINDOW, augment, read_manifest

N_COPIES = 2
PROCESSES = int(os.environ.get("DETECTION_PROCESSES", "2"))


def log(*a):
    print("[make_windows]", *a, flush=True)


def build_streams(rows: list[dict], rng: np.random.Generator):
    streams: dict[tuple, list[dict]] = {}
    for r in rows:
        streams.setdefault((r["label"], r["speaker"], r["engine"], r["voice"]), []).append(r)
    return {k: [v[i] for i in rng.permutation(len(v))] for k, v in sorted(streams.items())}


def cut_windows(clips: list[dict], rng: np.random.Generator):
    """Yield (audio[WINDOW], [clip_ids]) from one stream."""
    buf: list[np.ndarray] = []
    ids: list[str] = []
    n = 0
    for r in clips:
        x, sr = sf.read(str(DATA / "clips" / f"{r['clip_id']}.wav"), dtype="float32")
        assert sr == SR
        gap = np.zeros(int(rng.uniform(0.15, 0.6) * SR), np.float32)
        for part in (x, gap):
            buf.append(part)
            n += len(part)
        ids.append(r["clip_id"])
        while n >= WINDOW:
            cat = np.concatenate(buf)
            yield cat[:WINDOW], list(ids)
            rest = cat[WINDOW:]
            buf, n = [rest], len(rest)
            ids = [ids[-1]] if len(rest) > SR // 10 else []
    # the tail shorter than a window is dropped unless the stream produced no window at all
    # (handled by the caller padding streams that are very short)


def augment_copy(c: int, lab: np.ndarray, nb: np.ndarray, q: dict[str, float]) -> list[dict]:
    """Augmentation copy ``c`` of every window -> data/windows_audio_c<c>.npy (int16, what the model sees)."""
    clean = np.load(DATA / "windows_clean.npy", mmap_mode="r")
    out = np.lib.format.open_memmap(
        DATA / f"windows_audio_c{c}.npy", mode="w+", dtype=np.int16, shape=clean.shape
    )
    crng = np.random.default_rng(SEED + 100 + c)
    infos = []
    for i in range(len(clean)):
        force = (not nb[i]) and crng.random() < q[lab[i]]
        y, info = augment(clean[i].astype(np.float32) / 32768, crng, force_nb=bool(force))
        info["nb_native"] = bool(nb[i])
        infos.append(info)
        out[i] = np.clip(np.round(y * 32767), -32768, 32767).astype(np.int16)
        if i % 1000 == 0:
            log(f"copy {c} window {i}/{len(clean)}")
    out.flush()
    return infos


def main() -> None:
    rng = np.random.default_rng(SEED + 1)
    rows = [r for r in read_manifest() if not r["reserved"]]
    by_id = {r["clip_id"]: r for r in rows}

    def native_nb(r: dict) -> bool:
        if r["source"].startswith("resynthesis of "):
            return native_nb(by_id[r["source"].split()[-1]])
        return int(r["native_sr"]) <= 8000

    meta = {k: [] for k in ("label", "speaker", "engine", "voice", "language", "native_nb", "clips")}
    audio = []
    for key, clips in build_streams(rows, rng).items():
        got = 0
        for w, ids in cut_windows(clips, rng):
            audio.append(w)
            got += 1
            r0 = by_id[ids[0]]
            meta["label"].append(key[0])
            meta["speaker"].append(key[1])
            meta["engine"].append(key[2])
            meta["voice"].append(key[3])
            meta["language"].append(r0["language"])
            meta["native_nb"].append(any(native_nb(by_id[i]) for i in ids))
            meta["clips"].append("|".join(ids))
        if got == 0:
            log("stream too short for a 4 s window, skipped:", key)
    audio_arr = np.stack(audio)
    lab = np.array(meta["label"])
    nb = np.array(meta["native_nb"])
    # Balance the narrowband condition across classes: after augmentation both classes should have the
    # same fraction of 8 kHz-limited windows, so bandwidth alone cannot separate them.
    frac = {c: float(nb[lab == c].mean()) for c in ("genuine", "synthetic")}
    target = max(frac.values())
    q = {c: (target - f) / (1 - f) if f < 1 else 0.0 for c, f in frac.items()}
    log(
        "windows:",
        len(audio_arr),
        {c: int((lab == c).sum()) for c in q},
        "native narrowband:",
        frac,
        "extra narrowband prob:",
        q,
    )

    np.save(DATA / "windows_clean.npy", np.clip(np.round(audio_arr * 32767), -32768, 32767).astype(np.int16))
    del audio_arr
    # Each augmentation copy has its own seeded generator, so the copies run in parallel processes and
    # still give the same bytes as a sequential run.
    with mp.get_context("fork").Pool(min(N_COPIES, PROCESSES)) as pool:
        aug_info = pool.starmap(augment_copy, [(c, lab, nb, q) for c in range(N_COPIES)])
    np.savez(
        DATA / "windows.npz",
        **{k: np.array(v) for k, v in meta.items()},
        **{f"aug{c}": np.array([json.dumps(a) for a in aug_info[c]]) for c in range(N_COPIES)},
    )
    log("saved", DATA / "windows.npz")


if __name__ == "__main__":
    main()
