"""audio-cnn-v1: a small LCNN-style spectro-temporal CNN, its features, and its hand-built ONNX graph.

Features (identical in torch and in the ONNX graph, checked on every export):
  DC removal, RMS normalisation, pre-emphasis 0.97, STFT (periodic Hann 320 in a 512 frame, hop 256:
  248 frames for 4 s), power, 64 linear-frequency triangular filters 0-8 kHz, log, and per-band mean
  subtraction over the window (cepstral-mean-style channel normalisation) -> [1, 64, 248].
Network: five 3x3 conv blocks (BatchNorm folded into the conv at export, ReLU, 2x2 max-pool after the
first four: 8-16-32-64-192 channels), global mean and max pooling (384 values), fused with a second
branch on the baseline's pooled LFCC statistics (common.lfcc_stats: 240 values, standardised, 240-64
ReLU), a 448-64-1 head, sigmoid. ~180k parameters, ~21M multiply-adds per 4 s window. Trained on random
2 s crops; global pooling makes the 4 s window the same computation.
"""

from __future__ import annotations

import numpy as np
import onnx
import torch
from common import (
    FEAT_DIM,
    N_FFT,
    PREEMPH,
    RMS_EPS,
    SR,
    WINDOW,
    analysis_window,
    dct_matrix,
    linear_filterbank,
)
from common import HOP as LFCC_HOP
from onnx import TensorProto, helper, numpy_helper
from torch import nn

HOP = 256
N_BANDS = 64
LOG_EPS = 1e-6
N_FRAMES = (WINDOW - 1 - N_FFT) // HOP + 1  # 248
CHANNELS = (8, 16, 32, 64, 192)
HIDDEN = 64
STATS_HIDDEN = 64
OPSET = 17


def filterbank() -> np.ndarray:
    """[N_FFT//2+1, N_BANDS] triangular filters equally spaced on a linear Hz axis."""
    n_bins = N_FFT // 2 + 1
    freqs = np.linspace(0, SR / 2, n_bins)
    edges = np.linspace(0, SR / 2, N_BANDS + 2)
    fb = np.zeros((n_bins, N_BANDS), np.float32)
    for m in range(N_BANDS):
        lo, c, hi = edges[m], edges[m + 1], edges[m + 2]
        fb[:, m] = np.maximum(0.0, np.minimum((freqs - lo) / (c - lo), (hi - freqs) / (hi - c)))
    return fb


class Features(nn.Module):
    """[B, 64000] float audio -> [B, 1, N_BANDS, N_FRAMES] log filterbank (before mean subtraction)."""

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("window", torch.from_numpy(analysis_window()))
        self.register_buffer("fb", torch.from_numpy(filterbank()))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x - x.mean(dim=1, keepdim=True)
        rms = torch.sqrt((x * x).mean(dim=1, keepdim=True))
        x = x / (rms + RMS_EPS)
        y = x[:, 1:] - PREEMPH * x[:, :-1]
        frames = y.unfold(1, N_FFT, HOP) * self.window  # [B, T, N_FFT]
        spec = torch.fft.rfft(frames, dim=-1)
        power = spec.real**2 + spec.imag**2
        logf = torch.log(power @ self.fb + LOG_EPS)  # [B, T, N_BANDS]
        return logf.transpose(1, 2).unsqueeze(1)


def normalise(logf: torch.Tensor) -> torch.Tensor:
    """Per-band mean subtraction over time (also applied to each training crop)."""
    return logf - logf.mean(dim=3, keepdim=True)


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        blocks: list[nn.Module] = []
        cin = 1
        for i, cout in enumerate(CHANNELS):
            blocks += [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]
            if i < len(CHANNELS) - 1:
                blocks.append(nn.MaxPool2d(2))
            cin = cout
        self.body = nn.Sequential(*blocks)
        # the second branch: the baseline's pooled LFCC statistics (common.lfcc_stats), standardised
        self.register_buffer("stats_mean", torch.zeros(FEAT_DIM))
        self.register_buffer("stats_scale", torch.ones(FEAT_DIM))
        self.stats = nn.Linear(FEAT_DIM, STATS_HIDDEN)
        self.fc1 = nn.Linear(2 * cin + STATS_HIDDEN, HIDDEN)
        self.drop = nn.Dropout(0.3)
        self.fc2 = nn.Linear(HIDDEN, 1)

    def forward(self, feats: torch.Tensor, stats: torch.Tensor) -> torch.Tensor:
        """normalised features [B, 1, F, T] and LFCC statistics [B, 240] -> logit [B]."""
        h = self.body(feats)
        z = torch.relu(self.stats((stats - self.stats_mean) / self.stats_scale))
        h = torch.cat([h.mean(dim=(2, 3)), h.amax(dim=(2, 3)), z], dim=1)
        return self.fc2(self.drop(torch.relu(self.fc1(h))))[:, 0]


