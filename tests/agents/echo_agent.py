"""A tiny real agent for the tests: a livekit-agents server registered with LiveKit as
``roomsvc-test-echo`` (explicit dispatch only), run as ``python -m tests.agents.echo_agent``.

Each job joins its room and publishes, every half second until it leaves, a reliable data message on
topic ``roomsvc.test.echo``: ``{"job_id", "identity", "metadata"}`` where ``metadata`` is the job's
metadata as LiveKit handed it over (roomsvc's envelope, agents/schemas.py DispatchEnvelope). The tests
register the name through ``POST /v1/agents``, dispatch it through ``POST /v1/rooms/{room}/agents``, and
read the message with a real rtc client (tests/e2e/test_agents.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import TYPE_CHECKING

from roomsvc.agent.serving import serve
from roomsvc.config import get_settings

if TYPE_CHECKING:
    from livekit.agents import AgentServer, JobContext, JobRequest

AGENT_NAME = "roomsvc-test-echo"
TOPIC = "roomsvc.test.echo"


async def request(job_request: JobRequest) -> None:
    await job_request.accept(name="echo", identity=f"{AGENT_NAME}-{job_request.id}"[:128])


async def entrypoint(ctx: JobContext) -> None:
    from livekit.agents import AutoSubscribe

    await ctx.connect(auto_subscribe=AutoSubscribe.SUBSCRIBE_NONE)
    payload = json.dumps(
        {"job_id": ctx.job.id, "identity": ctx.room.local_participant.identity, "metadata": ctx.job.metadata}
    ).encode()

    async def announce() -> None:
        while ctx.room.isconnected():
            with contextlib.suppress(Exception):  # a closing room refuses a message: the next try stops
                await ctx.room.local_participant.publish_data(payload, reliable=True, topic=TOPIC)
            await asyncio.sleep(0.5)

    task = asyncio.create_task(announce())

    async def stop() -> None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    ctx.add_shutdown_callback(stop)


def build_server() -> AgentServer:
    from livekit.agents import AgentServer, JobExecutorType

    settings = get_settings()
    server = AgentServer(
        ws_url=settings.livekit.url.replace("https://", "wss://").replace("http://", "ws://"),
        api_key=settings.livekit.api_key,
        api_secret=settings.livekit.api_secret,
        job_executor_type=JobExecutorType.THREAD,  # no job processes: a tiny agent starts fast
        load_fnc=lambda: 0.0,
        load_threshold=1.0,
        num_idle_processes=0,
        port=0,
        host=settings.host,
        shutdown_process_timeout=5.0,
        drain_timeout=5,
        log_level="INFO",
    )
    server.rtc_session(entrypoint, agent_name=AGENT_NAME, on_request=request)
    return server


async def main() -> None:
    from roomsvc.logging import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    await serve(build_server(), name="echo-agent", drain=False, agent=AGENT_NAME)


if __name__ == "__main__":
    asyncio.run(main())
