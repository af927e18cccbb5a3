"""The browser assets the API serves, built from web/ with npm (no CDN at run time).

``web/dist`` holds what ``npm run build`` (scripts/stack.sh runs it) produced from the pinned npm
packages: ``demo/`` (the dev demo page, livekit-client bundled in), ``console/`` (the operator console,
Preact and uPlot bundled in) and ``swagger/`` (swagger-ui-dist's files, for the /schema page). This
module finds that directory, mounts it, serves the console's page, and points the OpenAPI UI at it.
Without a build (e.g. an image that did not copy it) /schema falls back to Litestar's default CDN URLs
and says so in the log; the demo and console pages answer 503 naming the command that builds them.

The console is served in every environment: it is static, holds no secret, and every request it makes
carries the operator's own caller token (see docs/console.md).
"""

from __future__ import annotations

from pathlib import Path

import structlog
from litestar import Response, get
from litestar.openapi.plugins import OpenAPIRenderPlugin, SwaggerRenderPlugin
from litestar.router import Router
from litestar.static_files import create_static_files_router

from roomsvc.errors import AppError

log = structlog.get_logger("roomsvc.web")

SWAGGER_PATH = "/static/swagger"
DEMO_ASSETS_PATH = "/demo/assets"
CONSOLE_PATH = "/console"
CONSOLE_ASSETS_PATH = "/console/assets"
SWAGGER_FILES = ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css")


def web_dist() -> Path | None:
    """``web/dist`` of the source tree (editable install) or of the working directory; None if unbuilt."""
    candidates = [Path(__file__).resolve().parents[2] / "web" / "dist", Path.cwd() / "web" / "dist"]
    return next((c for c in candidates if c.is_dir()), None)


def swagger_dir() -> Path | None:
    dist = web_dist()
    if dist is None or not all((dist / "swagger" / name).is_file() for name in SWAGGER_FILES):
        return None
    return dist / "swagger"


def demo_dir() -> Path | None:
    dist = web_dist()
    return dist / "demo" if dist is not None and (dist / "demo" / "index.html").is_file() else None


def console_dir() -> Path | None:
    dist = web_dist()
    return dist / "console" if dist is not None and (dist / "console" / "index.html").is_file() else None


class WebNotBuilt(AppError, status=503, code="web-not-built", title="Browser assets not built"):
    """web/dist lacks the page asked for."""


@get(CONSOLE_PATH, media_type="text/html", include_in_schema=False, name="console")
async def console_page() -> Response[bytes]:
    """The console's single page; its views live in the URL fragment (#/rooms, #/events, …)."""
    directory = console_dir()
    if directory is None:
        raise WebNotBuilt(
            "web/dist/console is missing; build it with `(cd web && npm ci && npm run build)` "
            "(`make run` does this)."
        )
    # The page holds no data; a cached copy must not outlive an upgrade of the assets it loads.
    return Response(
        (directory / "index.html").read_bytes(),
        media_type="text/html",
        headers={"Cache-Control": "no-cache", "X-Frame-Options": "DENY"},
    )


def openapi_render_plugins() -> list[OpenAPIRenderPlugin]:
    """Swagger UI at /schema (and /schema/swagger), loading its JS and CSS from our own static route."""
    if swagger_dir() is None:
        log.warning(
            "web.swagger_assets_missing",
            detail="web/dist/swagger is not built; /schema loads Swagger UI from a CDN. "
            "Build it: (cd web && npm ci && npm run build)",
        )
        return [SwaggerRenderPlugin(path=["/", "/swagger"])]
    return [
        SwaggerRenderPlugin(
            path=["/", "/swagger"],
            js_url=f"{SWAGGER_PATH}/swagger-ui-bundle.js",
            css_url=f"{SWAGGER_PATH}/swagger-ui.css",
            standalone_preset_js_url=f"{SWAGGER_PATH}/swagger-ui-standalone-preset.js",
            favicon=f"<link rel='icon' type='image/png' href='{SWAGGER_PATH}/favicon-32x32.png'>",
        )
    ]


def static_routers(*, demo: bool) -> list[Router]:
    """Static routes for the built assets that exist: Swagger UI's and the console's always, the demo's
    only if enabled."""
    routers = []
    swagger = swagger_dir()
    if swagger is not None:
        routers.append(
            create_static_files_router(
                SWAGGER_PATH, directories=[swagger], include_in_schema=False, name="swagger-assets"
            )
        )
    console_assets = console_dir()
    if console_assets is not None:
        routers.append(
            create_static_files_router(
                CONSOLE_ASSETS_PATH,
                directories=[console_assets],
                include_in_schema=False,
                name="console-assets",
            )
        )
    demo_assets = demo_dir()
    if demo and demo_assets is not None:
        routers.append(
            create_static_files_router(
                DEMO_ASSETS_PATH, directories=[demo_assets], include_in_schema=False, name="demo-assets"
            )
        )
    return routers
