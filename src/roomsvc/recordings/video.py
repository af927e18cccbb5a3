"""Video track recordings: frames (RGB, RGBA, BGRA or I420 numpy) → WebM (VP8 by default, or VP9).

PTS come from the caller's timestamps (seconds on the recording's clock) in a 1/1000 time base, so the
file keeps the original timing, pauses included: a camera muted for ten seconds is a ten-second hold on
its last frame, as every player shows it. A timestamp not after the previous one is moved 1 ms after it
(Matroska needs increasing PTS).

Resolution: the output size is fixed at the first frame's (or the ``width``/``height`` given), rounded
down to even numbers; a frame of another size (a simulcast layer switch, a rotated phone) is scaled to
it with swscale, stretching if the aspect ratio changed. One size per file keeps every player happy;
restarting the file on a change would split one track into several recordings.

Encoder: libvpx in its real-time mode (``deadline=realtime``, ``cpu-used`` 8, no look-ahead, so each
frame comes out of the encoder at once), one thread by default (the worker records many tracks on its
cores; parallelism is across tracks), a keyframe every ``keyframe_interval`` seconds and a bitrate of
about 0.08 bit per pixel per frame (640x360 at 15 fps ≈ 280 kbit/s; 1280x720 at 30 fps ≈ 2.2 Mbit/s),
clamped to 150 kbit/s .. 4 Mbit/s.

Streaming: the output is non-seekable, so the Matroska muxer writes each cluster whole when it closes
— at a keyframe past 4 KiB or after ``cluster_time_limit`` (1 s) — with no cues, no duration and no
patched sizes. A file cut anywhere decodes up to its last complete cluster. A track that stops sending
keeps its last (open) cluster in the muxer until the next frame or ``close``.

Not thread-safe; one thread at a time, as for audio.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

import av
import av.video.stream
import numpy as np
import numpy.typing as npt

from roomsvc.recordings.container import Output, SupportsWrite

PixelFormat = Literal["rgb24", "rgba", "bgra", "yuv420p"]
Codec = Literal["vp8", "vp9"]
TIME_BASE = Fraction(1, 1000)
CLUSTER_TIME_LIMIT_MS = 1000
CODECS: dict[Codec, str] = {"vp8": "libvpx", "vp9": "libvpx-vp9"}


def default_bitrate(width: int, height: int, frame_rate: float) -> int:
    return int(min(4_000_000, max(150_000, 0.08 * width * height * frame_rate)))


class VideoTrackEncoder:
    """One video track → WebM. ``push`` frames, ``drain`` bytes to storage, ``close`` to finalize."""

    def __init__(
        self,
        sink: SupportsWrite | None = None,
        *,
        codec: Codec = "vp8",
        width: int | None = None,
        height: int | None = None,
        frame_rate: float = 30.0,
        bitrate: int | None = None,
        keyframe_interval: float = 2.0,
        threads: int = 1,
        cpu_used: int = 8,
    ) -> None:
        if codec not in CODECS:
            raise ValueError(f"codec must be one of {sorted(CODECS)}, not {codec!r}")
        self._sink = sink
        self.codec: Codec = codec
        self.width = width
        self.height = height
        self.frame_rate = frame_rate
        self.bitrate = bitrate
        self.keyframe_interval = keyframe_interval
        self.threads = threads
        self.cpu_used = cpu_used
        self._output: Output | None = None
        self._stream: av.video.stream.VideoStream | None = None
        self._last_pts: int | None = None
        self.frames = 0  # frames pushed
        self.scaled = 0  # frames of another size, scaled to the output's

    def _open(self, width: int, height: int) -> tuple[Output, av.video.stream.VideoStream]:
        if self._output is not None and self._stream is not None:
            return self._output, self._stream
        self.width = max(2, (self.width or width) // 2 * 2)
        self.height = max(2, (self.height or height) // 2 * 2)
        output = Output(self._sink, "webm", {"cluster_time_limit": str(CLUSTER_TIME_LIMIT_MS), "live": "1"})
        options = {
            "deadline": "realtime",
            "cpu-used": str(self.cpu_used),
            "lag-in-frames": "0",
            "auto-alt-ref": "0",
        }
        if self.codec == "vp9":
            options["row-mt"] = "1"
        stream = output.container.add_stream(CODECS[self.codec], options=options)
        assert isinstance(stream, av.video.stream.VideoStream)
        context = stream.codec_context
        context.width, context.height = self.width, self.height
        context.pix_fmt = "yuv420p"
        context.time_base = TIME_BASE
        context.framerate = Fraction(self.frame_rate).limit_denominator(1001)
        context.bit_rate = self.bitrate or default_bitrate(self.width, self.height, self.frame_rate)
        context.gop_size = max(1, round(self.keyframe_interval * self.frame_rate))
        context.thread_count = self.threads
        stream.time_base = TIME_BASE
        self._output, self._stream = output, stream
        return output, stream

    @property
    def duration_s(self) -> float:
        return (self._last_pts or 0) / 1000

    def push(self, image: npt.NDArray[np.uint8], timestamp: float, *, format: PixelFormat = "rgb24") -> None:
        """One frame: ``(h, w, 3)`` rgb24, ``(h, w, 4)`` rgba/bgra or ``(h * 3 / 2, w)`` I420 (even sizes)."""
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format=format)
        output, stream = self._open(frame.width, frame.height)
        if (frame.width, frame.height) != (self.width, self.height):
            self.scaled += 1
        frame = frame.reformat(width=self.width, height=self.height, format="yuv420p")
        pts = max(0, round(timestamp * 1000))
        if self._last_pts is not None and pts <= self._last_pts:
            pts = self._last_pts + 1
        frame.pts = self._last_pts = pts
        frame.time_base = TIME_BASE
        self.frames += 1
        output.container.mux(stream.encode(frame))

    def drain(self) -> bytes:
        return self._output.drain() if self._output is not None else b""

    def close(self) -> None:
        """Flush the encoder and write the last cluster. A track that never sent a frame has no file."""
        if self._output is None or self._stream is None or self._output.closed:
            return
        self._output.container.mux(self._stream.encode(None))
        self._output.close()
