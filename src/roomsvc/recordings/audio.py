"""Audio recordings: a track to Ogg/Opus (:class:`AudioTrackEncoder`), a room mix (:class:`RoomAudioMixer`).

Input is plain int16 PCM — what ``rtc.AudioFrame.data`` holds — at any rate and channel count, with a
timestamp in seconds on the recording's clock (the caller's monotonic clock at receipt, minus the
recording's start). Everything is converted to 48 kHz (Opus's native rate) with PyAV's
``AudioResampler`` and written as 20 ms Opus frames, whose PTS are sample counts on that clock.

Timing. Within a run of frames the *sample count* is the clock, not the receipt time: frames arrive in
bursts when the event loop is busy, but their samples are contiguous. A timestamp further ahead of the
track's write position than ``gap_tolerance`` means the track sent nothing for a while (muted, lost,
unsubscribed): the hole is filled with digital silence, so the file's duration is the wall-clock span
and every later sound sits at its original time. Silence rather than a PTS jump because every player
handles it (Ogg/Opus has no way to say "nothing here" that all decoders honour).

Mixing. Each input is placed on the common clock at its first timestamp and then advances by its
sample count, exactly like a track. The mixer emits fixed 20 ms blocks up to ``now - jitter`` (``now``
is the latest timestamp pushed, or given to :meth:`RoomAudioMixer.advance`), summing the inputs that
have samples in each block in int32 and clipping to int16; where nobody has samples the block is
silent. A track that joins late is placed at its start time; one that leaves (``remove``) stops
contributing once its buffered samples are out. Samples that would land before the emitted horizon
(later than the jitter window allows) are moved to the horizon rather than dropped; a track whose
samples run more than ``max_lead`` ahead of the clock (a source clock faster than ours) loses the
frames that would push it further, counted in ``dropped_s``.

Encoder: libopus, 20 ms frames, VBR, 32 kbit/s per channel unless ``bitrate`` is given, ``complexity``
10 (libopus's default; 5 costs about a third of the CPU for a little quality, see docs/benchmarks.md).

Streaming: see :mod:`roomsvc.recordings.container`. Ogg pages are cut every ``page_duration``
(1 s): a recording cut short loses at most that plus the mixer's jitter window.

Not thread-safe: call one encoder from one thread at a time (in the agent, ``asyncio.to_thread`` per
push or one encoding thread per recording), then forward ``drain()`` to storage.
"""

from __future__ import annotations

from dataclasses import dataclass

import av
import av.audio.stream
import numpy as np
import numpy.typing as npt

from roomsvc.recordings.container import Output, SupportsWrite

SAMPLE_RATE = 48_000
BLOCK = 960  # 20 ms at 48 kHz: one Opus frame and one mixer block
PAGE_DURATION_US = 1_000_000
PCM = npt.NDArray[np.int16]
LAYOUTS = {1: "mono", 2: "stereo"}


def as_frames(pcm: npt.ArrayLike, channels: int) -> PCM:
    """int16 PCM, interleaved 1-D (as in ``rtc.AudioFrame.data``) or ``(samples, channels)``, as 2-D."""
    array = np.asarray(pcm)
    if array.dtype != np.int16:
        raise ValueError(f"audio samples must be int16, not {array.dtype}")
    if array.ndim == 1:
        if channels < 1 or array.size % channels:
            raise ValueError(f"{array.size} interleaved samples do not split into {channels} channels")
        return array.reshape(-1, channels)
    if array.ndim != 2:
        raise ValueError(f"audio samples must be 1-D interleaved or (samples, channels), not {array.shape}")
    return array


