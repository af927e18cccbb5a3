"""Streamed container output and read-back: the byte sink the encoders write to, and ``probe``/``decode``.

Encoders never hold a file. PyAV muxes into a :class:`ChunkBuffer` — a write-only, *non-seekable*
file-like object — and the caller drains the bytes after each push and forwards them to storage
(``await writer.write(encoder.drain())``). Because the sink cannot seek, FFmpeg's muxers behave as
they do for a live stream: the Ogg muxer emits each page when it is full (``page_duration``), and the
Matroska/WebM muxer writes each cluster whole once it is closed (``cluster_time_limit``) and never goes
back to patch sizes, cues or the duration. Every prefix of the output that ends on a page or cluster
boundary is therefore a complete, playable file, and a prefix cut anywhere else decodes up to the last
complete page or cluster. ``flush_packets`` pushes bytes out of FFmpeg's I/O buffer after every packet,
so nothing finished waits in a buffer.

Nothing here imports the web side (the recorder agent loads it; see the ``agent-is-light`` contract).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, Protocol

import av
import av.container
import numpy as np
import numpy.typing as npt

Source = str | Path | bytes | bytearray | memoryview


class SupportsWrite(Protocol):
    """Anything with ``write(bytes)``: a :class:`ChunkBuffer`, an open file, a socket wrapper."""

    def write(self, data: bytes, /) -> object: ...


class ChunkBuffer:
    """A write-only, non-seekable in-memory sink: the muxer writes, the caller drains.

    It has no ``seek``/``tell`` on purpose: PyAV then opens the output as non-seekable, which is what
    makes the muxers stream (see the module docstring).
    """

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self.total = 0  # bytes written since creation

    def write(self, data: bytes, /) -> int:
        chunk = bytes(data)
        self._chunks.append(chunk)
        self.total += len(chunk)
        return len(chunk)

    def writable(self) -> bool:
        return True

    def drain(self) -> bytes:
        """The bytes written since the last drain (``b""`` when none)."""
        if not self._chunks:
            return b""
        out = b"".join(self._chunks)
        self._chunks.clear()
        return out


class Output:
    """One output container on a sink; encoders own one each. ``drain`` works with the default sink.

    A caller's sink that can seek (an open file) makes the output seekable: FFmpeg then seeks back at
    ``close`` to write WebM cues and duration, which is fine for a local file but not for a stream.
    """

    def __init__(self, sink: SupportsWrite | None, format: str, options: dict[str, str]) -> None:
        if sink is None:
            sink = ChunkBuffer()
        self.buffer = sink if isinstance(sink, ChunkBuffer) else None
        self.container: av.container.OutputContainer = av.open(
            sink, mode="w", format=format, container_options={"flush_packets": "1", **options}
        )
        self.closed = False

    def drain(self) -> bytes:
        """Bytes written since the last drain; always ``b""`` when a caller-provided sink is used."""
        return self.buffer.drain() if self.buffer is not None else b""

    @property
    def bytes_written(self) -> int | None:
        return self.buffer.total if self.buffer is not None else None

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.container.close()


@dataclass(frozen=True)
class StreamInfo:
    kind: Literal["audio", "video", "other"]
    codec: str
    duration_s: float  # end of the stream's last packet on the file's timeline
    packets: int
    sample_rate: int | None = None
    channels: int | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class Probe:
    format: str
    duration_s: float  # end of the last packet of any stream; 0.0 for a file with no packets
    streams: tuple[StreamInfo, ...]


def _open_input(source: Source) -> av.container.InputContainer:
    if isinstance(source, bytes | bytearray | memoryview):
        return av.open(io.BytesIO(bytes(source)), mode="r")
    return av.open(str(source), mode="r")


def probe(source: Source) -> Probe:
    """Duration and streams of a recording (a path or its bytes), cut-short files included.

    The duration comes from the packets themselves (the end of the last one), not from the header: a
    streamed WebM has no duration element, and a cut-short file has no trailer to read one from.
    """
    with _open_input(source) as container:
        ends: dict[int, float] = {}
        counts: dict[int, int] = {}
        try:
            for packet in container.demux():
                if packet.pts is None or packet.time_base is None:
                    continue
                end = float((packet.pts + (packet.duration or 0)) * packet.time_base)
                index = packet.stream.index
                ends[index] = max(ends.get(index, 0.0), end)
                counts[index] = counts.get(index, 0) + 1
        except (av.error.FFmpegError, EOFError):
            pass  # a file cut short: what came before the damage counts
        infos: list[StreamInfo] = []
        for stream in container.streams:
            context = stream.codec_context
            info = StreamInfo(
                kind="other",
                codec=context.name if context is not None else "unknown",
                duration_s=round(ends.get(stream.index, 0.0), 6),
                packets=counts.get(stream.index, 0),
            )
            if isinstance(context, av.AudioCodecContext):
                info = replace(info, kind="audio", sample_rate=context.sample_rate, channels=context.channels)
            elif isinstance(context, av.VideoCodecContext):
                info = replace(info, kind="video", width=context.width, height=context.height)
            infos.append(info)
        return Probe(
            format=container.format.name,
            duration_s=max((info.duration_s for info in infos), default=0.0),
            streams=tuple(infos),
        )


def decode_audio(source: Source) -> tuple[npt.NDArray[np.int16], int]:
    """The first audio stream decoded to int16 PCM, shape ``(samples, channels)``, and its rate.

    Decodes as far as the data goes: a file cut short yields the audio up to its last complete page.
    """
    with _open_input(source) as container:
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate
        resampler = av.AudioResampler(format="s16", layout=stream.codec_context.layout.name, rate=rate)
        channels = stream.codec_context.channels
        parts: list[npt.NDArray[np.int16]] = []
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    parts.append(out.to_ndarray().reshape(-1, channels).astype(np.int16, copy=False))
        except (av.error.FFmpegError, EOFError):
            pass
        if not parts:
            return np.zeros((0, channels), dtype=np.int16), rate
        return np.concatenate(parts), rate
