"""Shared helpers for the audio forgery-detection baseline (training side only).

Everything here is used by build_corpus.py / train.py / evaluate.py. The runtime
never imports this file: feature extraction is baked into the ONNX graph
(see export_onnx.py), and `lfcc_stats` below is the numpy reference that the
exported graph is checked against.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import butter, resample_poly, sosfilt

HERE = Path(__file__).resolve().parent
DATA = Path(os.environ.get("DETECTION_DATA", HERE / "data"))
MANIFEST = HERE / "manifest.csv"

SR = 16000
WINDOW = 64000  # 4 s at 16 kHz: the model contract
SEED = 20240607

# ---- feature definition (mirrored 1:1 in the ONNX graph) -------------------------------------
PREEMPH = 0.97
FRAME_LEN = 320  # 20 ms analysis window (Hann), zero-padded to N_FFT
N_FFT = 512
HOP = 160  # 10 ms
N_FILT = 80  # linear-frequency triangular filters, 0..8 kHz (100 Hz apart)
N_CEPS = 40
LOG_EPS = 1e-6
RMS_EPS = 1e-4


def analysis_window() -> np.ndarray:
    w = np.zeros(N_FFT, np.float32)
    w[:FRAME_LEN] = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(FRAME_LEN) / FRAME_LEN)  # periodic Hann
    return w


def linear_filterbank() -> np.ndarray:
    """[N_FFT//2+1, N_FILT] triangular filters equally spaced on a linear Hz axis (LFCC)."""
    n_bins = N_FFT // 2 + 1
    freqs = np.linspace(0, SR / 2, n_bins)
    edges = np.linspace(0, SR / 2, N_FILT + 2)
    fb = np.zeros((n_bins, N_FILT), np.float32)
    for m in range(N_FILT):
        lo, c, hi = edges[m], edges[m + 1], edges[m + 2]
        up = (freqs - lo) / (c - lo)
        down = (hi - freqs) / (hi - c)
        fb[:, m] = np.maximum(0.0, np.minimum(up, down))
    return fb


def dct_matrix() -> np.ndarray:
    """Orthonormal DCT-II as a [N_FILT, N_CEPS] matrix (so ceps = logE @ D)."""
    n = np.arange(N_FILT)
    k = np.arange(N_CEPS)
    d = np.cos(np.pi / N_FILT * (n[:, None] + 0.5) * k[None, :]) * np.sqrt(2.0 / N_FILT)
    d[:, 0] *= 1 / np.sqrt(2.0)
    return d.astype(np.float32)


FEAT_DIM = 6 * N_CEPS  # mean/std of static, delta, delta-delta


def lfcc_stats(x: np.ndarray) -> np.ndarray:
    """x: [B, WINDOW] float32 in [-1, 1] -> [B, FEAT_DIM] pooled LFCC statistics.

    Steps (identical in the ONNX graph): remove DC, normalise to unit RMS, pre-emphasis,
    framed STFT (Hann 320 in a 512 frame, hop 160, no padding -> 397 frames), power,
    linear filterbank, log, DCT-II, deltas by central difference, then mean and std over time.
    """
    x = np.asarray(x, np.float32)
    if x.ndim == 1:
        x = x[None]
    x = x - x.mean(axis=1, keepdims=True)
    rms = np.sqrt((x * x).mean(axis=1, keepdims=True) + 0.0)
    x = x / (rms + RMS_EPS)
    y = x[:, 1:] - PREEMPH * x[:, :-1]
    n_frames = (y.shape[1] - N_FFT) // HOP + 1
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n_frames)[:, None]
    frames = y[:, idx] * analysis_window()[None, None, :]
    spec = np.fft.rfft(frames.astype(np.float64), axis=-1)
    power = (spec.real**2 + spec.imag**2).astype(np.float32)
    fbe = power @ linear_filterbank()
    ceps = np.log(fbe + LOG_EPS) @ dct_matrix()
    d1 = (ceps[:, 2:] - ceps[:, :-2]) * 0.5
    d2 = (d1[:, 2:] - d1[:, :-2]) * 0.5
    out = []
    for a in (ceps, d1, d2):
        m = a.mean(axis=1)
        v = (a * a).mean(axis=1) - m * m
        out += [m, np.sqrt(np.maximum(v, 0.0) + 1e-8)]
    return np.concatenate(out, axis=1).astype(np.float32)


# ---- audio helpers ---------------------------------------------------------------------------
def to_float(x: np.ndarray) -> np.ndarray:
    if x.dtype == np.int16:
        return x.astype(np.float32) / 32768.0
    if x.dtype == np.int32:
        return x.astype(np.float32) / 2147483648.0
    return x.astype(np.float32)


def resample(x: np.ndarray, sr_in: int, sr_out: int) -> np.ndarray:
    if sr_in == sr_out:
        return x.astype(np.float32)
    f = Fraction(sr_out, sr_in).limit_denominator(1000)
    return resample_poly(x, f.numerator, f.denominator).astype(np.float32)