class PcmConverter:
    """Any rate and channel count → 48 kHz int16 with ``channels`` channels, shape ``(samples, channels)``.

    Channel changes alone are done in numpy (average to mono, duplicate to stereo, average >2 channels);
    rate changes go through PyAV's resampler, rebuilt when the input's rate or channel count changes
    (the resampler is fixed to its first input's format).
    """

    def __init__(self, channels: int) -> None:
        self.channels = channels
        self._resampler: av.AudioResampler | None = None
        self._input: tuple[int, int] | None = None

    def _channels(self, frames: PCM, channels: int) -> PCM:
        have = frames.shape[1]
        if have == channels:
            return frames
        mono = frames if have == 1 else frames.mean(axis=1, keepdims=True).astype(np.int16)
        return mono if channels == 1 else np.repeat(mono, channels, axis=1)

    def convert(self, frames: PCM, sample_rate: int) -> PCM:
        if frames.shape[1] > 2:
            frames = self._channels(frames, 1)
        if sample_rate == SAMPLE_RATE:
            return self._channels(frames, self.channels)
        if sample_rate <= 0:
            raise ValueError(f"sample rate must be positive, not {sample_rate}")
        channels = frames.shape[1]
        if self._resampler is None or self._input != (sample_rate, channels):
            self._resampler = av.AudioResampler(format="s16", layout=LAYOUTS[self.channels], rate=SAMPLE_RATE)
            self._input = (sample_rate, channels)
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(frames).reshape(1, -1), format="s16", layout=LAYOUTS[channels]
        )
        frame.sample_rate = sample_rate
        out = [f.to_ndarray().reshape(-1, self.channels) for f in self._resampler.resample(frame)]
        if not out:
            return np.zeros((0, self.channels), dtype=np.int16)
        return np.concatenate(out).astype(np.int16, copy=False)


class OggOpusWriter:
    """48 kHz int16 PCM → 20 ms Opus frames → Ogg pages on a sink. ``position``: samples written."""

    def __init__(
        self, sink: SupportsWrite | None, *, channels: int, bitrate: int | None = None, complexity: int = 10
    ) -> None:
        if channels not in LAYOUTS:
            raise ValueError(f"Ogg/Opus output has 1 or 2 channels, not {channels}")
        self.channels = channels
        self.output = Output(sink, "ogg", {"page_duration": str(PAGE_DURATION_US)})
        self.stream: av.audio.stream.AudioStream = self.output.container.add_stream(
            "libopus",
            rate=SAMPLE_RATE,
            options={
                "application": "audio",
                "frame_duration": "20",
                "vbr": "on",
                "compression_level": str(complexity),
            },
            layout=LAYOUTS[channels],
        )
        self.stream.codec_context.bit_rate = bitrate or 32_000 * channels
        self._pending = np.zeros((0, channels), dtype=np.int16)
        self._pts = 0  # samples handed to the encoder
        self.position = 0  # samples written, pending included

    def write(self, frames: PCM) -> None:
        if not len(frames):
            return
        self.position += len(frames)
        data = np.concatenate([self._pending, frames]) if len(self._pending) else frames
        whole = len(data) - len(data) % BLOCK
        for start in range(0, whole, BLOCK):
            self._encode(data[start : start + BLOCK])
        self._pending = data[whole:].copy()

    def write_silence(self, samples: int) -> None:
        while samples > 0:  # bounded chunks: a long mute never allocates its whole length at once
            step = min(samples, SAMPLE_RATE * 10)
            self.write(np.zeros((step, self.channels), dtype=np.int16))
            samples -= step

    def _encode(self, block: PCM) -> None:
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(block).reshape(1, -1), format="s16", layout=LAYOUTS[self.channels]
        )
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self._pts
        self._pts += len(block)
        self.output.container.mux(self.stream.encode(frame))

    def close(self) -> None:
        """Encode what is pending (padded to a whole 20 ms frame), flush the encoder, end the stream."""
        if self.output.closed:
            return
        if len(self._pending):
            pad = np.zeros((BLOCK - len(self._pending), self.channels), dtype=np.int16)
            self._encode(np.concatenate([self._pending, pad]))
            self._pending = self._pending[:0]
        self.output.container.mux(self.stream.encode(None))
        self.output.close()


