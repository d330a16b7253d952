"""The JSON API: tokens, the CLI's --json shapes, one-line errors with the right status."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest

from tests.conftest import DATA
from tests.web_helpers import (
    PASSWORDS,
    cheap_hashing,
    client_for,
    make_desk,
    token_for,
)
from tool.cli import cli
from tool.db.connection import open_database
from tool.formats import FORMATS, file_name, get_format
from tool.services.exports import export_article
from tool.web import create_app


@pytest.fixture(autouse=True)
def cheap_argon2():
    with cheap_hashing():
        yield


@pytest.fixture
def desk(db_path):
    make_desk(db_path, [DATA / "articles" / "storm.md", DATA / "articles" / "budget.md"])
    return db_path


@pytest.fixture
def client(desk):
    with client_for(create_app(desk)) as client:
        yield client


@pytest.fixture
def tokens(desk):
    return {name: token_for(desk, name) for name in ("ana", "mihai", "elena", "dan")}


def call(client, token, method, path, body=None, **params):
    """One API call with a bearer token; the response."""
    return client.request(
        method,
        path,
        headers={"Authorization": f"Bearer {token}"},
        content=None if body is None else json.dumps(body),
        params=params or None,
    )


def cli_json(run, user, *args):
    result = run(*args, "--json", user=user)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_health_needs_no_token(client):
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer desk_not-a-real-token"},
        {"Authorization": "Basic YW5hOmFuYQ=="},
    ],
)
def test_no_valid_token_is_401_with_one_line(client, headers):
    response = client.get("/api/articles", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    body = response.json()
    assert list(body) == ["error"] and "\n" not in body["error"]


def test_a_revoked_token_is_refused(client, desk, tokens, run):
    assert call(client, tokens["mihai"], "GET", "/api/me").json()["name"] == "mihai"
    run("user", "token", "mihai", "--revoke", user="ana")
    response = call(client, tokens["mihai"], "GET", "/api/me")
    assert response.status_code == 401
    assert response.json() == {"error": "invalid or revoked token"}


def test_tokens_from_a_password_and_logging_out(client):
    response = client.post("/api/tokens", json={"name": "mihai", "password": PASSWORDS["mihai"]})
    assert response.status_code == 200, response.text
    token = response.json()["token"]
    assert call(client, token, "GET", "/api/me").json() == {
        "name": "mihai",
        "role": "translator",
        "languages": ["en"],
    }
    assert call(client, token, "DELETE", "/api/tokens/current").json()["revoked"]
    assert call(client, token, "GET", "/api/me").status_code == 401
    wrong = client.post("/api/tokens", json={"name": "mihai", "password": "nope"})
    unknown = client.post("/api/tokens", json={"name": "nobody", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"error": "wrong name or password"}


def test_the_workflow_through_the_api_matches_the_cli(client, tokens, run):
    mihai, elena = tokens["mihai"], tokens["elena"]
    taken = call(client, mihai, "POST", "/api/checkout", {"lang": "en", "article": "storm"}).json()
    assert [u["id"] for u in taken["units"]] == [1, 2, 3]
    assert (
        taken["user"] == "mihai" and taken["created"] == 3 and taken["units"][0]["memory"] is None
    )
    mine = call(client, mihai, "GET", "/api/mine").json()
    assert mine == cli_json(run, "mihai", "mine")
    draft = call(client, mihai, "PUT", "/api/units/1/draft", {"text": "Storm in Constanta"})
    saved = draft.json()  # SaveResult as the CLI prints it (newer libraries add QA findings)
    assert {k: saved[k] for k in ("unit_id", "action", "status", "text", "changed")} == {
        "unit_id": 1,
        "action": "draft",
        "status": "new",
        "text": "Storm in Constanta",
        "changed": True,
    }
    for unit, text in (
        (1, "Storm in Constanța"),
        (2, "The wind reached 90 km/h."),
        (3, "The chief urged caution."),
    ):
        submitted = call(client, mihai, "POST", f"/api/units/{unit}/submit", {"text": text})
        assert submitted.status_code == 200, submitted.text
        assert submitted.json()["status"] == "translated"
    queue = call(client, elena, "GET", "/api/review", lang="en", article="storm").json()
    assert queue == cli_json(run, "elena", "review", "storm", "--lang", "en")
    assert [f["check"] for f in queue[2]["qa"]] == ["names"]
    rejected = call(client, elena, "POST", "/api/units/3/reject", {"comment": "Say what ISU is."})
    assert (
        rejected.json()["status"] == "rejected" and rejected.json()["comment"] == "Say what ISU is."
    )
    approved = call(client, elena, "POST", "/api/approve", {"units": [1, 2]}).json()
    assert approved == {"approved": [1, 2], "edited": [], "skipped": []}
    edited = call(client, elena, "POST", "/api/units/2/reopen", {"comment": "Check the number."})
    assert edited.json()[0]["status"] == "needs_review"
    again = call(client, elena, "POST", "/api/units/2/approve", {"text": "The wind hit 90 km/h."})
    assert again.json() == {"approved": [2], "edited": [2], "skipped": []}
    assert call(client, elena, "GET", "/api/units/2/history").json() == cli_json(
        run, "elena", "history", "2"
    )
    assert call(client, mihai, "GET", "/api/status", lang="en").json() == cli_json(
        run, "mihai", "status", "--lang", "en"
    )
    assert call(client, mihai, "GET", "/api/articles").json() == cli_json(run, "mihai", "articles")
    shown = call(client, mihai, "GET", "/api/articles/storm", lang="en").json()
    assert shown == cli_json(run, "mihai", "show", "storm", "--lang", "en")
    assert (
        call(client, mihai, "GET", "/api/articles/storm/units", lang="en").json() == shown["pairs"]
    )
    with_progress = call(client, mihai, "GET", "/api/articles", progress="true").json()
    storm = next(a for a in with_progress if a["id"] == "storm")
    assert [(p["lang"], p["approved"]) for p in storm["progress"]] == [("en", 2)]
    assert call(client, mihai, "GET", "/api/qa", lang="en", article="storm").json() == cli_json(
        run, "mihai", "qa", "run", "storm", "--lang", "en"
    )


def test_a_translators_token_cannot_approve_through_any_route(client, tokens):
    mihai, dan = tokens["mihai"], tokens["dan"]
    call(client, dan, "POST", "/api/checkout", {"lang": "en", "article": "storm"})
    call(client, dan, "POST", "/api/units/1/submit", {"text": "Storm in Constanța"})
    attempts = [
        ("POST", "/api/units/1/approve", {}),
        ("POST", "/api/units/1/approve", {"text": "Edited by a translator"}),
        ("POST", "/api/approve", {"units": [1]}),
        ("POST", "/api/articles/storm/approve?lang=en", None),
    ]
    for method, path, body in attempts:
        response = call(client, mihai, method, path, body)
        assert response.status_code == 403, (path, response.text)
        assert response.json() == {
            "error": "mihai is a translator: only editors or admins may do this"
        }
    history = call(client, mihai, "GET", "/api/units/1/history").json()
    assert [e["action"] for e in history] == ["create", "submit"]


def test_errors_map_to_statuses(client, tokens):
    mihai, elena, dan = tokens["mihai"], tokens["elena"], tokens["dan"]
    call(client, dan, "POST", "/api/checkout", {"lang": "en", "article": "storm"})
    cases = [
        (mihai, "GET", "/api/units/999", None, 404, "no unit 999"),
        (mihai, "GET", "/api/articles/nothing", None, 404, "no article 'nothing'"),
        (mihai, "POST", "/api/checkout", {}, 400, "say which language to check out (--lang)"),
        (mihai, "POST", "/api/checkout", {"lang": "en", "count": "many"}, 400, None),
        (mihai, "POST", "/api/units/1/submit", "not an object", 400, None),
        (mihai, "PUT", "/api/units/1/draft", {"text": "x"}, 403, None),
        (elena, "POST", "/api/units/1/reject", {"comment": ""}, 400,
         "a rejection needs a comment saying what to fix (--comment)"),
    ]  # fmt: skip
    for token, method, path, body, status, message in cases:
        response = call(client, token, method, path, body)
        assert response.status_code == status, (path, response.text)
        error = response.json()["error"]
        assert "\n" not in error
        if message:
            assert error == message
    call(client, dan, "POST", "/api/units/1/submit", {"text": "Storm"})
    conflict = call(client, dan, "POST", "/api/units/1/submit", {"text": "Storm again"})
    assert conflict.status_code == 409
    raw = client.post(
        "/api/units/1/approve",
        content=b"{not json",
        headers={"Authorization": f"Bearer {elena}", "Content-Type": "application/json"},
    )
    assert raw.status_code == 400 and raw.json() == {"error": "the request body is not JSON"}
    assert client.get("/api/no-such-thing").json() == {"error": "no such page: /api/no-such-thing"}


def test_exports_in_every_format(client, desk, tokens):
    db = open_database(desk)
    try:
        for name in FORMATS:
            response = call(
                client, tokens["mihai"], "GET", "/api/articles/storm/export", lang="en", format=name
            )
            assert response.status_code == 200, (name, response.text)
            expected = file_name(get_format(name), "storm")
            assert response.headers["content-disposition"] == f'attachment; filename="{expected}"'
            assert response.content == export_article(db, "storm", "en", name)
    finally:
        db.close()
    unknown = call(
        client, tokens["mihai"], "GET", "/api/articles/storm/export", lang="en", format="pdf"
    )
    assert unknown.status_code == 400
    assert unknown.json()["error"].startswith("unknown format 'pdf'")


def test_work_files_go_out_and_come_back(client, tokens):
    mihai = tokens["mihai"]
    call(client, mihai, "POST", "/api/checkout", {"lang": "en", "article": "storm"})
    po = call(client, mihai, "GET", "/api/work-file", units=[1, 2, 3], lang="en", format="po")
    assert po.status_code == 200 and b'msgid "Furtun' in po.content
    catalog = polib.pofile(po.content.decode("utf-8"))
    catalog.find("Vântul a atins 90 km/h.").msgstr = "The wind reached 90 km/h."
    filled = str(catalog).encode("utf-8")
    response = client.post(
        "/api/import-work",
        files={"file": ("work-en-mihai.po", filled, "text/x-gettext-translation")},
        headers={"Authorization": f"Bearer {mihai}"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["applied"] == [2] and response.json()["file"] == "work-en-mihai.po"


def test_translator_helpers_for_a_unit(client, tokens, run):
    mihai = tokens["mihai"]
    run("glossary", "add", "ISU", "the emergency inspectorate (ISU)", "--lang", "en", user="ana")
    call(client, mihai, "POST", "/api/checkout", {"lang": "en", "article": "storm"})
    unit = call(client, mihai, "GET", "/api/units/3").json()
    assert (
        unit["source"] == "Șeful ISU a cerut prudență."
        and unit["previous"] == "Vântul a atins 90 km/h."
    )
    terms = call(client, mihai, "GET", "/api/units/3/glossary").json()
    assert [t["term"] for t in terms] == ["ISU"]
    preview = call(
        client, mihai, "POST", "/api/units/3/qa", {"text": "The chief urged caution."}
    ).json()
    assert {f["check"] for f in preview} >= {"names"}
    assert call(client, mihai, "GET", "/api/units/3/matches").json() == []
    kept = call(client, tokens["dan"], "POST", "/api/units/3/stray-draft", {"text": "Dan's try."})
    assert kept.json() == {"unit_id": 3, "holder": "mihai", "text": "Dan's try."}
    assert call(client, mihai, "GET", "/api/units/3").json()["stray_drafts"][0]["user"] == "dan"
    renewed = call(client, mihai, "POST", "/api/renew", {"units": [3]}).json()
    assert [r["id"] for r in renewed] == [3]
    assert call(client, mihai, "POST", "/api/release", {}).json() == {"released": [1, 2, 3]}


def test_the_api_is_documented(client):
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert "/api/docs-assets/swagger-ui-bundle.js" in docs.text and "cdn." not in docs.text
    assert client.get("/api/docs-assets/swagger-ui-bundle.js").status_code == 200
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/articles", "/api/checkout", "/api/units/{unit_id}/submit",
                 "/api/units/{unit_id}/approve", "/api/units/{unit_id}/reject",
                 "/api/units/{unit_id}/reopen", "/api/units/{unit_id}/history",
                 "/api/articles/{article_id}/export", "/api/release"):  # fmt: skip
        assert path in paths, path
    assert "requestBody" in paths["/api/units/{unit_id}/submit"]["post"]
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert not any(p.startswith(("/login", "/articles", "/units")) for p in paths)


def test_cli_and_api_print_the_same_json(run, client, tokens):
    """The shapes are the CLI's own: a client can print what the API returns as --json."""
    assert cli.commands  # the CLI is importable beside the app
    assert call(client, tokens["ana"], "GET", "/api/glossary").json() == cli_json(
        run, "ana", "glossary", "list"
    )
    assert call(
        client, tokens["ana"], "GET", "/api/memory/search", text="Vântul", lang="en"
    ).json() == cli_json(run, "ana", "memory", "search", "Vântul", "--lang", "en")