def load_any(path: str | Path, fmt: str | None = None) -> tuple[np.ndarray, int]:
    """Decode a file to mono float32. WAV/FLAC via soundfile, others via PyAV (g722, gsm, oga)."""
    path = str(path)
    ext = fmt or path.rsplit(".", 1)[-1].lower()
    if ext in ("wav", "flac", "ogg"):
        try:
            x, sr = sf.read(path, dtype="float32", always_2d=True)
            return x.mean(axis=1), sr
        except sf.LibsndfileError:
            if ext != "ogg":
                raise
    if ext == "raw":  # codec2 convention: headerless s16le mono 8 kHz
        return np.fromfile(path, dtype="<i2").astype(np.float32) / 32768.0, 8000
    import av

    with av.open(path, format=None if ext in ("oga", "ogg") else ext) as c:
        st = c.streams.audio[0]
        sr = st.codec_context.sample_rate or st.rate
        chunks = []
        for fr in c.decode(audio=0):
            a = fr.to_ndarray()
            a = to_float(a)
            a = a.mean(axis=0) if fr.format.is_planar else a.reshape(-1, len(fr.layout.channels)).mean(axis=1)
            chunks.append(a)
    return np.concatenate(chunks).astype(np.float32), sr


def trim_silence(x: np.ndarray, sr: int = SR, thr_db: float = -40.0) -> np.ndarray:
    """Trim leading/trailing low-energy parts (10 ms frames, threshold relative to the peak frame)."""
    hop = sr // 100
    n = len(x) // hop
    if n < 3:
        return x
    e = (x[: n * hop].reshape(n, hop) ** 2).mean(axis=1) + 1e-12
    edb = 10 * np.log10(e / e.max())
    keep = np.where(edb > thr_db)[0]
    if len(keep) == 0:
        return x[:0]
    a = max(0, (keep[0] - 2) * hop)
    b = min(len(x), (keep[-1] + 3) * hop)
    return x[a:b]


def write_wav16(path: Path, x: np.ndarray, sr: int = SR) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), np.clip(x, -1, 1), sr, subtype="PCM_16")


# ---- channel / codec augmentation ------------------------------------------------------------
def opus_roundtrip(x: np.ndarray, bitrate: int) -> np.ndarray:
    """16 kHz float -> 48 kHz -> Opus (libopus via PyAV, 20 ms frames, VBR) -> decode -> 16 kHz.

    LiveKit publishes microphone audio as Opus at 48 kHz; this imitates that hop.
    """
    import av

    x48 = resample(x, SR, 48000)
    pcm = np.clip(x48 * 32767, -32768, 32767).astype(np.int16)
    buf = io.BytesIO()
    with av.open(buf, "w", format="ogg") as oc:
        st = oc.add_stream("libopus", rate=48000)
        st.bit_rate = bitrate
        st.layout = "mono"
        fs = 960
        for i in range(0, len(pcm), fs):
            chunk = pcm[i : i + fs]
            if len(chunk) < fs:
                chunk = np.pad(chunk, (0, fs - len(chunk)))
            fr = av.AudioFrame.from_ndarray(chunk[None, :], format="s16", layout="mono")
            fr.sample_rate = 48000
            fr.pts = i
            for p in st.encode(fr):
                oc.mux(p)
        for p in st.encode(None):
            oc.mux(p)
    buf.seek(0)
    out = []
    with av.open(buf, "r", format="ogg") as ic:
        for fr in ic.decode(audio=0):
            a = to_float(fr.to_ndarray())
            out.append(a.reshape(-1) if a.shape[0] == 1 else a.mean(axis=0))
    y = np.concatenate(out)
    # libopus adds a 312-sample pre-skip at 48 kHz that the ogg demuxer already trims; align length.
    y = resample(y, 48000, SR)
    if len(y) < len(x):
        y = np.pad(y, (0, len(x) - len(y)))
    return y[: len(x)].astype(np.float32)


def gsm_roundtrip(x: np.ndarray) -> np.ndarray:
    """Narrowband GSM 06.10 at 8 kHz using sox (same codec as part of the genuine Asterisk prompts)."""
    pcm = np.clip(resample(x, SR, 8000) * 32767, -32768, 32767).astype("<i2").tobytes()
    enc = subprocess.run(
        ["sox", "-t", "raw", "-r", "8000", "-e", "signed", "-b", "16", "-c", "1", "-", "-t", "gsm", "-"],  # noqa: S607
        input=pcm,
        capture_output=True,
        check=True,
    ).stdout
    dec = subprocess.run(
        ["sox", "-t", "gsm", "-r", "8000", "-c", "1", "-", "-t", "raw", "-e", "signed", "-b", "16", "-"],  # noqa: S607
        input=enc,
        capture_output=True,
        check=True,
    ).stdout
    y = resample(np.frombuffer(dec, "<i2").astype(np.float32) / 32768.0, 8000, SR)
    y = np.pad(y, (0, max(0, len(x) - len(y))))
    return y[: len(x)]


