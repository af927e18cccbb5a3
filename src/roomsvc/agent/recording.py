"""RoomRecorder: one recording inside a job — subscribe, encode, stream to storage, report, tell the room.

The clock. Everything is timed on one monotonic clock whose zero is the moment the recorder reports
``started``; the API stamps ``started_at`` during that request, so a stop requested at ``stopped_at``
(the API's clock) is ``stopped_at - started_at`` on ours, whichever host each runs on.

Files (:class:`FileOutput`). Each output file has an encoder from :mod:`roomsvc.recordings.media` (the
room mixer, or one track encoder), one encoding thread of its own (encoders are CPU work and not
thread-safe), and a storage writer. Frames wait ``hold`` seconds (a little more than a heartbeat) in a
hold-back line before they are encoded, so when the recorder learns that a stop was requested a
moment ago it can still end the file at the requested time: nothing said after the stop is recorded.
Every ``TICK`` the frames older than the hold go to the encoding thread in one batch (the mixer also
advances, writing silence while nobody speaks), and the bytes the muxer produced are written to
storage at once; writers are flushed every ``FLUSH_INTERVAL``. A killed recorder so loses at most the
hold, the muxer's last page or cluster (1 s) and the last flush interval.

Stopping: the heartbeat's answer (``stopping``: the file ends at ``stopped_at``; a final state: leave),
the room closing (disconnected), the job's shutdown (the worker draining), or a storage error (the
recording is reported ``failed`` with the error, the writers are aborted). Then each file is closed,
reported ``file-finished`` with its size, sha256 and duration, and the recording ``finished``.

Consent. While recording, the agent participant (visible, kind AGENT) carries the attributes
``roomsvc.recording`` = ``active`` (``stopped`` at the end), ``roomsvc.recording.id`` and
``roomsvc.recording.kind``, and sends a notice on topic ``roomsvc.notice`` (JSON
``{"type": "recording.started" | "recording.stopped", ...}``) to the room when it starts, to each
participant who joins later, and when it stops. docs/recording.md, "Telling participants".
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import functools
import re
import time
from collections import deque
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

import msgspec
import numpy as np
import structlog
from livekit import rtc

from roomsvc.agent.client import ApiRejected, ApiUnavailable
from roomsvc.agent.recorder_api import RecorderApi, RecordingGone, RecordingView
from roomsvc.config import RecordingStorageSettings
from roomsvc.recordings import media
from roomsvc.recordings.schemas import (
    FileFinished,
    FileKind,
    FileOpened,
    FileProgress,
    RecorderJob,
    RecorderStarted,
)
from roomsvc.recordings.storage import RecordingStorage, StorageWriter, StoredObject, create_storage

log = structlog.get_logger("roomsvc.agent.recording")

NOTICE_TOPIC = "roomsvc.notice"
ATTRIBUTE = "roomsvc.recording"
TICK = 0.05  # seconds between two batches handed to an encoding thread
FLUSH_INTERVAL = 2.0
AUDIO_FRAME_MS = 20
MAX_VIDEO_BACKLOG = 300  # frames waiting for encoding beyond which a late video frame is dropped
CLOSE_TIMEOUT = 20.0  # seconds closing one file (its last part upload included) may take
Op = Callable[[], None]
Encoder = media.RoomAudioMixer | media.AudioTrackEncoder | media.VideoTrackEncoder
_SAFE = re.compile(r"[^A-Za-z0-9._=-]")
_json = msgspec.json.Encoder()


class StorageFailed(Exception):
    """Storage refused a write, an open or a close; the recording cannot go on."""


def file_key(prefix: str, track_sid: str, identity: str, extension: str) -> str:
    """``<prefix>/<track sid>-<identity>.<ext>``, the identity reduced to characters storage keys allow."""
    safe = _SAFE.sub("-", identity)[:96] or "track"
    return f"{prefix}/{track_sid}-{safe}.{extension}"


class FileOutput:
    """One file being written: encoder, its encoding thread, the hold-back line, the storage writer."""

    def __init__(
        self,
        *,
        key: str,
        kind: FileKind,
        encoder: Encoder,
        writer: StorageWriter,
        clock: Callable[[], float],
        hold: float,
        on_error: Callable[[FileOutput, BaseException], None],
        identity: str | None = None,
        track_sid: str | None = None,
    ) -> None:
        self.key = key
        self.kind = kind
        self.encoder = encoder
        self.writer = writer
        self.identity = identity
        self.track_sid = track_sid
        self._clock = clock
        self._hold = hold
        self._on_error = on_error
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="roomsvc-record")
        self._pending: deque[tuple[float, Op]] = deque()
        self._stop = asyncio.Event()
        self._last_flush = time.monotonic()
        self._task = asyncio.create_task(self._pump(), name=f"record-{key}")
        self.dropped = 0
        self.stored: StoredObject | None = None
        self.finishing = False

    @property
    def size(self) -> int:
        return self.writer.size

    def add(self, timestamp: float, op: Op, *, droppable: bool = False) -> None:
        if self.finishing:
            return
        if droppable and len(self._pending) > MAX_VIDEO_BACKLOG:
            self.dropped += 1
            return
        self._pending.append((timestamp, op))

    def _take(self, horizon: float) -> list[Op]:
        ops = []
        while self._pending and self._pending[0][0] < horizon:
            ops.append(self._pending.popleft()[1])
        return ops

    def _encode(self, ops: list[Op], horizon: float | None) -> bytes:
        for op in ops:
            op()
        if horizon is not None and isinstance(self.encoder, media.RoomAudioMixer):
            self.encoder.advance(max(0.0, horizon))
        return self.encoder.drain()

    async def _write(self, data: bytes) -> None:
        if data:
            await self.writer.write(data)
        if time.monotonic() - self._last_flush >= FLUSH_INTERVAL:
            self._last_flush = time.monotonic()
            await self.writer.flush()

    async def _pump(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while not self._stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), TICK)
                if self._stop.is_set():
                    return
                horizon = self._clock() - self._hold
                ops = self._take(horizon)
                data = await loop.run_in_executor(self._executor, self._encode, ops, horizon)
                await self._write(data)
        except Exception as exc:  # storage or codec: the recording cannot go on
            self._on_error(self, exc)

    def _finalize(self, ops: list[Op], until: float | None) -> bytes:
        for op in ops:
            op()
        if isinstance(self.encoder, media.VideoTrackEncoder):
            self.encoder.close()
        else:
            self.encoder.close(until=until)
        return self.encoder.drain()

    async def finish(self, cut: float, *, pad: bool = True) -> StoredObject:
        """Encode what was said before ``cut`` (dropping the rest), close the encoder and the writer."""
        self.finishing = True
        self._stop.set()
        await self._task
        ops = [op for timestamp, op in self._pending if timestamp < cut]
        self._pending.clear()
        loop = asyncio.get_running_loop()
        try:
            data = await loop.run_in_executor(self._executor, self._finalize, ops, cut if pad else None)
        finally:
            self._executor.shutdown(wait=False)
        if data:
            await self.writer.write(data)
        self.stored = await self.writer.close()
        return self.stored

    @property
    def duration_s(self) -> float:
        return round(self.encoder.duration_s, 3)

    async def abort(self) -> None:
        self.finishing = True
        self._stop.set()
        await self._task
        self._executor.shutdown(wait=False, cancel_futures=True)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.writer.abort(), CLOSE_TIMEOUT)


@dataclasses.dataclass
class StopRequest:
    reason: str
    cut: float | None  # seconds on the recording's clock; None: now


class RoomRecorder:
    def __init__(
        self,
        room: rtc.Room,
        api: RecorderApi,
        job: RecorderJob,
        *,
        storage_settings: RecordingStorageSettings,
        heartbeat: float,
        on_done: Callable[[str], None] | None = None,
    ) -> None:
        self.room = room
        self.api = api
        self.job = job
        self.storage_settings = storage_settings
        self.heartbeat = heartbeat
        self.hold = heartbeat + 0.5  # the heartbeat learns of a stop within about this
        self._on_done = on_done
        self.storage: RecordingStorage | None = None
        self.files: dict[str, FileOutput] = {}  # by key
        self.finished_files: list[FileOutput] = []
        self.mixer: FileOutput | None = None
        self.track_tasks: dict[str, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._t0 = time.monotonic()
        self._server_zero: dt.datetime | None = None
        self._stop: asyncio.Future[StopRequest] = asyncio.get_running_loop().create_future()
        self._failure: str | None = None
        self._taken: set[str] = set()
        self._closing: set[asyncio.Task[None]] = set()
        self._gone = False  # the API already finished the recording (or it was deleted): report nothing
        self._main: asyncio.Task[None] | None = None
        self.outcome = ""

    # --- lifecycle -------------------------------------------------------------------------------------

    def clock(self) -> float:
        return time.monotonic() - self._t0

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def start(self) -> None:
        """Report ``started``, open storage (and the mix), tell the room, subscribe; run until stopped."""
        self._main = asyncio.create_task(self._run(), name="recording")

    async def wait(self) -> None:
        if self._main is not None:
            await asyncio.shield(self._main)

    def request_stop(self, reason: str, cut: float | None = None) -> None:
        if not self._stop.done():
            log.info("recording.stop_requested", recording=self.job.recording_id, reason=reason, cut=cut)
            self._stop.set_result(StopRequest(reason, cut))

    def fail(self, reason: str) -> None:
        if self._failure is None:
            self._failure = reason[:512]
            log.error("recording.storage_failed", recording=self.job.recording_id, reason=self._failure)
        self.request_stop("failed")

    async def aclose(self, limit: float = 25.0) -> None:
        """The job is shutting down: stop now and finish the files (at most ``limit`` seconds)."""
        self.request_stop("shutdown")
        if self._main is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(self._main), limit)

    async def _run(self) -> None:
        try:
            await self._record()
        except Exception as exc:
            log.exception("recording.crashed", recording=self.job.recording_id)
            self._failure = self._failure or f"the recorder failed: {type(exc).__name__}: {exc}"[:512]
            await self._abort_all()
            await self._report_failed()
        finally:
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            if self.storage is not None:
                with contextlib.suppress(Exception):
                    await self.storage.aclose()
            log.info("recording.done", recording=self.job.recording_id, outcome=self.outcome)
            if self._on_done is not None:
                self._on_done(self.outcome or "done")

    async def _record(self) -> None:
        self._t0 = time.monotonic()
        identity = self.room.local_participant.identity
        try:
            view = await self.api.started(
                RecorderStarted(agent_identity=identity[:128], room_sid=(await self.room.sid)[:64])
            )
        except RecordingGone:
            self.outcome = "gone"
            return
        self._server_zero = view.started_at
        # A recorder dispatched again after one died resumes in new files: the old ones stay recoverable.
        self._taken = {file.key for file in view.files}
        if view.state != "recording":
            self._follow(view)
        backend = view.storage if view.storage in ("local", "s3") else self.storage_settings.backend
        chosen = dataclasses.replace(self.storage_settings, backend=backend)  # type: ignore[arg-type]
        self.storage = await asyncio.to_thread(create_storage, chosen)  # boto3 reads its data files
        # Heartbeats first: they are how a stop is learnt, and the hold-back line only covers a stop that
        # is learnt within ``hold``.
        self._spawn(self._heartbeat_forever(), "recording-heartbeat")
        if not self._stop.done() and self.job.kind == "room_audio":
            await self._open_mix()
        if not self._stop.done():
            # In the background: LiveKit may take seconds to confirm, and recording must not wait.
            self._spawn(self._announce(), "recording-announce")
            self.room.on("track_published", self._on_track_published)
            self.room.on("track_subscribed", self._on_track_subscribed)
            self.room.on("track_unsubscribed", self._on_track_gone)
            self.room.on("participant_connected", self._on_participant_connected)
            self.room.on("disconnected", self._on_disconnected)
            for participant in list(self.room.remote_participants.values()):
                for publication in list(participant.track_publications.values()):
                    self._on_track_published(publication, participant)
            log.info(
                "recording.started",
                recording=self.job.recording_id,
                kind=self.job.kind,
                storage=backend,
                hold=self.hold,
            )
        request = await self._stop
        await self._finish(request)

    def _follow(self, view: RecordingView) -> None:
        """Act on the API's view of the recording: a stop (cut at ``stopped_at``), or it is over."""
        if view.final:
            self._gone = True
            self.request_stop(f"recording is {view.state}")
        elif view.state == "stopping":
            self.request_stop(view.stop_reason or "requested", self._cut_for(view.stopped_at))

    def _cut_for(self, stopped_at: dt.datetime | None) -> float | None:
        if stopped_at is None or self._server_zero is None:
            return None
        cut = (stopped_at - self._server_zero).total_seconds()
        return min(max(cut, 0.0), self.clock())

    # --- files -------------------------------------------------------------------------------------------

    async def _open(
        self,
        key: str,
        kind: FileKind,
        content_type: str,
        encoder: Encoder,
        *,
        identity: str | None = None,
        track_sid: str | None = None,
    ) -> FileOutput | None:
        assert self.storage is not None
        key = self._unique(key)
        self._taken.add(key)
        await self.api.file_opened(
            FileOpened(key=key, kind=kind, content_type=content_type, identity=identity, track_sid=track_sid)
        )
        try:
            writer = await self.storage.open_writer(key, content_type)
        except Exception as exc:
            self.fail(f"storage failed opening {key}: {_describe(exc)}")
            return None
        output = FileOutput(
            key=key,
            kind=kind,
            encoder=encoder,
            writer=writer,
            clock=self.clock,
            hold=self.hold,
            on_error=self._on_file_error,
            identity=identity,
            track_sid=track_sid,
        )
        self.files[key] = output
        log.info("recording.file_opened", recording=self.job.recording_id, key=key)
        return output

    def _unique(self, key: str) -> str:
        stem, dot, extension = key.rpartition(".")
        candidate, n = key, 1
        while candidate in self._taken:
            n += 1
            candidate = f"{stem}-{n}{dot}{extension}"
        return candidate

    async def _open_mix(self) -> None:
        self.mixer = await self._open(
            f"{self.job.key_prefix}/room.ogg", "mix", "audio/ogg", media.RoomAudioMixer()
        )

    def _on_file_error(self, output: FileOutput, exc: BaseException) -> None:
        self.fail(f"storage failed writing {output.key}: {_describe(exc)}")

    async def _finish_file(self, output: FileOutput, cut: float, *, pad: bool = True) -> None:
        if self.files.get(output.key) is not output or output.finishing:
            return  # being finished already (its track ended as the recording stopped)
        try:
            stored = await asyncio.wait_for(output.finish(cut, pad=pad), CLOSE_TIMEOUT)
        except Exception as exc:
            self.fail(f"storage failed closing {output.key}: {_describe(exc)}")
            return
        finally:
            self.files.pop(output.key, None)
        self.finished_files.append(output)
        log.info(
            "recording.file_finished",
            recording=self.job.recording_id,
            key=output.key,
            size=stored.size,
            duration_s=output.duration_s,
        )
        if self._gone:
            return
        try:
            await self.api.file_finished(
                FileFinished(
                    key=stored.key,
                    size=stored.size,
                    sha256=stored.sha256,
                    duration_s=output.duration_s,
                    location=stored.location[:1024],
                )
            )
        except RecordingGone:
            self._gone = True
        except (ApiUnavailable, ApiRejected) as exc:
            log.warning("recording.report_failed", step="file-finished", key=output.key, error=str(exc))

    async def _abort_all(self) -> None:
        outputs = list(self.files.values())
        self.files.clear()
        await asyncio.gather(*(output.abort() for output in outputs), return_exceptions=True)

    async def _finish(self, request: StopRequest) -> None:
        cut = self.clock() if request.cut is None else request.cut
        for task in list(self._tasks):  # heartbeats, a start notice still on its way
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for task in list(self.track_tasks.values()):
            task.cancel()
        await asyncio.gather(*self.track_tasks.values(), return_exceptions=True)
        await asyncio.gather(*self._closing, return_exceptions=True)
        if self._failure is None:
            for output in list(self.files.values()):
                await self._finish_file(output, cut)
        if self._failure is not None:
            await self._abort_all()
        await self._announce_stopped()
        if self._failure is not None:
            await self._report_failed()
            return
        if self._gone:
            self.outcome = "gone"
            return
        try:
            view = await self.api.finished()
            self.outcome = view.state
        except RecordingGone:
            self.outcome = "gone"
        except (ApiUnavailable, ApiRejected) as exc:
            # The sweeper finalizes it from storage (the files are complete there).
            log.warning("recording.report_failed", step="finished", error=str(exc))
            self.outcome = "unreported"

    async def _report_failed(self) -> None:
        self.outcome = "failed"
        if self._gone:
            return
        with contextlib.suppress(RecordingGone, ApiUnavailable, ApiRejected):
            await self.api.failed(self._failure or "the recorder failed")

    # --- heartbeat ----------------------------------------------------------------------------------------

    async def _heartbeat_forever(self) -> None:
        while not self._stop.done():
            await asyncio.sleep(self.heartbeat)
            files = [FileProgress(key=o.key, size=o.size) for o in self.files.values()]
            try:
                view = await asyncio.wait_for(self.api.heartbeat(files), max(5.0, self.heartbeat * 3))
            except RecordingGone:
                self._gone = True
                self.request_stop("recording gone")
                return
            except (ApiUnavailable, ApiRejected, TimeoutError) as exc:
                log.warning("recording.heartbeat_failed", recording=self.job.recording_id, error=str(exc))
                continue
            self._follow(view)

    # --- tracks --------------------------------------------------------------------------------------------

    def _wanted(self, publication: rtc.RemoteTrackPublication, participant: rtc.RemoteParticipant) -> bool:
        if self.job.identities and participant.identity not in self.job.identities:
            return False
        if self.job.track_sids and publication.sid not in self.job.track_sids:
            return False
        if publication.kind == rtc.TrackKind.KIND_AUDIO:
            return True
        return publication.kind == rtc.TrackKind.KIND_VIDEO and self.job.kind == "tracks"

    def _on_track_published(
        self, publication: rtc.RemoteTrackPublication, participant: rtc.RemoteParticipant
    ) -> None:
        if not self._stop.done() and self._wanted(publication, participant):
            publication.set_subscribed(True)

    def _on_track_subscribed(
        self, track: rtc.Track, publication: rtc.RemoteTrackPublication, participant: rtc.RemoteParticipant
    ) -> None:
        if (
            self._stop.done()
            or not self._wanted(publication, participant)
            or publication.sid in self.track_tasks
        ):
            return
        if publication.kind == rtc.TrackKind.KIND_AUDIO:
            coro = self._audio_track(track, publication.sid, participant.identity)
        else:
            coro = self._video_track(track, publication.sid, participant.identity)
        task = asyncio.create_task(coro, name=f"record-{publication.sid}")
        self.track_tasks[publication.sid] = task
        log.info(
            "recording.track_started",
            recording=self.job.recording_id,
            track=publication.sid,
            identity=participant.identity,
        )

    def _on_track_gone(
        self, track: rtc.Track, publication: rtc.RemoteTrackPublication, participant: rtc.RemoteParticipant
    ) -> None:
        task = self.track_tasks.get(publication.sid)
        if task is not None:
            task.cancel()  # its stream closes; the track's file (or its place in the mix) ends now

    def _on_disconnected(self, reason: object) -> None:
        self.request_stop("room_closed")

    async def _audio_track(self, track: rtc.Track, track_sid: str, identity: str) -> None:
        stream = rtc.AudioStream(
            track, sample_rate=media.SAMPLE_RATE, num_channels=1, frame_size_ms=AUDIO_FRAME_MS
        )
        output: FileOutput | None = self.mixer
        try:
            async for event in stream:
                now = self.clock()
                pcm = np.frombuffer(event.frame.data, dtype=np.int16).copy()
                rate = event.frame.sample_rate
                if self.job.kind == "room_audio":
                    if self.mixer is None or self.mixer.finishing:
                        return
                    mixer = self.mixer.encoder
                    assert isinstance(mixer, media.RoomAudioMixer)
                    self.mixer.add(now, functools.partial(mixer.push, track_sid, pcm, rate, now))
                    continue
                if output is None:
                    encoder = media.AudioTrackEncoder(channels=1)
                    key = file_key(self.job.key_prefix, track_sid, identity, "ogg")
                    output = await self._open(
                        key, "audio", "audio/ogg", encoder, identity=identity, track_sid=track_sid
                    )
                    if output is None:
                        return
                if output.finishing:
                    return
                encoder_ = output.encoder
                assert isinstance(encoder_, media.AudioTrackEncoder)
                output.add(now, functools.partial(encoder_.push, pcm, rate, now))
        finally:
            await stream.aclose()
            await self._track_ended(output, track_sid)

    async def _video_track(self, track: rtc.Track, track_sid: str, identity: str) -> None:
        stream = rtc.VideoStream(track)
        output: FileOutput | None = None
        try:
            async for event in stream:
                now = self.clock()
                if output is None:
                    key = file_key(self.job.key_prefix, track_sid, identity, "webm")
                    output = await self._open(
                        key,
                        "video",
                        "video/webm",
                        media.VideoTrackEncoder(),
                        identity=identity,
                        track_sid=track_sid,
                    )
                    if output is None:
                        return
                if output.finishing:
                    return
                encoder = output.encoder
                assert isinstance(encoder, media.VideoTrackEncoder)
                output.add(now, functools.partial(_push_video, encoder, event.frame, now), droppable=True)
        finally:
            await stream.aclose()
            await self._track_ended(output, track_sid)

    async def _track_ended(self, output: FileOutput | None, track_sid: str) -> None:
        """A track left while recording: its place in the mix ends; its own file is finished now."""
        self.track_tasks.pop(track_sid, None)
        if self._stop.done() or output is None or output.finishing:
            return
        now = self.clock()
        if output is self.mixer:
            mixer = output.encoder
            assert isinstance(mixer, media.RoomAudioMixer)
            output.add(now, functools.partial(mixer.remove, track_sid))
            return
        # A task of its own: a stop arriving meanwhile must not cut the close of this file short, and
        # the stop waits for it before reporting `finished`.
        closing = asyncio.create_task(self._finish_file(output, now, pad=False), name=f"close-{track_sid}")
        self._closing.add(closing)
        closing.add_done_callback(self._closing.discard)
        await asyncio.shield(closing)

    # --- telling participants ----------------------------------------------------------------------------

    def _notice(self, kind: Literal["recording.started", "recording.stopped"]) -> bytes:
        body: dict[str, Any] = {
            "type": kind,
            "recording_id": self.job.recording_id,
            "kind": self.job.kind,
            "room": self.job.room,
        }
        if self._server_zero is not None:
            body["started_at"] = self._server_zero.isoformat().replace("+00:00", "Z")
        return _json.encode(body)

    async def _announce(self) -> None:
        local = self.room.local_participant
        try:
            await local.publish_data(self._notice("recording.started"), reliable=True, topic=NOTICE_TOPIC)
            await local.set_attributes(
                {
                    ATTRIBUTE: "active",
                    f"{ATTRIBUTE}.id": self.job.recording_id,
                    f"{ATTRIBUTE}.kind": self.job.kind,
                }
            )
        except Exception as exc:  # telling the room must not stop the recording
            log.warning("recording.notice_failed", recording=self.job.recording_id, error=repr(exc))

    def _on_participant_connected(self, participant: rtc.RemoteParticipant) -> None:
        if not self._stop.done():
            self._spawn(self._tell(participant.identity), f"recording-notice-{participant.identity}")

    async def _tell(self, identity: str) -> None:
        with contextlib.suppress(Exception):
            await self.room.local_participant.publish_data(
                self._notice("recording.started"),
                reliable=True,
                topic=NOTICE_TOPIC,
                destination_identities=[identity],
            )

    async def _announce_stopped(self) -> None:
        if not self.room.isconnected():
            return
        local = self.room.local_participant
        # Each on its own: an attribute update that times out must not cost the participants the notice.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(
                local.publish_data(self._notice("recording.stopped"), reliable=True, topic=NOTICE_TOPIC), 3.0
            )
        with contextlib.suppress(Exception):
            await asyncio.wait_for(local.set_attributes({ATTRIBUTE: "stopped"}), 3.0)


def _push_video(encoder: media.VideoTrackEncoder, frame: rtc.VideoFrame, timestamp: float) -> None:
    """An rtc frame → I420 numpy (RGBA for odd sizes, which I420 cannot hold evenly) → the encoder."""
    width, height = frame.width, frame.height
    if width % 2 == 0 and height % 2 == 0:
        if frame.type != rtc.VideoBufferType.I420:
            frame = frame.convert(rtc.VideoBufferType.I420)
        planes = np.frombuffer(frame.data, dtype=np.uint8)[: width * height * 3 // 2]
        encoder.push(planes.reshape(height * 3 // 2, width), timestamp, format="yuv420p")
    else:
        rgba = frame.convert(rtc.VideoBufferType.RGBA)
        image = np.frombuffer(rgba.data, dtype=np.uint8)[: width * height * 4]
        encoder.push(image.reshape(height, width, 4), timestamp, format="rgba")


def _describe(exc: BaseException) -> str:
    detail = getattr(exc, "detail", None)
    return str(detail or exc or type(exc).__name__)[:400]
