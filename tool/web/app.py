"""The application: routes, error handling, security headers, static files and API docs."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tool.errors import ConflictError, NotFoundError, PermissionDenied, ToolError
from tool.services.auth import SignInFailed, TooManyAttempts
from tool.web.context import HERE, Desk, WebSettings, make_templates
from tool.web.security import AuthRequired, CsrfRefused, optional_page_user, sign_in_redirect

log = logging.getLogger("tool.web")

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


class DeskJSON(JSONResponse):
    """JSON as the CLI's --json prints it (UTF-8 kept, anything odd as text)."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, default=str).encode("utf-8")


def error_status(error: Exception) -> int:
    """The HTTP status of a library error: the ToolError family mapped one to one."""
    if isinstance(error, TooManyAttempts):
        return 429
    if isinstance(error, (SignInFailed, AuthRequired)):
        return 401
    if isinstance(error, (PermissionDenied, CsrfRefused)):
        return 403
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, ConflictError):
        return 409
    return 400


def wants_json(request: Request) -> bool:
    """API calls, and the pages' own scripts (which ask for JSON), get JSON errors."""
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


STATIC_PREFIXES = ("/static/", "/api/docs-assets/")
MAX_BODY = 32 * 2**20  # a request body larger than this is refused before it is read


class SecurityHeaders:
    """Adds the headers every response needs (CSP for pages unless a route set its own),
    and refuses a body announced larger than MAX_BODY before anyone reads it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or ()).get(b"content-length", b"0")
        if not length.isdigit() or int(length) > MAX_BODY:
            too_big = DeskJSON(
                {"error": f"the request is larger than {MAX_BODY // 2**20} MiB"}, status_code=413
            )
            await too_big(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > MAX_BODY:  # sent without a length, and too long: hang up
                return {"type": "http.disconnect"}
            return message

        static = scope["path"].startswith(STATIC_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                names = {name.lower() for name, _ in headers}
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                    (b"cache-control", b"max-age=3600" if static else b"no-store"),
                ]
                if b"content-security-policy" not in names:
                    extra.append((b"content-security-policy", PAGE_CSP.encode()))
                headers.extend(pair for pair in extra if pair[0] not in names)
            await send(message)

        await self.app(scope, counted, send_with_headers)


def create_app(settings: WebSettings | str | Path) -> FastAPI:
    """The served desk for one database."""
    if not isinstance(settings, WebSettings):
        settings = WebSettings(db_path=Path(settings))
    app = FastAPI(
        title="Translation desk",
        summary="The desk's JSON API: the same library functions the CLI calls.",
        description=API_DESCRIPTION,
        version=_version(),
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        default_response_class=DeskJSON,
        openapi_tags=[
            {"name": "articles", "description": "Articles, their units, progress, exports."},
            {"name": "translators", "description": "Check-outs, drafts, submissions."},
            {"name": "editors", "description": "The review queue, approvals, rejections."},
            {"name": "memory, glossary and QA", "description": "What helps translating."},
            {"name": "tokens", "description": "Tokens for a name and password; who you are."},
        ],
    )
    app.state.desk = Desk(settings)
    app.state.templates = make_templates()
    _handlers(app)
    _docs(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        """Liveness: 200 without authentication."""
        return {"status": "ok"}

    from tool.web import accounts, api, pages, review, work

    app.include_router(api.router)
    app.include_router(accounts.router)
    app.include_router(pages.router)
    app.include_router(work.router)
    app.include_router(review.router)
    app.add_middleware(SecurityHeaders)
    return app


def route_table(app: FastAPI) -> tuple[list[tuple[str, str]], list[str]]:
    """Every (method, path) the app answers, and the paths of its mounts (static files).

    Walks routers included into the app too (newer FastAPI keeps them nested).
    """
    found: list[tuple[str, str]] = []
    mounts: list[str] = []

    def walk(routes: list[Any], prefix: str) -> None:
        for route in routes:
            nested = getattr(route, "original_router", None)
            if nested is not None:
                context = getattr(route, "include_context", None)
                walk(nested.routes, prefix + (getattr(context, "prefix", "") or ""))
            elif isinstance(route, Mount):
                mounts.append(prefix + route.path)
            else:
                for method in sorted(getattr(route, "methods", None) or ()):
                    if method != "HEAD":
                        found.append((method, prefix + route.path))

    walk(list(app.routes), "")
    return found, mounts


API_DESCRIPTION = """\
Every call needs `Authorization: Bearer TOKEN` (a token from `python manage.py user token NAME`,
or `POST /api/tokens` with a name and password). The caller acts as the token's user: the same
library functions the CLI calls decide what they may do. Responses are the JSON the CLI's
`--json` prints. Errors are `{"error": "one line"}` with 400 (bad input), 401 (no valid token),
403 (not allowed), 404 (not found), 409 (conflicts with the unit's state or lease) or 429 (too
many failed sign-ins).
"""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("translation-desk")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0"


def _handlers(app: FastAPI) -> None:
    templates = app.state.templates

    def page_error(request: Request, status: int, message: str) -> Response:
        page = None
        if status != 401:
            try:
                page = optional_page_user(request)
            except ToolError:
                page = None
        return templates.TemplateResponse(
            request, "error.html", {"page": page, "message": message}, status_code=status
        )

    @app.exception_handler(ToolError)
    async def tool_error(request: Request, error: ToolError) -> Response:
        status = error_status(error)
        if wants_json(request):
            headers = {}
            if status == 401:
                headers["WWW-Authenticate"] = "Bearer"
            if isinstance(error, TooManyAttempts):
                headers["Retry-After"] = str(error.retry_after)
            return DeskJSON({"error": str(error)}, status_code=status, headers=headers)
        if isinstance(error, AuthRequired):
            return RedirectResponse(sign_in_redirect(request), status_code=303)
        from starlette.concurrency import run_in_threadpool

        return await run_in_threadpool(page_error, request, status, str(error))

    @app.exception_handler(sqlite3.OperationalError)
    async def database_error(request: Request, error: sqlite3.OperationalError) -> Response:
        log.warning("database error on %s %s: %s", request.method, request.url.path, error)
        message = f"database busy, try again ({error})"
        if wants_json(request):
            return DeskJSON({"error": message}, status_code=503, headers={"Retry-After": "1"})
        return HTMLResponse(f"<p>{_escape(message)}</p>", status_code=503)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        message = _validation_message(error)
        if wants_json(request):
            return DeskJSON({"error": message}, status_code=400)
        return HTMLResponse(f"<p>{_escape(message)}</p>", status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        message = str(error.detail) if error.detail else "error"
        if error.status_code == 404:
            message = f"no such page: {request.url.path}"
        if error.status_code == 405:
            message = f"{request.method} is not allowed here"
        if wants_json(request):
            return DeskJSON(
                {"error": message}, status_code=error.status_code, headers=error.headers
            )
        return HTMLResponse(
            f"<!doctype html><title>{error.status_code}</title><p>{_escape(message)}</p>",
            status_code=error.status_code,
            headers=error.headers,
        )


def _validation_message(error: RequestValidationError) -> str:
    problems = []
    for item in error.errors()[:3]:
        where = ".".join(str(p) for p in item.get("loc", ()) if p not in ("body", "query"))
        problems.append(f"{where}: {item.get('msg', 'invalid')}" if where else item.get("msg"))
    return "invalid request: " + "; ".join(str(p) for p in problems)


def _escape(text: str) -> str:
    from html import escape

    return escape(text)


def _docs(app: FastAPI) -> None:
    """Swagger UI at /api/docs, served from the fastapi-offline package's copy (no CDN)."""
    import fastapi_offline

    assets = Path(fastapi_offline.__file__).parent / "static"
    app.mount("/api/docs-assets", StaticFiles(directory=assets), name="docs-assets")

    @app.get("/api/docs", include_in_schema=False)
    def api_docs() -> Response:
        page = get_swagger_ui_html(
            openapi_url="/api/openapi.json",
            title="Translation desk API",
            swagger_js_url="/api/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/api/docs-assets/swagger-ui.css",
            swagger_favicon_url="/api/docs-assets/favicon.png",
        )
        page.headers["content-security-policy"] = DOCS_CSP
        return page