class AudioTrackEncoder:
    """One audio track → Ogg/Opus with its original timing (gaps become silence).

    ``push`` frames as they arrive; ``drain`` the bytes after each push and forward them to storage;
    ``close(until=…)`` pads silence up to the recording's end (a track muted when the recording stopped)
    and finalizes. Without ``close`` the bytes drained so far are still a playable file up to their
    last Ogg page. Timestamps are seconds on the file's clock: the first frame at ``t`` is preceded by
    ``t`` seconds of silence, so pass ``now - track_start`` for a file that starts with the track.
    ``channels`` (1 or 2) is taken from the first frame unless given.
    """

    def __init__(
        self,
        sink: SupportsWrite | None = None,
        *,
        channels: int | None = None,
        bitrate: int | None = None,
        complexity: int = 10,
        gap_tolerance: float = 0.25,
    ) -> None:
        self._sink = sink
        self._channels = channels
        self._bitrate = bitrate
        self._complexity = complexity
        self.gap_tolerance = gap_tolerance
        self._writer: OggOpusWriter | None = None
        self._converter: PcmConverter | None = None
        self.gaps = 0  # silences inserted for gaps

    def _open(self, channels: int) -> OggOpusWriter:
        if self._writer is None:
            out = min(2, max(1, self._channels or channels))
            self._writer = OggOpusWriter(
                self._sink, channels=out, bitrate=self._bitrate, complexity=self._complexity
            )
            self._converter = PcmConverter(out)
        return self._writer

    @property
    def duration_s(self) -> float:
        return self._writer.position / SAMPLE_RATE if self._writer is not None else 0.0

    def push(
        self, pcm: npt.ArrayLike, sample_rate: int, timestamp: float | None, *, channels: int = 1
    ) -> None:
        """One frame: int16 PCM (1-D interleaved with ``channels``, or 2-D), its rate, its start time."""
        frames = as_frames(pcm, channels)
        first = self._writer is None
        writer = self._open(frames.shape[1])
        assert self._converter is not None
        if timestamp is not None:
            target = round(timestamp * SAMPLE_RATE)
            if first:
                writer.write_silence(target)  # the track starts at its time on the file's clock
            elif target - writer.position > self.gap_tolerance * SAMPLE_RATE:
                writer.write_silence(target - writer.position)
                self.gaps += 1
        writer.write(self._converter.convert(frames, sample_rate))

    def pad_to(self, timestamp: float) -> None:
        """Silence up to ``timestamp`` (no-op when already past it): keeps a muted track's file growing."""
        writer = self._open(1)
        writer.write_silence(round(timestamp * SAMPLE_RATE) - writer.position)

    def drain(self) -> bytes:
        return self._writer.output.drain() if self._writer is not None else b""

    def close(self, until: float | None = None) -> None:
        if until is not None:
            self.pad_to(until)
        self._open(1).close()


@dataclass
class _Input:
    converter: PcmConverter
    start: int  # clock position (samples) of data[0]
    data: PCM
    removed: bool = False
    dropped: int = 0

    @property
    def end(self) -> int:  # the position of the next sample this input will write
        return self.start + len(self.data)