def n_params(net: nn.Module) -> int:
    return sum(p.numel() for p in net.parameters())


def folded_convs(net: Net) -> list[tuple[np.ndarray, np.ndarray]]:
    """(weight, bias) of each conv with its eval-mode BatchNorm folded in."""
    out = []
    mods = list(net.body)
    for i, m in enumerate(mods):
        if isinstance(m, nn.Conv2d):
            bn = mods[i + 1]
            assert isinstance(bn, nn.BatchNorm2d)
            scale = (bn.weight / torch.sqrt(bn.running_var + bn.eps)).detach().double()
            w = m.weight.detach().double() * scale[:, None, None, None]
            b = bn.bias.detach().double() - bn.running_mean.double() * scale
            out.append((w.float().numpy(), b.float().numpy()))
    return out


def build_onnx(net: Net, a: float, b: float, doc: str = "", with_logf: bool = False) -> onnx.ModelProto:
    """``with_logf`` adds the LFCC statistics as a second output (to check them against common.lfcc_stats)."""
    """The whole model as one graph: audio [1, 64000] -> score [1, 1] = sigmoid(a * logit + b)."""
    inits: list[onnx.TensorProto] = []
    nodes: list[onnx.NodeProto] = []

    def const(name: str, arr) -> str:
        inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def node(op: str, ins: list[str], out: str, **attrs) -> str:
        nodes.append(helper.make_node(op, ins, [out], name=out, **attrs))
        return out

    ax1 = const("axes_1", np.array([1], np.int64))
    m = node("ReduceMean", ["audio"], "dc", axes=[1], keepdims=1)
    x = node("Sub", ["audio", m], "x_dc")
    ms = node("ReduceMean", [node("Mul", [x, x], "x_sq")], "x_ms", axes=[1], keepdims=1)
    rms = node(
        "Add", [node("Sqrt", [ms], "x_rms"), const("rms_eps", np.array(RMS_EPS, np.float32))], "x_rms_eps"
    )
    xn = node("Div", [x, rms], "x_norm")
    hi = node(
        "Slice",
        [xn, const("s1", np.array([1], np.int64)), const("e1", np.array([WINDOW], np.int64)), ax1],
        "x_hi",
    )
    lo = node(
        "Slice",
        [xn, const("s0", np.array([0], np.int64)), const("e0", np.array([WINDOW - 1], np.int64)), ax1],
        "x_lo",
    )
    y = node(
        "Sub", [hi, node("Mul", [lo, const("preemph", np.array(PREEMPH, np.float32))], "x_lo_s")], "x_pre"
    )
    sig = node("Unsqueeze", [y, const("axes_2", np.array([2], np.int64))], "signal")
    spec = node(
        "STFT",
        [
            sig,
            const("hop", np.array(HOP, np.int64)),
            const("window", analysis_window()),
            const("frame_length", np.array(N_FFT, np.int64)),
        ],
        "stft",
        onesided=1,
    )
    power = node(
        "ReduceSum",
        [node("Mul", [spec, spec], "stft_sq"), const("axes_3", np.array([3], np.int64))],
        "power",
        keepdims=0,
    )
    fbe = node(
        "Add",
        [
            node("MatMul", [power, const("filterbank", filterbank())], "fbank"),
            const("log_eps", np.array(LOG_EPS, np.float32)),
        ],
        "fbank_eps",
    )
    logf = node("Log", [fbe], "log_fbank")  # [1, T, F]
    logf = node("Transpose", [logf], "log_fbank_ft", perm=[0, 2, 1])
    logf = node("Unsqueeze", [logf, ax1], "logf")  # [1, 1, F, T]
    mean_t = node("ReduceMean", [logf], "logf_mean", axes=[3], keepdims=1)
    h = node("Sub", [logf, mean_t], "feats")
    # LFCC statistics branch: the same graph as export_onnx.py (the baseline), on the same signal
    lspec = node(
        "STFT",
        [
            sig,
            const("lf_hop", np.array(LFCC_HOP, np.int64)),
            const("lf_window", analysis_window()),
            const("lf_frame_length", np.array(N_FFT, np.int64)),
        ],
        "lf_stft",
        onesided=1,
    )
    lpow = node(
        "ReduceSum",
        [node("Mul", [lspec, lspec], "lf_stft_sq"), const("lf_axes_3", np.array([3], np.int64))],
        "lf_power",
        keepdims=0,
    )
    lfb = node("MatMul", [lpow, const("lf_filterbank", linear_filterbank())], "lf_fbank")
    llog = node(
        "Log",
        [node("Add", [lfb, const("lf_log_eps", np.array(LOG_EPS, np.float32))], "lf_fbank_eps")],
        "lf_log",
    )
    ceps = node("MatMul", [llog, const("lf_dct", dct_matrix())], "lf_ceps")

    def delta(a: str, name: str) -> str:
        plus = node(
            "Slice",
            [
                a,
                const(f"{name}_s2", np.array([2], np.int64)),
                const(f"{name}_end", np.array([1 << 30], np.int64)),
                ax1,
            ],
            f"{name}_plus",
        )
        minus = node(
            "Slice",
            [
                a,
                const(f"{name}_s0", np.array([0], np.int64)),
                const(f"{name}_em2", np.array([-2], np.int64)),
                ax1,
            ],
            f"{name}_minus",
        )
        return node(
            "Mul",
            [node("Sub", [plus, minus], f"{name}_diff"), const(f"{name}_half", np.array(0.5, np.float32))],
            name,
        )

    stats = []
    for part in (ceps, delta(ceps, "lf_d1"), delta("lf_d1", "lf_d2")):
        mu = node("ReduceMean", [part], f"{part}_mean", axes=[1], keepdims=0)
        sq = node("Mul", [part, part], f"{part}_sq")
        m2 = node("ReduceMean", [sq], f"{part}_msq", axes=[1], keepdims=0)
        diff = node("Sub", [m2, node("Mul", [mu, mu], f"{part}_mean_sq")], f"{part}_var")
        var = node("Relu", [diff], f"{part}_var_pos")
        sd = node(
            "Sqrt",
            [node("Add", [var, const(f"{part}_veps", np.array(1e-8, np.float32))], f"{part}_var_eps")],
            f"{part}_std",
        )
        stats += [mu, sd]
    st = node("Concat", stats, "lfcc_stats", axis=1)
    st = node("Sub", [st, const("stats_mean", net.stats_mean.numpy().astype(np.float32))], "stats_c")
    st = node("Div", [st, const("stats_scale", net.stats_scale.numpy().astype(np.float32))], "stats_z")
    ws, bs = net.stats.weight.detach().numpy(), net.stats.bias.detach().numpy()
    st = node(
        "Relu",
        [node("Gemm", [st, const("stats_w", ws), const("stats_b", bs)], "stats_fc", transB=1)],
        "stats_h",
    )

    convs = folded_convs(net)
    for i, (w, bias) in enumerate(convs):
        h = node(
            "Conv",
            [h, const(f"conv{i}_w", w), const(f"conv{i}_b", bias)],
            f"conv{i}",
            kernel_shape=[3, 3],
            pads=[1, 1, 1, 1],
        )
        h = node("Relu", [h], f"relu{i}")
        if i < len(convs) - 1:
            h = node("MaxPool", [h], f"pool{i}", kernel_shape=[2, 2], strides=[2, 2])
    gmean = node("ReduceMean", [h], "gmean", axes=[2, 3], keepdims=0)
    gmax = node("ReduceMax", [h], "gmax", axes=[2, 3], keepdims=0)
    h = node("Concat", [gmean, gmax, st], "pooled", axis=1)
    w1, b1 = net.fc1.weight.detach().numpy(), net.fc1.bias.detach().numpy()
    h = node("Gemm", [h, const("fc1_w", w1), const("fc1_b", b1)], "fc1", transB=1)
    h = node("Relu", [h], "fc1_relu")
    w2 = net.fc2.weight.detach().double().numpy() * a
    b2 = net.fc2.bias.detach().double().numpy() * a + b  # the Platt calibration, folded in
    h = node(
        "Gemm",
        [h, const("fc2_w", w2.astype(np.float32)), const("fc2_b", b2.astype(np.float32))],
        "logit",
        transB=1,
    )
    nodes.append(helper.make_node("Sigmoid", [h], ["score"], name="score"))
    outputs = [helper.make_tensor_value_info("score", TensorProto.FLOAT, [1, 1])]
    if with_logf:
        outputs.append(helper.make_tensor_value_info("lfcc_stats", TensorProto.FLOAT, [1, FEAT_DIM]))
    graph = helper.make_graph(
        nodes,
        "audio_forgery_cnn",
        [helper.make_tensor_value_info("audio", TensorProto.FLOAT, [1, WINDOW])],
        outputs,
        inits,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="roomsvc-training-detection",
        doc_string=doc,
    )
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model
