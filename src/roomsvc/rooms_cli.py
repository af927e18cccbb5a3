"""``roomsvc rooms list|create|end``: the public API over HTTP, as any caller uses it.

By default it calls ``ROOMSVC_PUBLIC_URL`` with a short-lived caller token signed with the dev caller
credential (what ``roomsvc caller-token`` prints); ``--url`` and ``--token`` point it at any deployment
with any credential. Going through HTTP (not the services) means the command exercises exactly what
callers get: authentication, scopes, rate limits, validation and problem+json errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import httpx

from roomsvc.config import Settings

TOKEN_TTL = 300


def _token(args: argparse.Namespace, settings: Settings) -> str:
    if args.token:
        return str(args.token)
    from roomsvc.auth import mint_caller_token

    auth = settings.caller_auth
    return mint_caller_token(
        credential_id=auth.dev_credential_id,
        secret=auth.dev_credential_secret,
        audience=auth.audience,
        scopes=["rooms:read", "rooms:write"],
        ttl=TOKEN_TTL,
    )


def _fail(response: httpx.Response) -> int:
    try:
        body = response.json()
        detail = body.get("detail") or body.get("title") or response.text
        code = body.get("code", "")
    except ValueError:
        detail, code = response.text[:300], ""
    print(f"error: HTTP {response.status_code} {code}: {detail}", file=sys.stderr)
    return 1


def _print_room(room: dict[str, Any]) -> None:
    print(
        "\t".join(
            str(room.get(key) if room.get(key) is not None else "-")
            for key in ("name", "status", "call_type", "creator", "created_at")
        )
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    base = (args.url or settings.public_url).rstrip("/")
    headers = {"Authorization": f"Bearer {_token(args, settings)}"}
    if args.project:  # a platform token acts in the project it names; a project token only in its own
        headers["Roomsvc-Project"] = args.project
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=args.timeout) as client:
            return _dispatch(args, client)
    except httpx.HTTPError as exc:
        print(
            f"error: cannot reach the API at {base} ({type(exc).__name__}); is it running "
            "(`roomsvc serve`)? Otherwise pass --url or set ROOMSVC_PUBLIC_URL.",
            file=sys.stderr,
        )
        return 1


def _dispatch(args: argparse.Namespace, client: httpx.Client) -> int:
    if args.rooms_command == "list":
        params: dict[str, Any] = {"limit": args.limit}
        if args.status:
            params["status"] = args.status
        response = client.get("/v1/rooms", params=params)
        if not response.is_success:
            return _fail(response)
        page = response.json()
        if args.json:
            print(json.dumps(page, indent=2))
        else:
            for room in page["items"]:
                _print_room(room)
            if page.get("next_cursor"):
                print(f"(more: raise --limit; next cursor {page['next_cursor']})", file=sys.stderr)
        return 0
    if args.rooms_command == "create":
        body: dict[str, Any] = {"name": args.name, "creator": args.creator, "call_type": args.call_type}
        response = client.post("/v1/rooms", json=body)
        if not response.is_success:
            return _fail(response)
        room = response.json()
        if args.json:
            print(json.dumps(room, indent=2))
        else:
            verb = "created" if response.status_code == 201 else "already exists (same options)"
            print(f"room {room['name']} {verb}: status {room['status']}")
        return 0
    if args.rooms_command == "end":
        response = client.post(f"/v1/rooms/{args.name}/end", json={"reason": args.reason})
        if not response.is_success:
            return _fail(response)
        room = response.json()
        print(json.dumps(room, indent=2) if args.json else f"room {room['name']} {room['status']}")
        return 0
    return 2


def add_parser(sub: Any) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--url", help="API base URL (default: ROOMSVC_PUBLIC_URL)")
    common.add_argument("--token", help="caller JWT (default: one signed with the dev caller credential)")
    common.add_argument("--timeout", type=float, default=15.0, help="seconds per request")
    common.add_argument("--json", action="store_true", help="print the API's JSON")
    common.add_argument(
        "--project", help="the project to act in (platform tokens; a project's token acts in its own)"
    )
    rooms: argparse.ArgumentParser = sub.add_parser("rooms", help="list, create or end rooms through the API")
    commands = rooms.add_subparsers(dest="rooms_command", required=True)
    listing = commands.add_parser("list", parents=[common], help="rooms, newest first")
    listing.add_argument("--status", choices=("created", "active", "ended"))
    listing.add_argument("--limit", type=int, default=50, help="1-100")
    create = commands.add_parser(
        "create", parents=[common], help="create a room (idempotent by name and options)"
    )
    create.add_argument("name")
    create.add_argument("--creator", default="cli", help="identity recorded as the creator")
    create.add_argument("--call-type", choices=("audio", "video"), default="video")
    end = commands.add_parser("end", parents=[common], help="end a room: every client is disconnected")
    end.add_argument("name")
    end.add_argument("--reason", default="ended with roomsvc rooms end")
    return rooms
