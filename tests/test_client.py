"""The API client: what is retried, and how each kind of answer becomes one error line.

The server is httpx's MockTransport here: it can drop a connection at will.
"""

from __future__ import annotations

import httpx
import pytest

from tool.client import DeskClient, server_url
from tool.errors import (
    ConflictError,
    ConnectionLost,
    InputError,
    NotFoundError,
    PermissionDenied,
    ServerError,
)

URL = "http://desk.test:8000"


def client_with(answers):
    """A client whose server answers the requests in turn from ``answers`` (a response,
    or an exception to raise); the requests it received are in ``client.seen``."""
    queue = list(answers)
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    client = DeskClient(URL, "desk_token", retry_delays=(0, 0, 0),
                        transport=httpx.MockTransport(handle))  # fmt: skip
    client.seen = seen
    return client


def ok(data=None):
    return httpx.Response(200, json={"ok": True} if data is None else data)


def error(status, message):
    return httpx.Response(status, json={"error": message})


def dropped():
    return httpx.ReadError("Server disconnected without sending a response.")


def refused():
    return httpx.ConnectError("[Errno 111] Connection refused")


def test_reads_and_drafts_are_retried_when_the_connection_drops():
    client = client_with([dropped(), dropped(), ok()])
    assert client.get("/api/mine") == {"ok": True}
    assert len(client.seen) == 3
    client = client_with([dropped(), error(503, "database busy, try again"), ok()])
    assert client.put("/api/units/1/draft", {"text": "A draft."}) == {"ok": True}
    assert [r.headers["authorization"] for r in client.seen] == ["Bearer desk_token"] * 3


def test_a_read_that_never_gets_an_answer_is_one_error():
    client = client_with([dropped()] * 4)
    with pytest.raises(ConnectionLost) as caught:
        client.get("/api/mine")
    assert str(caught.value) == (
        f"the desk at {URL} stopped answering (Server disconnected without sending a response.)"
    )
    assert not caught.value.maybe_applied and len(client.seen) == 4


def test_a_change_is_never_sent_twice():
    client = client_with([dropped(), ok()])
    with pytest.raises(ConnectionLost) as caught:
        client.post("/api/units/1/submit", {"text": "Storm"})
    assert caught.value.maybe_applied and len(client.seen) == 1
    assert str(caught.value) == (
        f"the connection to the desk at {URL} dropped before it answered (Server disconnected "
        "without sending a response.): the change may or may not have been made"
    )
    busy = client_with([error(503, "database busy, try again"), ok()])
    with pytest.raises(ServerError, match=r"is busy \(database busy, try again\): try again$"):
        busy.post("/api/approve", {"units": [1]})
    assert len(busy.seen) == 1


def test_a_change_is_retried_when_nothing_was_sent():
    client = client_with([refused(), refused(), ok()])
    assert client.post("/api/units/1/submit", {"text": "Storm"}) == {"ok": True}
    unreachable = client_with([refused()] * 4)
    with pytest.raises(ConnectionLost) as caught:
        unreachable.post("/api/checkout", {})
    assert str(caught.value) == f"cannot reach the desk at {URL} (connection refused)"
    assert not caught.value.maybe_applied


@pytest.mark.parametrize(
    "status, kind",
    [(400, InputError), (403, PermissionDenied), (404, NotFoundError), (409, ConflictError)],
)
def test_the_librarys_errors_come_back_as_they_were(status, kind):
    client = client_with([error(status, "unit 3 is checked out by dan")])
    with pytest.raises(kind) as caught:
        client.post("/api/units/3/submit", {})
    assert str(caught.value) == "unit 3 is checked out by dan"


@pytest.mark.parametrize(
    "answer, message",
    [
        (error(401, "invalid or revoked token"),
         f"the desk at {URL} refused the token (invalid or revoked token): log in again with "
         f"`login {URL}`, or set $DESK_TOKEN"),
        (error(500, "boom"), f"the desk at {URL} failed (500): boom"),
        (httpx.Response(502, text="<html>Bad Gateway</html>"),
         f"the desk at {URL} answered 502 Bad Gateway, not the desk's JSON: is {URL} a "
         "translation desk?"),
        (httpx.Response(200, text="<html>a login page</html>",
                        headers={"content-type": "text/html"}),
         f"the desk at {URL} answered with text/html, not the desk's JSON: is {URL} a "
         "translation desk?"),
        (httpx.Response(308, headers={"location": "https://desk.test/api/export"}),
         f"the desk at {URL} sends requests to https://desk.test/api/export: give that "
         "address"),
        (error(404, "no such page: /api/export"),
         f"the desk at {URL} has no /api/export: is it a translation desk, and as recent as "
         "this one?"),
    ],
)  # fmt: skip
def test_server_trouble_is_one_line_naming_the_server(answer, message):
    client = client_with([answer])
    with pytest.raises(ServerError) as caught:
        client.get("/api/export")
    assert str(caught.value) == message


def test_a_wrong_password_is_not_a_server_problem():
    client = client_with([error(401, "wrong name or password")])
    client.token = None
    with pytest.raises(PermissionDenied, match="^wrong name or password$"):
        client.post("/api/tokens", {"name": "mihai", "password": "nope"})
    assert "authorization" not in client.seen[0].headers


@pytest.mark.parametrize(
    "given, expected",
    [("http://127.0.0.1:8000/", "http://127.0.0.1:8000"),
     (" https://desk.example.org/team ", "https://desk.example.org/team")],
)  # fmt: skip
def test_server_addresses(given, expected):
    assert server_url(given) == expected


@pytest.mark.parametrize(
    "given",
    ["127.0.0.1:8000", "ftp://desk", "http://", "http://h:port", "http://u:p@h", "http://h/?q=1"],
)
def test_what_is_not_a_server_address(given):
    with pytest.raises(InputError) as caught:
        server_url(given)
    assert str(caught.value) == (
        f"{given!r} is not a desk's address: give http://HOST:PORT or https://HOST[/PATH]"
    )


def test_an_answer_that_cannot_be_read_is_one_error():
    client = client_with(
        [httpx.Response(200, text="{", headers={"content-type": "application/json"})]
    )
    with pytest.raises(ServerError, match=r"answered with JSON that cannot be read$"):
        client.get("/api/mine")


def test_records_come_back_whatever_a_newer_desk_adds():
    from tool.cli.remote import RemoteDesk

    saved = {"unit_id": 1, "action": "draft", "status": "new", "text": "A draft.",
             "changed": True, "findings": [], "added_later": "ignored"}  # fmt: skip
    desk = RemoteDesk(client_with([ok(saved), ok({"unit_id": 1})]))
    result = desk.save_draft(1, "A draft.")
    assert (result.unit_id, result.text, result.changed) == (1, "A draft.", True)
    with pytest.raises(ServerError) as caught:
        desk.save_draft(1, "A draft.")
    assert str(caught.value) == (
        f"the desk at {URL} answered in a form this desk does not know: is it a translation "
        "desk, and as recent as this one?"
    )
