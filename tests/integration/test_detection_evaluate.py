"""``roomsvc detection evaluate`` on a tiny labelled set the test generates: espeak-ng voices against the
held-out genuine recording, any format PyAV decodes, through the Opus + VAD path; ``--write-card`` records
the validated rates, who, on what data and when, in the registry the API lists."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
import wave
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from roomsvc.agent.offline import read_wav
from roomsvc.detection import evaluation, registry

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = ROOT / "training" / "detection" / "heldout" / "genuine_cmu_arctic_a0007.wav"
TEXT = (
    "The quick brown fox jumps over the lazy dog, while the committee reviews the budget for next year "
    "and the weather stays calm over the harbour."
)


def _write_wav(path: Path, pcm: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(pcm.astype("<i2").tobytes())


def _write_flac(path: Path, pcm: np.ndarray) -> None:
    import av

    with av.open(str(path), "w") as container:
        stream: Any = container.add_stream("flac", rate=16_000)
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray(pcm.astype(np.int16)[None, :], format="s16", layout="mono")
        frame.sample_rate = 16_000
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


def _labelled_set(root: Path) -> Path:
    espeak = shutil.which("espeak-ng")
    assert espeak, "espeak-ng is missing: scripts/stack.sh installs it for the tests"
    genuine = read_wav(HELDOUT)
    _write_wav(root / "genuine" / "cmu" / "a0007x3.wav", np.concatenate([genuine] * 3))
    _write_flac(root / "genuine" / "cmu" / "a0007x2.flac", np.concatenate([genuine] * 2))
    for voice in ("en-us", "en-us+f3"):
        out = root / "synthetic" / f"espeak-{voice}.wav"
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([espeak, "-v", voice, "-s", "150", "-w", str(out), TEXT], check=True, timeout=60)
    return root


def _cli(stack_env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "roomsvc", "detection", "evaluate", *args],
        env=os.environ | stack_env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


async def test_evaluate_scores_a_registered_model_and_writes_its_card(
    platform_api: httpx.AsyncClient, stack_env: dict[str, str], tmp_path: Path
) -> None:
    data = _labelled_set(tmp_path / "labelled")
    # An operator's model: a file on this host, registered by absolute path (never activated here).
    card = next(c for c in registry.builtin_cards() if c.name == "audio-baseline")
    onnx = tmp_path / "model.onnx"
    shutil.copyfile(registry.resolve(card.uri), onnx)
    body = {
        "name": "operator-model",
        "version": uuid.uuid4().hex[:8],
        "kind": "audio",
        "uri": str(onnx),
        "sha256": card.sha256,
        "thresholds": {"suspicious": card.suspicious, "alert": card.alert},
    }
    created = await platform_api.post("/v1/detection/models", json=body)
    assert created.status_code == 201, created.text
    model = created.json()
    assert model["deployed_validation"] is None and model["gate"]["actions_allowed"] is False

    printed = _cli(
        stack_env,
        f"operator-model@{body['version']}",
        str(data),
        "--bitrates",
        "16000,32000",
        "--bootstrap",
        "100",
    )
    assert printed.returncode == 0, printed.stderr
    out = printed.stdout
    assert "EER" in out and "false alarms at alert" in out and "false alarms at suspicious" in out
    assert "95% CI" in out and "resampling speakers" in out and "per hour" in out
    assert "4 files" in out and "Opus 16k, 32k" in out

    written = _cli(
        stack_env,
        str(model["id"]),
        str(data),
        "--bitrates",
        "16000,32000",
        "--bootstrap",
        "100",
        "--json",
        "--write-card",
        "--validated-by",
        "qa-bob",
        "--description",
        "espeak-ng vs CMU ARCTIC a0007",
    )
    assert written.returncode == 0, written.stderr
    section = json.loads(written.stdout[: written.stdout.rindex("}") + 1])
    assert section["genuine_speakers"] == 1 and section["synthetic_voices"] == 2
    assert section["genuine_windows"] > 0 and section["synthetic_windows"] > 0
    assert section["deployment_path"]["opus_bitrates"] == [16000, 32000]
    files = evaluation.labelled_files(data.resolve())
    assert section["data"]["listing_sha256"] == evaluation.listing_sha256(data.resolve(), files)
    assert section["data"]["files"] == 4
    rate = section["window_false_alarm"]["alert"]["rate"]
    assert 0.0 <= rate <= 1.0 and len(section["window_false_alarm"]["alert"]["ci95"]) == 2
    assert section["track"]["genuine_speech_hours"] > 0 and section["track"]["false_alerts_per_hour"] >= 0

    listed = (await platform_api.get(f"/v1/detection/models/{model['id']}")).json()
    declared = listed["deployed_validation"]
    assert declared["validated_by"] == "qa-bob" and declared["validated_at"] == section["validated_at"]
    assert declared["data"] == "espeak-ng vs CMU ARCTIC a0007" and declared["files"] == 4
    assert declared["listing_sha256"] == section["data"]["listing_sha256"]
    assert declared["window_false_alarm_at_alert"]["rate"] == rate
    # The gate reads what was recorded: allowed exactly when the measured rate is within the setting.
    assert listed["gate"]["actions_allowed"] is (rate <= listed["gate"]["max_false_alarm"])

    missing = _cli(stack_env, "no-such-model@1", str(data))
    assert missing.returncode == 1 and "model-not-found" in missing.stderr
    empty = tmp_path / "empty"
    (empty / "genuine").mkdir(parents=True)
    refused = _cli(stack_env, str(model["id"]), str(empty))
    assert refused.returncode == 1 and "synthetic/" in refused.stderr