def narrowband(x: np.ndarray) -> np.ndarray:
    return resample(resample(x, SR, 8000), 8000, SR)[: len(x)]


def colored_noise(n: int, rng: np.random.Generator, kind: str) -> np.ndarray:
    w = rng.standard_normal(n)
    if kind == "white":
        return w
    spec = np.fft.rfft(w)
    f = np.arange(len(spec)) + 1.0
    spec = spec / (np.sqrt(f) if kind == "pink" else f)
    y = np.fft.irfft(spec, n)
    return y / (y.std() + 1e-12)


def augment(x: np.ndarray, rng: np.random.Generator, force_nb: bool) -> tuple[np.ndarray, dict]:
    """Random channel chain, identical distribution for both classes (except the narrowband flag,
    which the caller balances across classes). Returns the processed window and what was applied."""
    info: dict = {}
    y = x.copy()
    if force_nb:
        if rng.random() < 0.5:
            y = gsm_roundtrip(y)
            info["nb"] = "gsm"
        else:
            y = narrowband(y)
            info["nb"] = "8k"
    if rng.random() < 0.3:  # random band-limit (cheap headset / VoIP EQ)
        lo = rng.uniform(60, 300)
        hi = rng.uniform(3400, 7600)
        sos = butter(4, [lo, hi], btype="band", fs=SR, output="sos")
        y = sosfilt(sos, y).astype(np.float32)
        info["band"] = [round(lo), round(hi)]
    if rng.random() < 0.6:  # additive noise
        kind = ["white", "pink", "brown"][rng.integers(3)]
        snr = rng.uniform(5, 40)
        sp = float((y**2).mean()) + 1e-12
        nz = colored_noise(len(y), rng, kind).astype(np.float32)
        y = y + nz * np.sqrt(sp / 10 ** (snr / 10))
        info["noise"] = [kind, round(snr, 1)]
    g_db = rng.uniform(-25, 0)  # gain, then peak safety
    y = y / (np.abs(y).max() + 1e-9) * 10 ** (g_db / 20)
    info["gain_db"] = round(g_db, 1)
    if rng.random() < 0.8:  # LiveKit's Opus hop
        br = int(rng.choice([8000, 12000, 16000, 24000, 32000, 48000]))
        y = opus_roundtrip(y, br)
        info["opus"] = br
    return np.clip(y, -1, 1).astype(np.float32), info


# ---- manifest --------------------------------------------------------------------------------
MANIFEST_FIELDS = [
    "clip_id",
    "label",
    "speaker",
    "engine",
    "voice",
    "language",
    "native_sr",
    "duration_s",
    "source",
    "origin",
    "licence",
    "reserved",
    "text",
]


def read_manifest() -> list[dict]:
    with open(MANIFEST, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ---- metrics ---------------------------------------------------------------------------------
def roc_points(gen: np.ndarray, spf: np.ndarray):
    """Scores: higher = more synthetic. Returns thresholds, P_miss (spoof accepted as genuine), P_fa."""
    s = np.concatenate([gen, spf])
    lab = np.concatenate([np.zeros(len(gen)), np.ones(len(spf))])
    order = np.argsort(s, kind="mergesort")
    s, lab = s[order], lab[order]
    # threshold between consecutive scores: decide "spoof" if score > t
    n_spf, n_gen = lab.sum(), len(lab) - lab.sum()
    cum_spf = np.concatenate([[0], np.cumsum(lab)])  # spoof with score <= t  -> missed
    cum_gen = np.concatenate([[0], np.cumsum(1 - lab)])
    p_miss = cum_spf / n_spf
    p_fa = (n_gen - cum_gen) / n_gen
    thr = np.concatenate([[s[0] - 1e-6], s])
    return thr, p_miss, p_fa


def eer(gen: np.ndarray, spf: np.ndarray) -> float:
    _, pm, pf = roc_points(gen, spf)
    i = np.argmin(np.abs(pm - pf))
    # linear interpolation between the two neighbours bracketing the crossing
    j = i + 1 if i + 1 < len(pm) and (pm[i] - pf[i]) * (pm[i + 1] - pf[i + 1]) <= 0 else i
    if j == i:
        return float((pm[i] + pf[i]) / 2)
    a = (pf[i] - pm[i]) / ((pm[j] - pm[i]) - (pf[j] - pf[i]) + 1e-12)
    return float(pm[i] + a * (pm[j] - pm[i]))


P_SPOOF, C_MISS, C_FA = 0.05, 1.0, 1.0


def min_dcf(gen: np.ndarray, spf: np.ndarray) -> float:
    """Normalised minimum detection cost, target = synthetic, P_target=0.05, C_miss=C_fa=1."""
    _, pm, pf = roc_points(gen, spf)
    dcf = C_MISS * P_SPOOF * pm + C_FA * (1 - P_SPOOF) * pf
    return float(dcf.min() / min(C_MISS * P_SPOOF, C_FA * (1 - P_SPOOF)))


def _one_thread(ort):
    """onnxruntime session options that keep CPU use polite on the shared 2-core machine."""
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    return so
