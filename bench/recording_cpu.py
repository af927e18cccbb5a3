"""Recording CPU benchmark: how many audio and video tracks one core encodes at real time.

    .venv/bin/python bench/recording_cpu.py [--out bench/results/recording.json] [--seconds 20]

Pinned to one core, it feeds synthetic media through the recorder's own encoders
(roomsvc.recordings.media) as fast as they take it, and measures the CPU seconds spent per second of
media (``rtf``, the real-time factor); ``tracks_per_core`` is ``1 / rtf`` rounded down: the tracks of that
kind one core sustains at real time, with nothing left for anything else (plan on ~80% of it).

- audio: 48 kHz mono 10 ms int16 frames (what ``rtc.AudioStream`` yields), a speech-like synthetic signal
  (a 150 Hz voice with harmonics, syllable-rate envelope and noise), → AudioTrackEncoder (Opus 32 kbit/s
  in Ogg) at Opus complexity 10 (the default) and 5; and the room mix: four such speakers → RoomAudioMixer → one Opus file.
- video: I420 frames (what ``rtc.VideoStream`` yields, so no colour conversion is counted) of a moving,
  textured scene → VideoTrackEncoder (VP8, libvpx real-time mode, one thread), at 640x360 @ 15 fps and
  1280x720 @ 30 fps. Frame generation is outside the measured region.

WebRTC's own decoding of the incoming tracks (Opus, VP8 in livekit's Rust threads) is not included.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from roomsvc.recordings import media  # noqa: E402

RATE = media.SAMPLE_RATE
AUDIO_FRAME = 480  # 10 ms


def log(message: str) -> None:
    print(f"==> {message}", flush=True)


def pin_one_core() -> int | None:
    if hasattr(os, "sched_setaffinity"):
        core = sorted(os.sched_getaffinity(0))[-1]
        os.sched_setaffinity(0, {core})
        return core
    return None


def voice(seconds: float, pitch: float = 150.0, seed: int = 0) -> npt.NDArray[np.int16]:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    signal = sum(np.sin(2 * np.pi * pitch * k * t) / k for k in range(1, 8))
    envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 4 * t + seed)  # syllables
    noisy = signal * envelope + 0.1 * rng.standard_normal(len(t))
    return (noisy / np.max(np.abs(noisy)) * 12_000).astype(np.int16)


def measure(push: Callable[[int], int], count: int, media_seconds: float) -> dict[str, Any]:
    """Call ``push(i)`` ``count`` times (it returns bytes produced); CPU counted inside the calls only."""
    cpu = 0.0
    produced = 0
    wall = time.perf_counter()
    for i in range(count):
        started = time.process_time()
        produced += push(i)
        cpu += time.process_time() - started
    wall = time.perf_counter() - wall
    rtf = cpu / media_seconds
    return {
        "media_seconds": media_seconds,
        "cpu_seconds": round(cpu, 3),
        "wall_seconds": round(wall, 3),
        "rtf": round(rtf, 5),
        "tracks_per_core": int(1 / rtf) if rtf > 0 else None,
        "kbit_per_s": round(produced * 8 / media_seconds / 1000, 1),
    }


def audio_track(seconds: float, complexity: int = 10) -> dict[str, Any]:
    pcm = voice(seconds)
    encoder = media.AudioTrackEncoder(complexity=complexity)

    def push(i: int) -> int:
        if i * AUDIO_FRAME >= len(pcm):
            encoder.close()
        else:
            encoder.push(pcm[i * AUDIO_FRAME : (i + 1) * AUDIO_FRAME], RATE, i * AUDIO_FRAME / RATE)
        return len(encoder.drain())

    return measure(push, len(pcm) // AUDIO_FRAME + 1, seconds) | {"complexity": complexity}


def room_mix(seconds: float, speakers: int = 4) -> dict[str, Any]:
    voices = [voice(seconds, pitch=120 + 30 * k, seed=k) for k in range(speakers)]
    mixer = media.RoomAudioMixer()
    frames = len(voices[0]) // AUDIO_FRAME

    def push(i: int) -> int:
        if i == frames:
            mixer.close(until=seconds)
        else:
            for k, pcm in enumerate(voices):
                mixer.push(str(k), pcm[i * AUDIO_FRAME : (i + 1) * AUDIO_FRAME], RATE, i * AUDIO_FRAME / RATE)
        return len(mixer.drain())

    result = measure(push, frames + 1, seconds)
    result["speakers"] = speakers
    result["rooms_per_core"] = result.pop("tracks_per_core")
    return result


def scene(width: int, height: int) -> Callable[[int], npt.NDArray[np.uint8]]:
    """A moving textured scene as I420 ``(h * 3 / 2, w)``: a panning texture and a bar crossing it."""
    rng = np.random.default_rng(1)
    texture = rng.integers(0, 255, (height // 8 + 1, width // 8 + 2), dtype=np.uint8)
    texture = np.kron(texture, np.ones((8, 8), dtype=np.uint8))  # 8x8 blocks: detail an encoder must code
    yy, xx = np.mgrid[0:height, 0:width]
    gradient = ((xx + yy) * 255 // (width + height)).astype(np.uint8)

    def frame(i: int) -> npt.NDArray[np.uint8]:
        shift = (2 * i) % 8
        luma = (texture[:height, shift : shift + width] // 2 + gradient // 2).astype(np.uint8)
        x = (i * 6) % (width - 60)
        luma[:, x : x + 60] = 235
        rgb = np.repeat(luma[:, :, None], 3, axis=2)
        rgb[: height // 3, :, 0] = 200
        video = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
        return video.to_ndarray()

    return frame


def video_track(width: int, height: int, fps: int, seconds: float) -> dict[str, Any]:
    make = scene(width, height)
    encoder = media.VideoTrackEncoder(frame_rate=fps)
    count = int(seconds * fps)
    frames = [make(i) for i in range(min(count, 2 * fps))]  # two seconds of distinct frames, looped

    def push(i: int) -> int:
        if i == count:
            encoder.close()
        else:
            encoder.push(frames[i % len(frames)], i / fps, format="yuv420p")
        return len(encoder.drain())

    result = measure(push, count + 1, seconds)
    result |= {"width": width, "height": height, "fps": fps, "codec": "vp8"}
    return result


def markdown(result: dict[str, Any]) -> str:
    rows = [
        ("audio track, Opus 48 kHz mono (Ogg), complexity 10 (default)", result["audio"], "tracks_per_core"),
        ("audio track, same at complexity 5", result["audio_complexity_5"], "tracks_per_core"),
        (
            f"room mix, {result['room_mix']['speakers']} speakers → one Opus file",
            result["room_mix"],
            "rooms_per_core",
        ),
    ]
    rows += [
        (f"video track, VP8 {v['width']}x{v['height']} @ {v['fps']} fps (WebM)", v, "tracks_per_core")
        for v in result["video"]
    ]
    lines = [
        f"bench/recording_cpu.py, pinned to one core ({result['machine']['cpu']}); synthetic media through "
        "the recorder's encoders (roomsvc.recordings.media) as fast as they go. `rtf`: CPU seconds per "
        "second of media; per core: `1 / rtf`, the tracks (or rooms) one core keeps up with at real time "
        "— plan on about 80% of it. WebRTC's decoding of the incoming tracks is not included.",
        "",
        "| recording | media (s) | CPU (s) | rtf | per core at real time | output (kbit/s) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, row, key in rows:
        lines.append(
            f"| {label} | {row['media_seconds']:.0f} | {row['cpu_seconds']} | {row['rtf']} | "
            f"{row[key]} | {row['kbit_per_s']} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "recording.json")
    parser.add_argument("--seconds", type=float, default=20.0, help="media seconds per measurement")
    args = parser.parse_args()
    core = pin_one_core()
    log(f"recording: pinned to core {core}; {args.seconds:.0f} s of media per measurement")
    result: dict[str, Any] = {
        "benchmark": "recording",
        "measured_at": dt.datetime.now(dt.UTC).isoformat(),
        "machine": {
            "cpu": platform.processor() or platform.machine(),
            "cores": os.cpu_count(),
            "pinned_core": core,
        },
        "pyav": av.__version__,
        "ffmpeg": av.ffmpeg_version_info,
    }
    result["audio"] = audio_track(max(args.seconds, 60.0))
    log(f"audio track: rtf {result['audio']['rtf']}")
    result["audio_complexity_5"] = audio_track(max(args.seconds, 60.0), complexity=5)
    log(f"audio track, complexity 5: rtf {result['audio_complexity_5']['rtf']}")
    result["room_mix"] = room_mix(max(args.seconds, 30.0))
    log(f"room mix: rtf {result['room_mix']['rtf']}")
    result["video"] = []
    for width, height, fps in ((640, 360, 15), (1280, 720, 30)):
        row = video_track(width, height, fps, args.seconds)
        result["video"].append(row)
        log(f"video {width}x{height}@{fps}: rtf {row['rtf']}")
    result["markdown"] = markdown(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(result["markdown"])
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
