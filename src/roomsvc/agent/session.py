"""RoomDetector: one room's detection inside a job — subscribe, run the pipelines, upload, report.

Event loop work is kept to reading frames and cutting them into hops; VAD, the detectors and face
finding run in the job runtime's thread pool. Between the two sits one bounded drop-oldest queue per
track, so a slow CPU loses old audio (counted in ``dropped``) instead of growing memory or lagging
further behind. Uploads go through another bounded queue and are retried while the API is away; the
API deduplicates windows, so a retry after a lost response stores nothing twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import numpy as np
import numpy.typing as npt
import structlog
from livekit import rtc

from roomsvc.agent.client import ApiRejected, ApiUnavailable, DetectionStopped, WorkerApi
from roomsvc.agent.detectors.base import AudioDetector, DetectorError, VideoDetector
from roomsvc.agent.pipeline import (
    AudioAnalyzer,
    DropOldestQueue,
    Frame,
    FrameSampler,
    Hop,
    HopChunker,
    Hysteresis,
    Scored,
    VideoAnalyzer,
    hop_samples,
)
from roomsvc.agent.runtime import JobRuntime, worker_alerting
from roomsvc.detection.schemas import (
    Kind,
    ModelRef,
    ModelStatus,
    State,
    TrackStatus,
    WindowBatch,
    WindowIn,
    WorkerConfig,
    WorkerModel,
    WorkerModels,
    WorkerReport,
)

log = structlog.get_logger("roomsvc.agent.session")
UPLOAD_QUEUE = 2000
UPLOAD_BATCH = 200
AUDIO_FRAME_MS = 50
Item = TypeVar("Item", Hop, Frame)
# Every source a participant may publish speech or a face on is scored: screen-share audio is speech a
# client can play (a forged voice played as "screen audio" must not escape), so it is scored like the
# microphone. Screen-share video is not a face camera; the video models are trained on camera frames.
SCORED_SOURCES: dict[int, Kind] = {
    rtc.TrackSource.SOURCE_MICROPHONE: "audio",
    rtc.TrackSource.SOURCE_SCREENSHARE_AUDIO: "audio",
    rtc.TrackSource.SOURCE_CAMERA: "video",
}
SOURCE_NAMES = {
    rtc.TrackSource.SOURCE_MICROPHONE: "microphone",
    rtc.TrackSource.SOURCE_SCREENSHARE_AUDIO: "screen_share_audio",
    rtc.TrackSource.SOURCE_CAMERA: "camera",
}


@dataclass
class TrackRun:
    track_sid: str
    identity: str
    participant_sid: str
    kind: Kind
    source: str
    state: State = "clear"
    windows: int = 0
    skipped: int = 0
    dropped: int = 0
    errors: int = 0
    task: asyncio.Task[None] | None = None

    def status(self) -> TrackStatus:
        return TrackStatus(
            track_sid=self.track_sid,
            identity=self.identity,
            participant_sid=self.participant_sid,
            kind=self.kind,
            source=self.source,
            state=self.state,
            windows=self.windows,
            skipped=self.skipped,
            dropped=self.dropped,
        )


def _ref(model: WorkerModel | None, loaded: object) -> ModelRef | None:
    if model is None or loaded is None:
        return None
    return ModelRef(id=model.id, name=model.name, version=model.version)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class RoomDetector:
    def __init__(
        self,
        room: rtc.Room,
        api: WorkerApi,
        runtime: JobRuntime,
        config: WorkerConfig,
        *,
        job_id: str,
        agent_identity: str,
        room_sid: str,
        on_stopped: Callable[[str], None] | None = None,
    ) -> None:
        self.room = room
        self.api = api
        self.runtime = runtime
        self.settings = runtime.settings.detection
        self.config = config
        self.job_id = job_id
        self.agent_identity = agent_identity
        self.room_sid = room_sid
        self._on_stopped = on_stopped
        self.audio: AudioDetector | None
        self.video: VideoDetector | None
        self.audio, audio_status = runtime.audio_detector(config.audio_model)
        self.video, video_status = runtime.video_detector(config.video_model)
        self.model_status = ModelStatus(audio=audio_status, video=video_status)
        self.tracks: dict[str, TrackRun] = {}
        self.uploads: DropOldestQueue[WindowIn] = DropOldestQueue(UPLOAD_QUEUE)
        self.rejected = 0
        self._inflight: list[WindowIn] = []
        self._retired_dropped = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    # --- lifecycle -------------------------------------------------------------------------------------

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def start(self) -> None:
        self.room.on("track_published", self._on_track_published)
        self.room.on("track_subscribed", self._on_track_subscribed)
        self.room.on("track_unsubscribed", self._on_track_gone)
        for participant in list(self.room.remote_participants.values()):
            for publication in list(participant.track_publications.values()):
                self._on_track_published(publication, participant)
        self._spawn(self._upload_forever(), "detection-upload")
        self._spawn(self._report_forever(), "detection-report")
        log.info(
            "detection.session_started",
            room=self.config.room,
            audio=self.model_status.audio,
            video=self.model_status.video,
        )

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        for run in self.tracks.values():
            if run.task is not None:
                run.task.cancel()
        tracks = [r.task for r in self.tracks.values() if r.task is not None]
        await asyncio.gather(*tracks, return_exceptions=True)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        # The last windows (and a batch whose request was cut off: the API ignores repeats), if the API
        # is there to take them.
        remaining = [*self._inflight, *self.uploads.drain(UPLOAD_QUEUE)]
        for start in range(0, len(remaining), UPLOAD_BATCH):
            batch = WindowBatch(
                job_id=self.job_id, room_sid=self.room_sid, windows=remaining[start : start + UPLOAD_BATCH]
            )
            with contextlib.suppress(ApiUnavailable, ApiRejected, DetectionStopped, TimeoutError):
                await asyncio.wait_for(self.api.post_windows(self.config.room, batch), 3.0)
        with contextlib.suppress(ApiUnavailable, ApiRejected, DetectionStopped):
            await self.api.report(self.config.room, self._report("ended"))
        log.info("detection.session_closed", room=self.config.room, tracks=len(self.tracks))

    def _stop(self, why: str) -> None:
        log.info("detection.told_to_stop", room=self.config.room, why=why)
        if self._on_stopped is not None:
            self._on_stopped(why)

    # --- tracks ------------------------------------------------------------------------------------------

    def _wanted(
        self, publication: rtc.RemoteTrackPublication, participant: rtc.RemoteParticipant
    ) -> Kind | None:
        if participant.kind == rtc.ParticipantKind.PARTICIPANT_KIND_AGENT:
            return None
        kind = SCORED_SOURCES.get(publication.source)
        if kind == "audio" and self.audio is not None:
            return "audio"
        if kind == "video" and self.video is not None:
            return "video"
        return None  # no model for it: not even subscribed (no media, no score)

    def _on_track_published(
        self, publication: rtc.RemoteTrackPublication, participant: rtc.RemoteParticipant
    ) -> None:
        if self._wanted(publication, participant):
            publication.set_subscribed(True)

    def _on_track_subscribed(
        self, track: rtc.Track, publication: rtc.RemoteTrackPublication, participant: rtc.RemoteParticipant
    ) -> None:
        kind = self._wanted(publication, participant)
        if kind is None or self._closed or publication.sid in self.tracks:
            return
        run = TrackRun(
            track_sid=publication.sid,
            identity=participant.identity,
            participant_sid=participant.sid,
            kind=kind,
            source=SOURCE_NAMES.get(publication.source, ""),
        )
        self.tracks[publication.sid] = run
        coro = self._audio_track(track, run) if kind == "audio" else self._video_track(track, run)
        run.task = asyncio.create_task(coro, name=f"detect-{publication.sid}")
        run.task.add_done_callback(self._track_done)
        log.info("detection.track_started", room=self.config.room, track=run.track_sid, identity=run.identity)

    def _track_done(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("detection.track_failed", task=task.get_name(), error=repr(task.exception()))

    def _on_track_gone(
        self, track: rtc.Track, publication: rtc.RemoteTrackPublication, participant: rtc.RemoteParticipant
    ) -> None:
        run = self.tracks.pop(publication.sid, None)
        if run is not None:
            self._retired_dropped += run.dropped
            if run.task is not None:
                run.task.cancel()

    def _hysteresis(self, model: WorkerModel) -> Hysteresis:
        """The model's track-level alerting (its card's ``alerting``; the settings fill the rest)."""
        return Hysteresis.for_model(
            model.suspicious_threshold,
            model.alert_threshold,
            worker_alerting(model),
            margin=self.settings.hysteresis,
            smoothing=self.settings.smoothing,
        )

    async def _audio_track(self, track: rtc.Track, run: TrackRun) -> None:
        assert self.audio is not None and self.config.audio_model is not None
        analyzer = AudioAnalyzer(
            self.audio,
            self.runtime.new_vad(),
            self._hysteresis(self.config.audio_model),
            min_speech=self.settings.min_speech,
        )
        queue: DropOldestQueue[Hop] = DropOldestQueue(self.settings.queue_size)
        consumer = asyncio.create_task(self._consume(queue, analyzer.process, run, analyzer))
        chunker = HopChunker(hop_samples(self.settings.hop_seconds))
        stream = rtc.AudioStream(
            track, sample_rate=16_000, num_channels=1, frame_size_ms=AUDIO_FRAME_MS, capacity=100
        )
        try:
            async for event in stream:
                pcm = np.frombuffer(event.frame.data, dtype=np.int16)
                for hop in chunker.push(pcm, _now()):
                    queue.put(hop)
                run.dropped = queue.dropped
        finally:
            consumer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await consumer
            await stream.aclose()

    async def _video_track(self, track: rtc.Track, run: TrackRun) -> None:
        assert self.video is not None and self.config.video_model is not None
        period = 1.0 / self.settings.video_fps
        analyzer = VideoAnalyzer(
            self.video, _ThreadFaces(self.runtime), self._hysteresis(self.config.video_model), period=period
        )
        queue: DropOldestQueue[Frame] = DropOldestQueue(self.settings.queue_size)
        consumer = asyncio.create_task(self._consume(queue, analyzer.process, run, analyzer))
        sampler = FrameSampler(self.settings.video_fps, time.monotonic)
        stream = rtc.VideoStream(track, capacity=1)
        try:
            async for event in stream:
                if not sampler.take(run.state):
                    continue
                frame = event.frame.convert(rtc.VideoBufferType.RGB24)
                rgb = np.frombuffer(frame.data, dtype=np.uint8).reshape(frame.height, frame.width, 3).copy()
                queue.put(Frame(rgb, _now()))
                run.dropped = queue.dropped
        finally:
            consumer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await consumer
            await stream.aclose()

    async def _consume(
        self,
        queue: DropOldestQueue[Item],
        process: Callable[[Item], Scored | None],
        run: TrackRun,
        analyzer: AudioAnalyzer | VideoAnalyzer,
    ) -> None:
        loop = asyncio.get_running_loop()
        model = self.config.audio_model if run.kind == "audio" else self.config.video_model
        assert model is not None
        while True:
            item = await queue.get()
            try:
                scored = await loop.run_in_executor(self.runtime.executor, process, item)
            except DetectorError as exc:  # the model broke its contract: no score for this window
                run.errors += 1
                log.error("detection.detector_error", track=run.track_sid, error=str(exc))
                continue
            except Exception:  # anything else loses this window only, never the track
                run.errors += 1
                log.exception("detection.inference_failed", track=run.track_sid)
                continue
            run.windows, run.skipped = analyzer.windows, analyzer.skipped
            if scored is None:
                continue
            run.state = scored.state
            self.uploads.put(
                WindowIn(
                    identity=run.identity,
                    participant_sid=run.participant_sid,
                    track_sid=run.track_sid,
                    kind=run.kind,
                    window_start=scored.start,
                    window_end=scored.end,
                    score=scored.score,
                    smoothed_score=scored.smoothed,
                    state=scored.state,
                    model_id=model.id,
                )
            )

    # --- API ---------------------------------------------------------------------------------------------

    async def _upload_forever(self) -> None:
        while True:
            first = await self.uploads.get()
            batch = self._inflight = [first, *self.uploads.drain(UPLOAD_BATCH - 1)]
            delay = 0.5
            while True:
                try:
                    await self.api.post_windows(
                        self.config.room,
                        WindowBatch(job_id=self.job_id, room_sid=self.room_sid, windows=batch),
                    )
                    self._inflight = []
                    break
                except ApiUnavailable as exc:
                    log.warning("detection.upload_retry", room=self.config.room, error=str(exc), delay=delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 10.0)
                except ApiRejected as exc:
                    self.rejected += len(batch)
                    self._inflight = []
                    log.error("detection.upload_rejected", room=self.config.room, error=str(exc))
                    break
                except DetectionStopped as exc:
                    self._stop(str(exc))
                    return

    def _report(self, state: Literal["running", "ended"] = "running") -> WorkerReport:
        return WorkerReport(
            job_id=self.job_id,
            agent_identity=self.agent_identity,
            room_sid=self.room_sid,
            state=state,
            tracks=[run.status() for run in list(self.tracks.values())][:256],
            models=WorkerModels(
                audio=_ref(self.config.audio_model, self.audio),
                video=_ref(self.config.video_model, self.video),
            ),
            model_status=self.model_status,
            dropped=self._retired_dropped
            + sum(run.dropped for run in self.tracks.values())
            + self.uploads.dropped,
        )

    async def _report_forever(self) -> None:
        while True:
            try:
                await self.api.report(self.config.room, self._report())
            except DetectionStopped as exc:
                self._stop(str(exc))
                return
            except (ApiUnavailable, ApiRejected) as exc:
                log.warning("detection.report_failed", room=self.config.room, error=str(exc))
            await asyncio.sleep(self.settings.heartbeat)


class _ThreadFaces:
    """Hands each inference thread its own FaceFinder (called from those threads)."""

    def __init__(self, runtime: JobRuntime) -> None:
        self._runtime = runtime

    def faces(self, rgb: npt.NDArray[np.uint8]) -> list[tuple[int, int, int, int]]:
        return self._runtime.face_finder().faces(rgb)

    def crop(self, rgb: npt.NDArray[np.uint8], box: tuple[int, int, int, int]) -> npt.NDArray[np.uint8]:
        return self._runtime.face_finder().crop(rgb, box)
