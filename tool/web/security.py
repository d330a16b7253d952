"""Who is asking: bearer tokens for the API, session cookies (with CSRF tokens) for pages.

The API takes only ``Authorization: Bearer TOKEN`` (never a cookie, so no page can make
a browser call it). Pages take only the session cookie; every request that changes
something must also carry the session's CSRF token (a form field ``csrf`` or the header
``X-CSRF-Token``). Cookies are HttpOnly, SameSite=Lax, and Secure when the request came
over HTTPS (as uvicorn reports it: X-Forwarded-Proto counts only from a trusted proxy).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.security import HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import Response

from tool.errors import ToolError
from tool.services import auth
from tool.services.users import REVIEWING_ROLES, User, require_user

SESSION_COOKIE = "desk_session"
LOGIN_COOKIE = "desk_login"  # the signed-out browser's CSRF secret for the sign-in form
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"

bearer = HTTPBearer(auto_error=False, description="An API token from `user token NAME`.")


class AuthRequired(ToolError):
    """No valid credentials: 401 for the API and scripts, the sign-in page for a browser."""


class CsrfRefused(ToolError):
    """A page request that changes something came without its session's CSRF token."""


@dataclass(frozen=True)
class PageUser:
    """The signed-in user of a page request, with the session's CSRF token."""

    user: User
    csrf: str
    session_id: str

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def reviews(self) -> bool:
        """Whether to offer review pages (the library still decides every action)."""
        return self.user.role in REVIEWING_ROLES


@dataclass(frozen=True)
class Posted:
    """A page POST from a signed-in user whose CSRF token matched: the user and the form."""

    page: PageUser
    form: FormData

    @property
    def name(self) -> str:
        return self.page.name

    def text(self, field: str, default: str = "") -> str:
        """A form field as text (a file upload or a missing field gives ``default``)."""
        value = self.form.get(field)
        return value if isinstance(value, str) else default

    def ids(self, field: str) -> list[int]:
        """Every value of a repeated field, as unit ids; a bad one raises InputError."""
        from tool.errors import InputError

        ids: list[int] = []
        for value in self.form.getlist(field):
            for part in str(value).replace(",", " ").split():
                try:
                    ids.append(int(part.lstrip("#")))
                except ValueError:
                    raise InputError(f"{part!r} is not a unit id") from None
        return ids


def desk_of(request: Request) -> Any:
    return request.app.state.desk


def client_address(request: Request) -> str:
    """The client's address (a trusted proxy's X-Forwarded-For, as uvicorn resolved it)."""
    return request.client.host if request.client else "unknown"


def _page_user(request: Request) -> PageUser | None:
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        return None
    desk = desk_of(request)
    db = desk.db()
    found = auth.session(db, session_id, idle=desk.settings.idle, lifetime=desk.settings.lifetime)
    if found is None:
        return None
    return PageUser(require_user(db, found.user), found.csrf, session_id)


def optional_page_user(request: Request) -> PageUser | None:
    """The signed-in user of a page request, or None."""
    return _page_user(request)


def page_user(request: Request) -> PageUser:
    """The signed-in user of a page request, or AuthRequired (a redirect to sign in)."""
    found = _page_user(request)
    if found is None:
        raise AuthRequired("sign in first")
    return found


async def posted(request: Request) -> Posted:
    """A signed-in page POST whose CSRF token matches its session's."""
    form = await request.form()
    page = await run_in_threadpool(_page_user, request)
    if page is None:
        raise AuthRequired("sign in first")
    sent = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not auth.same_secret(sent, page.csrf):
        raise CsrfRefused("the form's security token is missing or out of date: reload the page")
    return Posted(page, form)


def set_cookie(request: Request, response: Response, name: str, value: str, **extra: Any) -> None:
    """Set an HttpOnly, SameSite=Lax cookie, Secure when the request came over HTTPS."""
    response.set_cookie(
        name,
        value,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
        **extra,
    )


def sign_in_redirect(request: Request) -> str:
    """Where to send a browser that must sign in: /login with the page it wanted."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET" or target == "/":
        return "/login"
    return f"/login?next={quote(target, safe='')}"


def safe_next(target: str | None) -> str:
    """A local path to go to after signing in (anything else becomes the desk)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target or any(ord(c) < 32 for c in target):
        return "/"
    return target