def unzip(response):
    """An /api/export answer: its report and its files by name."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        report = json.loads(archive.read("export.json"))
        return report, {name: archive.read(f"files/{name}") for name in report["files"]}


def test_export_files_as_the_export_command_writes_them(client, desk, tokens, run, tmp_path):
    elena = tokens["elena"]
    one = call(client, elena, "GET", "/api/export", lang="en", format="po", article="storm")
    assert one.status_code == 200, one.text
    assert one.headers["content-type"] == "application/zip"
    report, files = unzip(one)
    assert report["files"] == ["storm.po"] and report["articles"] == 1
    db = open_database(desk)
    assert files["storm.po"] == export_article(db, "storm", "en", "po")
    db.close()
    every = call(client, elena, "GET", "/api/export", lang="en", all="true")
    report, files = unzip(every)
    folder = tmp_path / "exports"
    folder.mkdir()
    local = run("export", "--all", "--lang", "en", "-o", folder, "--json", user="elena")
    assert report["files"] == [Path(f).name for f in json.loads(local.output)["files"]]
    assert files == {p.name: p.read_bytes() for p in folder.iterdir()}
    combined = call(client, elena, "GET", "/api/export", lang="en", format="tmx", all="true",
                    combined="true")  # fmt: skip
    assert unzip(combined)[0]["files"] == ["combined.out"]
    refused = call(client, elena, "GET", "/api/export", lang="en", format="html", all="true",
                   combined="true")  # fmt: skip
    assert refused.status_code == 400
    assert refused.json() == {"error": "html writes one file per article; give -o a folder"}
    neither = call(client, elena, "GET", "/api/export", lang="en")
    assert neither.json() == {"error": "give an article id or --all (not both)"}


def test_import_work_takes_the_commands_options(client, tokens):
    mihai = tokens["mihai"]
    call(client, mihai, "POST", "/api/checkout", {"lang": "en", "article": "storm"})
    po = call(client, mihai, "GET", "/api/work-file", units=[1, 2], lang="en", format="po")
    catalog = polib.pofile(po.content.decode("utf-8"))
    catalog.find("Vântul a atins 90 km/h.").msgstr = "The wind was strong."  # no 90: QA error
    first = catalog.find("Furtună la Constanța")
    first.msgstr, first.flags = "Storm in Constanța", ["fuzzy"]

    def send(**params):
        return client.post(
            "/api/import-work",
            params=params,
            files={"file": ("out/work\x1b.po", str(catalog).encode("utf-8"))},
            headers={"Authorization": f"Bearer {mihai}"},
        )

    assert send().json() == {"error": "the file's name: control character U+001B at character "
                                      "9: remove it"}  # fmt: skip
    response = client.post(
        "/api/import-work",
        params={"fuzzy": "skip", "override": "the speed is in the title"},
        files={"file": ("out/work.po", str(catalog).encode("utf-8"))},
        headers={"Authorization": f"Bearer {mihai}"},
    )
    result = response.json()
    assert response.status_code == 200, result
    assert (result["file"], result["applied"], result["skipped"]) == ("out/work.po", [2], 1)
    history = call(client, mihai, "GET", "/api/units/2/history").json()
    assert history[-1]["detail"]["file"] == "out/work.po"
    assert history[-1]["detail"]["override"] == "the speed is in the title"
