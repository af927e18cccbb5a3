"""The agent process (``roomsvc worker``): a livekit-agents worker that runs the detector in rooms.

- ``worker.py``: the AgentServer, its prewarm hook and the job entrypoint.
- ``session.py``: :class:`RoomDetector`, one room's detection inside a job (``start()``/``aclose()``).
- ``pipeline.py``: frames → hops/windows → scores → states; ``detectors/``: the ONNX and face models.
- ``runtime.py``: what one job process holds (thread pool, VAD, verified models).
- ``client.py``: the HTTP client to the API, the only way results leave the agent.
- ``offline.py``: the same audio pipeline over a recording (benchmarks, tests).

The agent never touches MySQL: it imports neither SQLAlchemy nor the API's services. From the API side
it uses only two leaves, ``roomsvc.detection.schemas`` (the bodies it exchanges with the API) and
``roomsvc.detection.registry`` (the shipped model cards and the sha256-checked read).
``tests/unit/agent/test_imports.py`` holds it to that.
"""