class RoomAudioMixer:
    """Several tracks → one Ogg/Opus file on a common clock (see the module docstring for the rules).

    ``push(track, …)`` adds a track on its first frame; ``remove(track)`` when it leaves; ``advance(now)``
    from a timer so silence is written while nobody sends anything; ``close(until=…)`` mixes what is
    buffered, pads to ``until`` and finalizes. ``drain`` as for the encoders.
    """

    def __init__(
        self,
        sink: SupportsWrite | None = None,
        *,
        channels: int = 1,
        bitrate: int | None = None,
        complexity: int = 10,
        jitter: float = 0.2,
        gap_tolerance: float = 0.15,
        max_lead: float = 1.0,
    ) -> None:
        self.writer = OggOpusWriter(sink, channels=channels, bitrate=bitrate, complexity=complexity)
        self.channels = channels
        self.jitter = round(jitter * SAMPLE_RATE)
        self.gap_tolerance = round(gap_tolerance * SAMPLE_RATE)
        self.max_lead = round(max_lead * SAMPLE_RATE)
        self._inputs: dict[str, _Input] = {}
        self._now = 0  # latest clock position known (samples)
        self.dropped_samples = 0

    @property
    def emitted(self) -> int:
        """Samples of the mix written (the horizon: nothing is placed before it any more)."""
        return self.writer.position

    @property
    def duration_s(self) -> float:
        return self.emitted / SAMPLE_RATE

    @property
    def dropped_s(self) -> float:
        return self.dropped_samples / SAMPLE_RATE

    @property
    def tracks(self) -> list[str]:
        return [name for name, item in self._inputs.items() if not item.removed]

    def push(
        self, track: str, pcm: npt.ArrayLike, sample_rate: int, timestamp: float, *, channels: int = 1
    ) -> None:
        frames = as_frames(pcm, channels)
        target = max(round(timestamp * SAMPLE_RATE), self.emitted)
        item = self._inputs.get(track)
        if item is None:
            item = _Input(PcmConverter(self.channels), target, np.zeros((0, self.channels), np.int16))
            self._inputs[track] = item
        item.removed = False
        converted = item.converter.convert(frames, sample_rate)
        if item.end < self.emitted:  # late beyond the jitter window: moved to the horizon, never lost
            item.start, item.data = self.emitted, item.data[:0]
        if target - item.end > self.gap_tolerance:  # a gap: the track resumes at its time
            if len(item.data):
                silence = np.zeros((target - item.end, self.channels), dtype=np.int16)
                item.data = np.concatenate([item.data, silence])
            else:
                item.start = target
        if item.end - target > self.max_lead:  # its clock runs ahead of ours: drop to stay in sync
            item.dropped += len(converted)
            self.dropped_samples += len(converted)
        elif len(converted):
            item.data = np.concatenate([item.data, converted]) if len(item.data) else converted
        self._now = max(self._now, round(timestamp * SAMPLE_RATE) + len(converted))
        self._emit(self._now - self.jitter)

    def remove(self, track: str) -> None:
        """The track left: it contributes what it has buffered, then nothing."""
        item = self._inputs.get(track)
        if item is not None:
            item.removed = True
            if item.end <= self.emitted:
                del self._inputs[track]

    def advance(self, now: float) -> None:
        """The clock reached ``now`` (seconds): mix and write each block that ends before ``now - jitter``."""
        self._now = max(self._now, round(now * SAMPLE_RATE))
        self._emit(self._now - self.jitter)

    def _emit(self, horizon: int) -> None:
        begin = self.emitted
        end = begin + (horizon - begin) // BLOCK * BLOCK  # whole blocks only
        if end <= begin:
            return
        mix = np.zeros((end - begin, self.channels), dtype=np.int32)
        for name, item in list(self._inputs.items()):
            low, high = max(begin, item.start), min(end, item.end)
            if high > low:
                mix[low - begin : high - begin] += item.data[low - item.start : high - item.start]
            if item.end <= end:
                if item.removed:
                    del self._inputs[name]
                else:
                    item.start, item.data = item.end, item.data[:0]
            elif item.start < end:
                item.data = item.data[end - item.start :]
                item.start = end
        self.writer.write(np.clip(mix, -32768, 32767).astype(np.int16))

    def drain(self) -> bytes:
        return self.writer.output.drain()

    def close(self, until: float | None = None) -> None:
        """Mix everything buffered, pad silence up to ``until`` (seconds), finalize the file."""
        last = max((item.end for item in self._inputs.values()), default=self.emitted)
        stop = max(last, self._now, round(until * SAMPLE_RATE) if until is not None else 0)
        stop = -(-stop // BLOCK) * BLOCK  # round up to a whole block
        self._emit(stop)
        self.writer.close()
