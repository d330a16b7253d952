"""Talking to a served desk: its JSON API over HTTP, and the login kept for it.

:class:`DeskClient` wraps the API (``/api/...`` with a bearer token). The desk answers a
refused request with ``{"error": "one line"}`` and a status; the client raises the
library's error for it again (400 InputError, 403 PermissionDenied, 404 NotFoundError,
409 ConflictError), so a command prints the same line as on a local database. What
goes wrong with the server itself (no answer, a dropped connection, a refused token, a
failure, an answer that is not the desk's) is one :class:`~tool.errors.ServerError`
naming the server. Calls that can safely be made twice (GET, the PUT of a draft) are
retried when the connection drops or the desk is busy; any call is retried when the
connection could not be opened at all (nothing was sent).

The login (:class:`Login`) is a small JSON file in the user's configuration folder
(platformdirs), readable by its owner only. httpx and platformdirs are imported on first
use: the CLI's start-up time is measured.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from tool.errors import (
    ConflictError,
    ConnectionLost,
    InputError,
    NotFoundError,
    PermissionDenied,
    ServerError,
    ToolError,
)

if TYPE_CHECKING:
    import httpx

APP_NAME = "translation-desk"
LOGIN_FILE = "login.json"
SERVER_ENV_VAR = "DESK_SERVER"
TOKEN_ENV_VAR = "DESK_TOKEN"
#: Pauses before the second, third and fourth attempt of a call that may be repeated.
RETRY_DELAYS = (0.3, 1.0, 2.0)
TIMEOUT_SECONDS = 120.0  # an export of every article can take a while
CONNECT_SECONDS = 10.0
#: Library errors by the status the desk answers them with (see tool.web.app.error_status).
ERRORS_BY_STATUS: dict[int, type[ToolError]] = {
    400: InputError,
    403: PermissionDenied,
    404: NotFoundError,
    409: ConflictError,
}


def server_url(url: str) -> str:
    """A desk's address as ``http(s)://host[:port][/path]``, without a trailing slash."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or parts.username
    ):
        raise InputError(
            f"{url!r} is not a desk's address: give http://HOST:PORT or https://HOST[/PATH]"
        )
    return text.rstrip("/")


def check_token(token: str, where: str) -> str:
    """A token as given (surrounding blanks dropped); refuses one no desk could have issued."""
    token = token.strip()
    if not token or len(token) > 200 or not token.isascii() or not token.isprintable():
        raise InputError(f"{where} is not an API token (get one with `login URL`)")
    return token


def path_part(value: str) -> str:
    """``value`` quoted to stand as one part of a URL path (an article id)."""
    return quote(value, safe="")


