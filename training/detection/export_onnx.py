"""Hand-built ONNX graph: raw 16 kHz audio [1, 64000] -> LFCC statistics -> MLP -> score [1, 1].

The feature part mirrors common.lfcc_stats exactly (same constants); only standard ai.onnx ops
(opset 17: STFT, MatMul, Log, ReduceMean, ...) are used, so onnxruntime >= 1.15 (checked with
1.15.1 and 1.32.0) runs it with nothing but numpy on the caller side.
"""

from __future__ import annotations

import numpy as np
import onnx
from common import (
    FEAT_DIM,
    HOP,
    LOG_EPS,
    N_FFT,
    PREEMPH,
    RMS_EPS,
    WINDOW,
    analysis_window,
    dct_matrix,
    linear_filterbank,
)
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


def build(
    mean: np.ndarray,
    scale: np.ndarray,
    weights: list[np.ndarray],
    biases: list[np.ndarray],
    with_features_output: bool = False,
    doc: str = "",
) -> onnx.ModelProto:
    inits: list[onnx.TensorProto] = []
    nodes: list[onnx.NodeProto] = []

    def const(name: str, arr) -> str:
        inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def node(op: str, ins: list[str], out: str, **attrs) -> str:
        nodes.append(helper.make_node(op, ins, [out], name=out, **attrs))
        return out

    ax1 = const("axes_1", np.array([1], np.int64))
    # DC removal and RMS normalisation
    m = node("ReduceMean", ["audio"], "dc", axes=[1], keepdims=1)
    x = node("Sub", ["audio", m], "x_dc")
    sq = node("Mul", [x, x], "x_sq")
    ms = node("ReduceMean", [sq], "x_ms", axes=[1], keepdims=1)
    rms = node("Sqrt", [ms], "x_rms")
    rms_e = node("Add", [rms, const("rms_eps", np.array(RMS_EPS, np.float32))], "x_rms_eps")
    xn = node("Div", [x, rms_e], "x_norm")
    # pre-emphasis y[n] = x[n+1] - a x[n]
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
    lo_s = node("Mul", [lo, const("preemph", np.array(PREEMPH, np.float32))], "x_lo_s")
    y = node("Sub", [hi, lo_s], "x_pre")
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
    sq2 = node("Mul", [spec, spec], "stft_sq")
    power = node("ReduceSum", [sq2, const("axes_3", np.array([3], np.int64))], "power", keepdims=0)
    fbe = node("MatMul", [power, const("filterbank", linear_filterbank())], "fbank")
    fbe_e = node("Add", [fbe, const("log_eps", np.array(LOG_EPS, np.float32))], "fbank_eps")
    logf = node("Log", [fbe_e], "log_fbank")
    ceps = node("MatMul", [logf, const("dct", dct_matrix())], "ceps")

    def delta(a: str, name: str) -> str:
        big = np.array([1 << 30], np.int64)
        p = node(
            "Slice",
            [a, const(f"{name}_s2", np.array([2], np.int64)), const(f"{name}_end", big), ax1],
            f"{name}_plus",
        )
        q = node(
            "Slice",
            [
                a,
                const(f"{name}_s0", np.array([0], np.int64)),
                const(f"{name}_em2", np.array([-2], np.int64)),
                ax1,
            ],
            f"{name}_minus",
        )
        dd = node("Sub", [p, q], f"{name}_diff")
        return node("Mul", [dd, const(f"{name}_half", np.array(0.5, np.float32))], name)

    d1 = delta(ceps, "d1")
    d2 = delta(d1, "d2")
    stats = []
    for a in (ceps, d1, d2):
        mu = node("ReduceMean", [a], f"{a}_mean", axes=[1], keepdims=0)
        a2 = node("Mul", [a, a], f"{a}_sq")
        m2 = node("ReduceMean", [a2], f"{a}_msq", axes=[1], keepdims=0)
        mu2 = node("Mul", [mu, mu], f"{a}_mean_sq")
        var = node("Sub", [m2, mu2], f"{a}_var")
        var = node("Relu", [var], f"{a}_var_pos")
        var = node("Add", [var, const(f"{a}_veps", np.array(1e-8, np.float32))], f"{a}_var_eps")
        sd = node("Sqrt", [var], f"{a}_std")
        stats += [mu, sd]
    feats = node("Concat", stats, "features", axis=1)
    h = node("Sub", [feats, const("feat_mean", mean.astype(np.float32))], "z_c")
    h = node("Div", [h, const("feat_scale", scale.astype(np.float32))], "z")
    for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
        h = node("MatMul", [h, const(f"W{i}", w.astype(np.float32))], f"mm{i}")
        h = node(
            "Add",
            [h, const(f"b{i}", b.astype(np.float32))],
            f"logit{i}" if i == len(weights) - 1 else f"a{i}",
        )
        if i < len(weights) - 1:
            h = node("Relu", [h], f"h{i}")
    nodes.append(helper.make_node("Sigmoid", [h], ["score"], name="score"))

    outputs = [helper.make_tensor_value_info("score", TensorProto.FLOAT, [1, 1])]
    if with_features_output:
        outputs.append(helper.make_tensor_value_info("features", TensorProto.FLOAT, [1, FEAT_DIM]))
    graph = helper.make_graph(
        nodes,
        "audio_forgery_baseline",
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
    model.ir_version = 8  # loadable by older onnxruntime releases too
    onnx.checker.check_model(model, full_check=True)
    return model
