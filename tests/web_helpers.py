"""Helpers for the served-desk tests: a desk with accounts, a real server, a real browser."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import DATA, PROJECT
from tool.db.connection import open_database
from tool.services import auth
from tool.services.importer import import_originals
from tool.services.users import add_user

with warnings.catch_warnings():  # Starlette would rather have httpx2; httpx works the same
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PASSWORDS = {
    "ana": "ana-admin-pass",
    "mihai": "mihai-translates",
    "elena": "elena-reviews",
    "dan": "dan-translates-too",
}


@contextmanager
def cheap_hashing() -> Iterator[None]:
    """Argon2 with tiny costs, for tests that hash many passwords (the rules are the same)."""
    from argon2 import PasswordHasher

    cheap = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    saved = auth._hasher, auth._dummy_hash
    auth._hasher = lambda: cheap  # type: ignore[assignment]
    auth._dummy_hash = lambda: cheap.hash("dummy")  # type: ignore[assignment]
    try:
        yield
    finally:
        auth._hasher, auth._dummy_hash = saved


def make_desk(path: Path, articles: list[Path] | None = None) -> None:
    """A desk with ana (admin), mihai and dan (translators, en), elena (editor, en), each with
    a password, and the storm article (or ``articles``)."""
    db = open_database(path)
    try:
        add_user(db, "ana", "admin", [], by="ana")
        add_user(db, "mihai", "translator", ["en"], by="ana")
        add_user(db, "dan", "translator", ["en"], by="ana")
        add_user(db, "elena", "editor", ["en"], by="ana")
        for name, password in PASSWORDS.items():
            auth.set_password(db, name, password, by="ana")
        import_originals(
            db, [str(p) for p in articles or [DATA / "articles" / "storm.md"]], user="ana"
        )
    finally:
        db.close()


def token_for(path: Path, name: str) -> str:
    """A new API token for ``name``."""
    db = open_database(path)
    try:
        return auth.issue_token(db, name, by="ana").token
    finally:
        db.close()


def client_for(app: Any) -> TestClient:
    """An in-process client (no network) for the app."""
    return TestClient(app, base_url="http://testserver")


def form_csrf(html: str) -> str:
    """The CSRF token of the first form in a page."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def sign_in(client: TestClient, name: str, password: str | None = None) -> httpx.Response:
    """Sign a client in through the sign-in page; returns the response to the POST."""
    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "name": name,
            "password": PASSWORDS[name] if password is None else password,
            "csrf": form_csrf(page.text),
        },
        follow_redirects=False,
    )


def page_csrf(client: TestClient, path: str = "/") -> str:
    """The session's CSRF token, read from a page."""
    return form_csrf(client.get(path).text)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    """A running `manage.py serve`: its base URL and its process."""

    url: str
    process: subprocess.Popen

    def stop(self) -> None:
        """Stop the server (as Ctrl+C would) and wait for it; again is harmless."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextmanager
def serving(db_path: Path, log: Path, *extra: str) -> Iterator[Served]:
    """`manage.py serve` on a free local port for the duration, answering /healthz."""
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("DESK_USER", None)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "--db", str(db_path), "serve", "--port", str(port),
             "--no-access-log", *extra],
            cwd=PROJECT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        served = Served(f"http://127.0.0.1:{port}", process)
        try:
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None:
                    raise AssertionError(f"serve exited: {log.read_text()[-2000:]}")
                try:
                    if httpx.get(served.url + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError("serve did not answer /healthz within 30 s")
                time.sleep(0.1)
            yield served
        finally:
            served.stop()


@contextmanager
def served_desk(db_path: Path, log: Path, *extra: str) -> Iterator[str]:
    """`manage.py serve` on a free local port for the duration; yields its base URL."""
    with serving(db_path, log, *extra) as served:
        yield served.url


def browser_binaries() -> tuple[str, str]:
    """Debian's chromium and chromedriver; skipped when missing, but a failure under CI."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or (
        "/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None
    )
    if chromium and driver:
        return chromium, driver
    message = "chromium and chromium-driver are needed (apt-get install chromium chromium-driver)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def chrome(profile: Path) -> Iterator[Any]:
    """Headless Chromium driven by Selenium through Debian's chromedriver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver = browser_binaries()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,1600",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(executable_path=driver), options=options)
    try:
        browser.set_page_load_timeout(30)
        yield browser
    finally:
        browser.quit()


def artifacts_dir(tmp_path: Path, name: str) -> Path:
    """Where screenshots go: $DESK_ARTIFACTS/<name> if set, else under tmp_path."""
    root = os.environ.get("DESK_ARTIFACTS")
    folder = Path(root) / name if root else tmp_path / "artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
