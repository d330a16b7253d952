"""The served desk's defences, checked over every route the app has (so none is forgotten)."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import httpx
import pytest

from tests.conftest import snapshot
from tests.web_helpers import (
    PASSWORDS,
    cheap_hashing,
    client_for,
    form_csrf,
    make_desk,
    page_csrf,
    served_desk,
    sign_in,
    token_for,
)
from tool.db.connection import open_database
from tool.services import auth
from tool.services.leases import checkout
from tool.services.workflow import get_unit, submit
from tool.web import WebSettings, create_app
from tool.web.app import route_table
from tool.web.security import SESSION_COOKIE

#: Routes anyone may call: health, signing in, the API's documentation.
PUBLIC = {
    ("GET", "/healthz"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/api/tokens"),
    ("GET", "/api/docs"),
    ("GET", "/api/openapi.json"),
}
PUBLIC_MOUNTS = {"/static", "/api/docs-assets"}
PARAMS = {"article_id": "storm", "unit_id": "1", "segment_id": "2", "name": "mihai"}
#: What a form might carry, so an action would go through if a check were missing.
FORM = {
    "text": "A translation.",
    "comment": "A reason.",
    "lang": "en",
    "name": "zed",
    "role": "translator",
    "languages": "en",
    "password": "a long enough password",
    "confirm": "a long enough password",
    "current": PASSWORDS["ana"],
    "unit": "1",
    "label": "x",
    "edit": "1",
}
BOOKKEEPING = ("sessions", "sign_in_failures", "server_keys", "tokens")


@pytest.fixture(autouse=True)
def cheap_argon2():
    with cheap_hashing():
        yield


@pytest.fixture
def desk(db_path):
    """The storm desk with unit 1 submitted by mihai (so approving it would work)."""
    make_desk(db_path)
    db = open_database(db_path)
    checkout(db, "mihai", "en", "storm")
    submit(db, 1, "mihai", "Storm in Constanța")
    db.close()
    return db_path


@pytest.fixture
def app(desk):
    return create_app(desk)


def routes(app):
    """Every (method, path) the app answers, with mounts listed apart."""
    return route_table(app)


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PARAMS[m.group(1)], path)


def state(path):
    """The database without the sign-in bookkeeping a refused request may still write."""
    return {k: v for k, v in snapshot(path).items() if k not in BOOKKEEPING}


def test_the_route_list_is_what_the_tests_expect(app):
    found, mounts = routes(app)
    assert set(mounts) == PUBLIC_MOUNTS
    assert PUBLIC <= set(found)
    assert len(found) > 40  # every page and API route is enumerated below
    for _, path in found:
        assert set(re.findall(r"\{(\w+)\}", path)) <= set(PARAMS), path


def test_every_route_refuses_unauthenticated_access(app, desk):
    before = state(desk)
    found, _ = routes(app)
    with client_for(app) as client:
        for method, path in found:
            if (method, path) in PUBLIC:
                continue
            url = concrete(path)
            response = client.request(method, url, data=FORM if path[:5] != "/api/" else None,
                                      follow_redirects=False)  # fmt: skip
            if path.startswith("/api/"):
                assert response.status_code == 401, (method, url, response.status_code)
                assert "error" in response.json()
            else:
                assert response.status_code == 303, (method, url, response.status_code)
                assert response.headers["location"].startswith("/login"), (method, url)
    assert state(desk) == before


def test_public_routes_show_nothing_of_the_desk(app):
    with client_for(app) as client:
        assert "Storm in Constan" not in client.get("/login").text
        assert client.get("/static/desk.js").status_code == 200


def test_every_page_form_needs_its_csrf_token(app, desk):
    found, _ = routes(app)
    posts = [
        (m, p)
        for m, p in found
        if m != "GET" and not p.startswith("/api/") and (m, p) not in PUBLIC
    ]
    assert len(posts) >= 15
    with client_for(app) as client:
        assert sign_in(client, "ana").status_code == 303
        real = page_csrf(client)
        before = state(desk)
        for method, path in posts:
            url = concrete(path)
            for fields in (FORM, {**FORM, "csrf": "forged" + real[6:]}):
                response = client.request(method, url, data=fields, follow_redirects=False)
                assert response.status_code == 403, (method, url, response.status_code)
                assert "security token is missing or out of date" in response.text
        assert state(desk) == before
        # The header a page's script sends works like the form field.
        response = client.post(
            "/units/1/approve", headers={"X-CSRF-Token": real, "Accept": "application/json"},
            data={}, follow_redirects=False,
        )  # fmt: skip
        assert response.status_code == 303
    assert get_unit(open_database(desk), 1)["status"] == "approved"


def test_the_sign_in_form_needs_its_own_token(app):
    with client_for(app) as client:
        client.get("/login")
        response = client.post(
            "/login", data={"name": "ana", "password": PASSWORDS["ana"], "csrf": "x"},
            follow_redirects=False,
        )  # fmt: skip
        assert response.status_code == 403
        assert SESSION_COOKIE not in client.cookies


def use_session(client, session_id: str) -> None:
    """Make the client send this session id (and no other)."""
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, session_id, domain="testserver.local")


def test_sign_in_gives_a_fresh_session_id_and_sign_out_ends_it(app):
    with client_for(app) as client:
        use_session(client, "chosen-by-an-attacker")
        response = sign_in(client, "mihai")
        assert response.status_code == 303 and response.headers["location"] == "/"
        first = client.cookies[SESSION_COOKIE]
        assert first != "chosen-by-an-attacker"
        assert client.get("/", follow_redirects=False).status_code == 200
        csrf = page_csrf(client)
        signed_out = client.post("/logout", data={"csrf": csrf}, follow_redirects=False)
        assert signed_out.headers["location"] == "/login"
        use_session(client, first)
        assert client.get("/", follow_redirects=False).headers["location"] == "/login"
        client.cookies.clear()
        assert sign_in(client, "mihai").status_code == 303
        assert client.cookies[SESSION_COOKIE] not in (first, "chosen-by-an-attacker")


def test_cookies_are_httponly_lax_and_secure_over_https(app):
    with client_for(app) as client:
        cookie = sign_in(client, "mihai").headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    with client_for(app) as client:
        client.base_url = httpx.URL("https://testserver")
        cookie = sign_in(client, "mihai").headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie


def test_same_message_for_unknown_name_and_wrong_password(app):
    with client_for(app) as client:
        wrong = sign_in(client, "mihai", "not the password")
        unknown = sign_in(client, "nobody", "not the password")
        assert wrong.status_code == unknown.status_code == 401
        message = re.compile(r'id="login-message">([^<]*)<')
        assert message.search(wrong.text).group(1) == message.search(unknown.text).group(1)
        assert message.search(wrong.text).group(1) == "wrong name or password"


def test_sign_in_is_throttled_per_account_and_per_address(app):
    with client_for(app) as client:
        for attempt in range(auth.ACCOUNT_FAILURE_LIMIT):
            assert sign_in(client, "mihai", f"guess {attempt}").status_code == 401
        refused = sign_in(client, "mihai")  # the right password, too late
        assert refused.status_code == 429
        assert "too many failed sign-ins: try again in 15 minutes" in refused.text
        assert SESSION_COOKIE not in client.cookies
        for attempt in range(auth.ADDRESS_FAILURE_LIMIT - auth.ACCOUNT_FAILURE_LIMIT):
            sign_in(client, f"someone{attempt}", "guess")
        assert sign_in(client, "elena").status_code == 429  # this address is stopped
        api = client.post("/api/tokens", json={"name": "elena", "password": PASSWORDS["elena"]})
        assert api.status_code == 429 and int(api.headers["retry-after"]) > 0


def test_idle_sessions_expire(desk):
    app = create_app(WebSettings(db_path=desk, idle=timedelta(seconds=1)))
    with client_for(app) as client:
        sign_in(client, "mihai")
        assert client.get("/", follow_redirects=False).status_code == 200
        time.sleep(1.3)
        assert client.get("/", follow_redirects=False).headers["location"] == "/login"


def test_a_translator_cannot_approve_through_any_route(app, desk):
    found, _ = routes(app)
    approving = [(m, p) for m, p in found if "approve" in p and m == "POST"]
    assert len(approving) >= 5
    token = token_for(desk, "dan")
    with client_for(app) as client:
        assert sign_in(client, "dan").status_code == 303
        csrf = page_csrf(client)
        for method, path in approving:
            url = concrete(path) + ("?lang=en" if "articles" in path else "")
            if path.startswith("/api/"):
                body = {"units": [1]} if path == "/api/approve" else {}
                response = client.request(
                    method, url, json=body, headers={"Authorization": f"Bearer {token}"}
                )
            else:
                response = client.request(method, url, data={**FORM, "csrf": csrf, "edit": ""})
            assert response.status_code == 403, (method, url, response.status_code)
            assert "dan is a translator: only editors or admins may do this" in response.text
    assert get_unit(open_database(desk), 1)["status"] == "translated"


def test_payloads_are_escaped_in_pages(app, desk):
    # No digits: the numbers check would refuse the translation before the test could start.
    payload = (
        "<script>alert(document.domain)</script><img src=x onerror=alert(this)></textarea>\"'>"
    )
    db = open_database(desk)
    submit(db, 2, "mihai", "The wind reached 90 km/h " + payload)
    db.close()
    with client_for(app) as client:
        sign_in(client, "elena")
        csrf = page_csrf(client)
        client.post("/units/2/reject", data={"csrf": csrf, "comment": "Fix " + payload})
        for url in ("/units/2", "/articles/storm?lang=en", "/articles/storm/review?lang=en",
                    "/articles/storm/bilingual?lang=en"):  # fmt: skip
            page = client.get(url).text
            assert "<script>alert" not in page and "<img src=x" not in page, url
            assert '</textarea>"' not in page, url
        assert client.get("/api/units/2/history").status_code == 401  # no cookie auth on the API
    with client_for(app) as client:
        response = sign_in(client, payload, "whatever")  # the typed name is shown again
        assert response.status_code == 401
        assert "<script>alert" not in response.text and "&lt;script&gt;" in response.text
        refused = client.get("/login", params={"next": "https://evil.example/"})
        assert 'value="/"' in refused.text


def test_pages_send_protective_headers(app):
    with client_for(app) as client:
        sign_in(client, "mihai")
        response = client.get("/")
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        exported = client.get("/articles/storm/bilingual?lang=en")
        assert "script-src" not in exported.headers["content-security-policy"]
        assert "default-src 'none'" in exported.headers["content-security-policy"]


@pytest.mark.slow
def test_forwarded_proto_counts_only_from_a_trusted_proxy(desk, tmp_path):
    def cookie_after_sign_in(base):
        headers = {"X-Forwarded-Proto": "https"}
        page = httpx.get(base + "/login", headers=headers)
        secret = page.headers["set-cookie"].split(";")[0]  # sent by hand: it may be Secure
        response = httpx.post(
            base + "/login",
            data={"name": "mihai", "password": PASSWORDS["mihai"], "csrf": form_csrf(page.text)},
            headers={**headers, "Cookie": secret},
        )
        assert response.status_code == 303, response.text
        return response.headers["set-cookie"]

    with served_desk(desk, tmp_path / "plain.log") as base:
        cookie = cookie_after_sign_in(base)
        assert cookie and "Secure" not in cookie
    with served_desk(desk, tmp_path / "proxied.log", "--proxy", "127.0.0.1") as base:
        cookie = cookie_after_sign_in(base)
        assert cookie and "Secure" in cookie


def test_every_form_on_every_page_carries_a_csrf_token(app, desk):
    pages = [
        "/",
        "/account",
        "/admin",
        "/articles/storm?lang=en",
        "/articles/storm/work?lang=en",
        "/articles/storm/review?lang=en",
        "/articles/storm/approve-all?lang=en",
        "/units/1",
    ]
    with client_for(app) as client:
        csrf = sign_in_and_csrf(client, "ana")
        client.post("/articles/storm/checkout", data={"csrf": csrf, "lang": "en"})
        forms = 0
        for url in pages:
            page = client.get(url)
            assert page.status_code == 200, url
            for form in re.findall(r"<form\b.*?</form>", page.text, re.S):
                forms += 1
                assert 'method="post"' in form, (url, form[:80])
                assert f'name="csrf" value="{csrf}"' in form, (url, form[:80])
        assert forms > 20
        login = client_for(app).get("/login").text
        assert re.search(
            r'<form[^>]*id="login-form".*?name="csrf" value="[0-9a-f]{64}"', login, re.S
        )


def sign_in_and_csrf(client, name):
    assert sign_in(client, name).status_code == 303
    return page_csrf(client)


def test_oversized_bodies_are_refused_unread(app):
    with client_for(app) as client:
        response = client.post(
            "/api/checkout", headers={"Content-Length": str(64 * 2**20)}, content=b"{}"
        )
        assert response.status_code == 413
        assert response.json() == {"error": "the request is larger than 32 MiB"}