class DeskClient:
    """The JSON API of the served desk at ``server``, called with ``token``."""

    def __init__(
        self,
        server: str,
        token: str | None = None,
        *,
        timeout: float = TIMEOUT_SECONDS,
        retry_delays: Sequence[float] = RETRY_DELAYS,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.server = server_url(server)
        self.token = token
        self.timeout = timeout
        self.retry_delays = tuple(retry_delays)
        self.transport = transport  # tests: an httpx.MockTransport
        self._http: httpx.Client | None = None

    def _client(self) -> httpx.Client:
        if self._http is None:
            import httpx

            from tool import __version__

            headers = {"user-agent": f"translation-desk/{__version__}"}
            if self.token:
                headers["authorization"] = f"Bearer {self.token}"
            self._http = httpx.Client(
                base_url=self.server,
                headers=headers,
                timeout=httpx.Timeout(self.timeout, connect=CONNECT_SECONDS),
                follow_redirects=False,
                transport=self.transport,
            )
        return self._http

    def close(self) -> None:
        """Close the connections kept open."""
        if self._http is not None:
            self._http.close()
            self._http = None

    def get(self, path: str, **params: Any) -> Any:
        """GET ``path`` (retried when the connection drops); the JSON answer."""
        return self._json(self.request("GET", path, params=params))

    def get_bytes(self, path: str, **params: Any) -> bytes:
        """GET a file (an export, a work file); its bytes."""
        return self.request("GET", path, params=params).content

    def post(
        self,
        path: str,
        body: Mapping[str, Any] | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        files: Mapping[str, tuple[str, bytes]] | None = None,
    ) -> Any:
        """POST a change; the JSON answer. Never repeated once the request may have been sent."""
        return self._json(self.request("POST", path, params=params, body=body, files=files))

    def put(self, path: str, body: Mapping[str, Any]) -> Any:
        """PUT a value that may be stored twice without harm (a draft); the JSON answer."""
        return self._json(self.request("PUT", path, body=body))

    def delete(self, path: str) -> Any:
        """DELETE (revoke); the JSON answer."""
        return self._json(self.request("DELETE", path))

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise ServerError(
                f"the desk at {self.server} answered with JSON that cannot be read"
            ) from None

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        files: Mapping[str, tuple[str, bytes]] | None = None,
    ) -> httpx.Response:
        """Make one call (retried as the module says); the successful response."""
        import httpx

        repeatable = method in ("GET", "HEAD", "PUT")
        query = {k: v for k, v in (params or {}).items() if v is not None}
        for attempt in range(len(self.retry_delays) + 1):
            last = attempt == len(self.retry_delays)
            try:
                response = self._client().request(
                    method, path, params=query or None, json=body, files=files
                )
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:  # nothing was sent
                if last:
                    raise ConnectionLost(
                        f"cannot reach the desk at {self.server} ({_reason(error)})"
                    ) from None
            except httpx.TransportError as error:  # sent, and no answer came back
                if last or not repeatable:
                    raise self._dropped(error, repeatable) from None
            except httpx.HTTPError as error:
                raise ServerError(f"the desk at {self.server}: {_reason(error)}") from None
            else:
                if response.status_code == 503 and repeatable and not last:
                    response.close()
                elif response.is_success:
                    return _checked_json(response, self.server)
                else:
                    raise self._refusal(response, path)
            time.sleep(self.retry_delays[attempt])
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def _dropped(self, error: Exception, repeatable: bool) -> ConnectionLost:
        reason = _reason(error)
        if repeatable:
            return ConnectionLost(f"the desk at {self.server} stopped answering ({reason})")
        return ConnectionLost(
            f"the connection to the desk at {self.server} dropped before it answered "
            f"({reason}): the change may or may not have been made",
            maybe_applied=True,
        )

    def _refusal(self, response: httpx.Response, path: str) -> ToolError:
        """The error for a refused call: the library's own, or one naming the server."""
        status = response.status_code
        message = _error_message(response)
        moved = response.headers.get("location") if response.is_redirect else None
        if moved:  # http:// behind a proxy that wants https://, a moved desk
            return ServerError(
                f"the desk at {self.server} sends requests to {moved}: give that address"
            )
        if message is None:
            return ServerError(
                f"the desk at {self.server} answered {status} {response.reason_phrase}, not "
                f"the desk's JSON: is {self.server} a translation desk?"
            )
        if status == 401 and not self.token:  # signing in: a wrong name or password
            return PermissionDenied(message)
        if status == 401:
            return ServerError(
                f"the desk at {self.server} refused the token ({message}): log in again "
                f"with `login {self.server}`, or set ${TOKEN_ENV_VAR}"
            )
        if status == 404 and message.startswith("no such page"):
            return ServerError(
                f"the desk at {self.server} has no {path}: is it a translation desk, and "
                "as recent as this one?"
            )
        if status in ERRORS_BY_STATUS:
            return ERRORS_BY_STATUS[status](message)
        if status == 503:
            return ServerError(f"the desk at {self.server} is busy ({message}): try again")
        if status >= 500:
            return ServerError(f"the desk at {self.server} failed ({status}): {message}")
        return ToolError(message)  # 429 (too many sign-ins), 413 (too large)...


def _checked_json(response: httpx.Response, server: str) -> httpx.Response:
    """The response, if it is a file or the desk's JSON (a proxy's page is not)."""
    kind = response.headers.get("content-type", "")
    disposition = response.headers.get("content-disposition", "")
    if "json" in kind or disposition.startswith("attachment"):
        return response
    raise ServerError(
        f"the desk at {server} answered with {kind or 'no content type'}, not the desk's JSON: "
        f"is {server} a translation desk?"
    )


def _error_message(response: httpx.Response) -> str | None:
    """The desk's one-line error, or None when the answer is not the desk's."""
    try:
        data = response.json()
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("error"), str):
        return None
    return " ".join(data["error"].split())


def _reason(error: Exception) -> str:
    """A transport error in a few words (httpx's own, or its class name)."""
    text = " ".join(str(error).split())
    if "Connection refused" in text:
        return "connection refused"
    return text[:160] or type(error).__name__


# --- the stored login -------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    """Where `login` signed in, as whom, and the token it keeps."""

    server: str
    token: str
    user: str


def login_path() -> Path:
    """The login file in the user's configuration folder (platformdirs)."""
    import platformdirs

    return platformdirs.user_config_path(APP_NAME) / LOGIN_FILE


def load_login() -> Login | None:
    """The stored login, or None. A damaged file, or one others may read, is refused."""
    path = login_path()
    try:
        raw = path.read_bytes()
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    if os.name == "posix" and mode & 0o077:
        raise ToolError(f"{path} may be read by others: `chmod 600 {path}`, or log in again")
    try:
        data = json.loads(raw)
        return Login(
            server=server_url(data["server"]),
            token=check_token(data["token"], str(path)),
            user=str(data.get("user", "")),
        )
    except (ValueError, KeyError, TypeError, AttributeError, ToolError):
        raise ToolError(
            f"the login kept in {path} is damaged: log in again (`login URL`)"
        ) from None


def save_login(login: Login) -> Path:
    """Keep ``login`` for the next commands (file mode 0600, folder 0700); its path."""
    from tool.fileio import write_file

    path = login_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = json.dumps(asdict(login), ensure_ascii=False, indent=2) + "\n"
    return write_file(path, data.encode("utf-8"), force=True, mode=0o600)


def forget_login() -> Path | None:
    """Delete the stored login; its path, or None when there was none."""
    path = login_path()
    try:
        path.unlink()
    except FileNotFoundError:
        return None
    return path
