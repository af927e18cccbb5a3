"""The recorder's media path without LiveKit: encode synthetic tones and frames, decode them back with PyAV.

Timestamps are given as a caller measuring them would (seconds on the recording's clock); the files are
checked by what they decode to: duration, which frequencies sound in which second (FFT per window),
silence, resolution and frame count, and what a file cut short still plays.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys

import av
import numpy as np
import numpy.typing as npt
import pytest

from roomsvc.recordings import media

RATE = media.SAMPLE_RATE
FRAME_S = 0.01  # rtc.AudioStream delivers 10 ms frames


def tone(freq: float, seconds: float, rate: int = RATE, amplitude: int = 8000) -> npt.NDArray[np.int16]:
    t = np.arange(round(seconds * rate)) / rate
    return (np.sin(2 * np.pi * freq * t) * amplitude).astype(np.int16)


def frames(pcm: npt.NDArray[np.int16], rate: int, start: float) -> list[tuple[float, npt.NDArray[np.int16]]]:
    """Cut PCM (mono 1-D or ``(n, channels)``) into 10 ms frames stamped from ``start``."""
    step = round(rate * FRAME_S)
    return [(start + i / rate, pcm[i : i + step]) for i in range(0, len(pcm), step)]


def band(window: npt.NDArray[np.float64], freq: float, rate: int = RATE) -> float:
    """Share of the window's energy within ±5 Hz of ``freq``."""
    spectrum = np.abs(np.fft.rfft(window)) ** 2
    bins = np.fft.rfftfreq(len(window), 1 / rate)
    total = spectrum.sum()
    return float(spectrum[np.abs(bins - freq) <= 5].sum() / total) if total > 0 else 0.0


