#!/usr/bin/env python3
"""Cut the corpus into augmented 4 s windows and compute the pooled LFCC features.

Windows are built per stream (one speaker x engine x voice), by concatenating that stream's clips
in a seeded random order with short pauses, so a window never mixes speakers, engines or splits.
Each window is augmented twice (independent draws of the channel chain): copy 0 is the one used
for evaluation, copies 0 and 1 are used for training.

Output: data/windows.npz (metadata + features) and data/windows_audio.npy (int16 audio of copy 0).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DATA, FEAT_DIM, SEED, SR, WINDOW, augment, lfcc_stats, read_manifest

N_COPIES = 2


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

    feats = np.zeros((N_COPIES, len(audio_arr), FEAT_DIM), np.float32)
    aug_info = [[None] * len(audio_arr) for _ in range(N_COPIES)]
    out_audio = np.lib.format.open_memmap(
        DATA / "windows_audio.npy", mode="w+", dtype=np.int16, shape=audio_arr.shape
    )
    for c in range(N_COPIES):
        crng = np.random.default_rng(SEED + 100 + c)
        batch = []
        for i, x in enumerate(audio_arr):
            force = (not nb[i]) and crng.random() < q[lab[i]]
            y, info = augment(x, crng, force_nb=bool(force))
            info["nb_native"] = bool(nb[i])
            aug_info[c][i] = info
            if c == 0:
                out_audio[i] = np.clip(np.round(y * 32767), -32768, 32767).astype(np.int16)
            # features are computed on exactly what the runtime would see for copy 0 (int16-quantised)
            batch.append(out_audio[i].astype(np.float32) / 32768 if c == 0 else y)
            if len(batch) == 64 or i == len(audio_arr) - 1:
                feats[c, i - len(batch) + 1 : i + 1] = lfcc_stats(np.stack(batch))
                batch = []
            if i % 500 == 0:
                log(f"copy {c} window {i}/{len(audio_arr)}")
    out_audio.flush()
    np.savez(
        DATA / "windows.npz",
        feats=feats,
        **{k: np.array(v) for k, v in meta.items()},
        aug=np.array([json.dumps(a) for a in aug_info[0]]),
    )
    log("saved", DATA / "windows.npz")


if __name__ == "__main__":
    main()