def seconds(pcm: npt.NDArray[np.int16], rate: int = RATE) -> list[npt.NDArray[np.float64]]:
    mono = pcm.mean(axis=1) if pcm.ndim == 2 else pcm.astype(np.float64)
    return [mono[s * rate : (s + 1) * rate] for s in range(len(mono) // rate)]


def rms(window: npt.NDArray[np.float64]) -> float:
    return float(np.sqrt(np.mean(window**2))) if len(window) else 0.0


def run_mixer(
    tracks: dict[str, tuple[npt.NDArray[np.int16], int, float, int]], until: float
) -> tuple[bytes, media.RoomAudioMixer]:
    """Feed tracks ``name → (pcm, rate, start_s, channels)`` interleaved in time order, as frames would
    arrive, advancing the clock every 10 ms; a track is removed after its last frame."""
    mixer = media.RoomAudioMixer()
    out = bytearray()
    events: list[tuple[float, str, npt.NDArray[np.int16] | None]] = []
    for name, (pcm, rate, start, _channels) in tracks.items():
        cut = frames(pcm, rate, start)
        events += [(ts, name, chunk) for ts, chunk in cut]
        events.append((cut[-1][0] + FRAME_S, name, None))
    events.sort(key=lambda e: (e[0], e[1]))
    clock = 0.0
    for ts, name, chunk in events:
        while clock < ts:  # a timer ticking while nobody sends
            mixer.advance(clock)
            clock += FRAME_S
        if chunk is None:
            mixer.remove(name)
        else:
            pcm, rate, _start, channels = tracks[name]
            mixer.push(name, chunk.reshape(-1), rate, ts, channels=channels)
        out += mixer.drain()
    mixer.close(until=until)
    out += mixer.drain()
    return bytes(out), mixer


def test_mixer_two_tones_one_leaves_halfway() -> None:
    data, mixer = run_mixer({"a": (tone(440, 6), RATE, 0.0, 1), "b": (tone(660, 3), RATE, 0.0, 1)}, until=6.0)
    info = media.probe(data)
    assert info.format == "ogg"
    assert [(s.kind, s.codec, s.sample_rate) for s in info.streams] == [("audio", "opus", RATE)]
    assert abs(info.duration_s - 6.0) <= 0.5
    pcm, rate = media.decode_audio(data)
    assert rate == RATE
    assert abs(len(pcm) / rate - 6.0) <= 0.5
    windows = seconds(pcm)
    for s in range(3):
        assert band(windows[s], 440) > 0.2, s
        assert band(windows[s], 660) > 0.2, s
    for s in range(3, 6):
        assert band(windows[s], 440) > 0.8, s
        assert band(windows[s], 660) < 0.01, s
    assert mixer.tracks == []


def test_mixer_silence_after_everyone_left() -> None:
    data, _ = run_mixer({"a": (tone(440, 6), RATE, 0.0, 1), "b": (tone(660, 3), RATE, 0.0, 1)}, until=8.0)
    pcm, _ = media.decode_audio(data)
    assert abs(len(pcm) / RATE - 8.0) <= 0.5
    windows = seconds(pcm)
    assert rms(windows[5]) > 3000  # the 440 Hz tone (amplitude 8000) still sounds in 5-6 s
    assert band(windows[5], 440) > 0.8
    for s in (6, 7):
        assert rms(windows[s]) < 50, (s, rms(windows[s]))


def test_mixer_places_a_late_joiner_at_its_start_time() -> None:
    data, _ = run_mixer({"late": (tone(660, 2), RATE, 2.0, 1)}, until=4.0)
    pcm, _ = media.decode_audio(data)
    mono = pcm[:, 0].astype(np.float64)
    assert abs(len(mono) / RATE - 4.0) <= 0.5
    loud = [i for i in range(0, len(mono), RATE // 100) if rms(mono[i : i + RATE // 100]) > 1000]
    assert loud, "the late track is missing"
    assert abs(loud[0] / RATE - 2.0) <= 0.05  # it starts at 2 s, not at the file's start
    assert rms(mono[: int(1.9 * RATE)]) < 50
    windows = seconds(pcm)
    assert band(windows[2], 660) > 0.8 and band(windows[3], 660) > 0.8


def test_mixer_mixes_different_rates_and_channel_counts() -> None:
    stereo = np.repeat(tone(660, 3)[:, None], 2, axis=1)  # 48 kHz stereo, interleaved when pushed
    data, _ = run_mixer(
        {"narrow": (tone(440, 3, rate=16_000), 16_000, 0.0, 1), "wide": (stereo, RATE, 0.0, 2)},
        until=3.0,
    )
    pcm, _ = media.decode_audio(data)
    assert abs(len(pcm) / RATE - 3.0) <= 0.5
    for window in seconds(pcm)[:3]:
        assert band(window, 440) > 0.2
        assert band(window, 660) > 0.2
        assert rms(window) > 4000  # both at full level: no rate or channel mix-up halved either


def test_track_encoder_keeps_a_gap_as_silence() -> None:
    encoder = media.AudioTrackEncoder()
    out = bytearray()
    for start in (0.0, 4.0):  # 2 s of tone, nothing for 2 s (muted), 2 s of tone
        for ts, chunk in frames(tone(440, 2), RATE, start):
            encoder.push(chunk, RATE, ts)
            out += encoder.drain()
    encoder.close()
    out += encoder.drain()
    assert encoder.gaps == 1
    pcm, _ = media.decode_audio(bytes(out))
    mono = pcm[:, 0].astype(np.float64)
    assert abs(len(mono) / RATE - 6.0) <= 0.1
    assert rms(mono[int(2.1 * RATE) : int(3.9 * RATE)]) < 50
    assert rms(mono[int(0.1 * RATE) : int(1.9 * RATE)]) > 3000
    assert rms(mono[int(4.1 * RATE) : int(5.9 * RATE)]) > 3000
    assert band(mono[4 * RATE : 5 * RATE], 440) > 0.8


def test_track_encoder_resamples_and_pads_to_the_end() -> None:
    encoder = media.AudioTrackEncoder()
    for ts, chunk in frames(tone(440, 1, rate=16_000), 16_000, 0.5):
        encoder.push(chunk, 16_000, ts)
    encoder.close(until=3.0)
    pcm, rate = media.decode_audio(encoder.drain())
    mono = pcm[:, 0].astype(np.float64)
    assert rate == RATE
    assert abs(len(mono) / RATE - 3.0) <= 0.05
    assert rms(mono[: int(0.4 * RATE)]) < 50  # leading silence: the track started at 0.5 s
    assert band(mono[int(0.5 * RATE) : int(1.5 * RATE)], 440) > 0.8
    assert rms(mono[int(1.6 * RATE) :]) < 50


def test_audio_is_streamed_and_a_cut_file_still_plays() -> None:
    encoder = media.AudioTrackEncoder()
    streamed = bytearray()
    for ts, chunk in frames(tone(440, 5), RATE, 0.0):
        encoder.push(chunk, RATE, ts)
        streamed += encoder.drain()
    # Before close, the drained bytes are already a playable file: pages come out about once a second.
    assert media.probe(bytes(streamed)).duration_s >= 3.0
    encoder.close()
    full = bytes(streamed + encoder.drain())
    cut = full[: int(len(full) * 0.7)]
    with av.open(io.BytesIO(cut)) as container:  # plain PyAV, as a player would
        decoded = sum(frame.samples for frame in container.decode(audio=0))
    assert 2.5 * RATE <= decoded < 5 * RATE
    pcm, _ = media.decode_audio(cut)
    assert band(pcm[RATE : 2 * RATE, 0].astype(np.float64), 440) > 0.8


def moving_pattern(width: int, height: int, index: int) -> npt.NDArray[np.uint8]:
    image = np.zeros((height, width, 3), dtype=np.uint8)
    x = (index * 8) % (width - 40)
    image[:, x : x + 40] = (255, 255, 255)
    image[: height // 4, :, 0] = 200
    return image


def encode_video(seconds_: float = 4.0, fps: int = 15, size: tuple[int, int] = (320, 240)) -> bytes:
    encoder = media.VideoTrackEncoder(frame_rate=fps)
    out = bytearray()
    for i in range(round(seconds_ * fps)):
        encoder.push(moving_pattern(*size, i), i / fps)
        out += encoder.drain()
    encoder.close()
    return bytes(out + encoder.drain())


def decode_frames(data: bytes) -> list[av.VideoFrame]:
    decoded: list[av.VideoFrame] = []
    # A cut file ends in a damaged cluster: keep the frames decoded before it.
    with av.open(io.BytesIO(data)) as container, contextlib.suppress(av.error.FFmpegError):
        decoded.extend(container.decode(video=0))
    return decoded


def test_video_decodes_to_its_resolution_and_frame_count() -> None:
    data = encode_video()
    decoded = decode_frames(data)
    assert {(f.width, f.height) for f in decoded} == {(320, 240)}
    assert 51 <= len(decoded) <= 69  # 60 ± 15%
    times = [float(f.pts * f.time_base) for f in decoded if f.pts is not None]
    assert abs(np.median(np.diff(times)) - 1 / 15) < 0.005  # PTS follow the timestamps
    info = media.probe(data)
    assert info.format.startswith("matroska")
    assert [(s.kind, s.codec, s.width, s.height) for s in info.streams] == [("video", "vp8", 320, 240)]
    assert abs(info.duration_s - 4.0) <= 0.2
    # The moving bar is where it was drawn: frame 10 has it at x = 80..120.
    row = decoded[10].to_ndarray(format="rgb24")[200]
    assert row[80:120].mean() > 180 and row[200:].mean() < 60


def test_video_cut_short_still_plays() -> None:
    data = encode_video()
    decoded = decode_frames(data[: int(len(data) * 0.7)])
    assert 10 <= len(decoded) < 60
    assert {(f.width, f.height) for f in decoded} == {(320, 240)}


def test_video_is_streamed_before_close() -> None:
    encoder = media.VideoTrackEncoder(frame_rate=15)
    out = bytearray()
    for i in range(60):
        encoder.push(moving_pattern(320, 240, i), i / 15)
        out += encoder.drain()
    # Clusters close about every second: most of the 4 s are out before close().
    assert len(decode_frames(bytes(out))) >= 30


def test_video_resolution_change_is_scaled_to_the_first() -> None:
    encoder = media.VideoTrackEncoder(codec="vp9", frame_rate=10)
    for i in range(10):
        encoder.push(moving_pattern(320, 240, i), i / 10)
    rgba = np.zeros((480, 640, 4), dtype=np.uint8)
    for i in range(10, 20):
        encoder.push(rgba, i / 10, format="rgba")
    yuv = np.full((180 * 3 // 2, 160), 128, dtype=np.uint8)  # I420, as rtc.VideoFrame's buffer
    encoder.push(yuv, 2.0, format="yuv420p")
    encoder.close()
    data = encoder.drain()
    decoded = decode_frames(data)
    assert len(decoded) == 21 and encoder.scaled == 11
    assert {(f.width, f.height) for f in decoded} == {(320, 240)}
    assert [s.codec for s in media.probe(data).streams] == ["vp9"]


def test_bad_samples_are_refused() -> None:
    encoder = media.AudioTrackEncoder()
    with pytest.raises(ValueError, match="int16"):
        encoder.push(np.zeros(480, dtype=np.float32), RATE, 0.0)
    with pytest.raises(ValueError, match="channels"):
        encoder.push(np.zeros(481, dtype=np.int16), RATE, 0.0, channels=2)


def test_the_media_path_loads_nothing_of_the_api_side() -> None:
    """The recorder agent imports this; it must stay light (see the ``agent-is-light`` contract)."""
    code = (
        "import sys; import roomsvc.recordings.media; "
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "av" in loaded and "numpy" in loaded
    assert not loaded & {"sqlalchemy", "alembic", "aiomysql", "redis", "litestar", "livekit"}
