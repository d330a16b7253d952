"""The pages without JavaScript: every core flow is a form post (the browser test adds JS)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import DATA
from tests.web_helpers import cheap_hashing, client_for, make_desk, page_csrf, sign_in
from tool.db.connection import open_database
from tool.formats import FORMATS
from tool.services import auth, users
from tool.services.exports import export_article
from tool.services.importer import import_originals
from tool.services.leases import checkout, release
from tool.services.review import approve
from tool.services.workflow import get_unit, submit
from tool.web import create_app
from tool.web.highlight import word_diff


@pytest.fixture(autouse=True)
def cheap_argon2():
    with cheap_hashing():
        yield


@pytest.fixture
def desk(db_path, tmp_path):
    gale = tmp_path / "gale.md"
    gale.write_text(
        "---\nid: gale\nlang: ro\ntitle: Vijelie\n---\n\n"
        "Vântul a atins 100 km/h. Șeful ISU a cerut prudență.\n",
        encoding="utf-8",
    )
    make_desk(db_path, [DATA / "articles" / "storm.md", gale])
    return db_path


@pytest.fixture
def app(desk):
    return create_app(desk)


@pytest.fixture
def browser(app):
    """A signed-out client; sign in with ``as_user``."""
    with client_for(app) as client:
        yield client


def as_user(client, name):
    client.cookies.clear()
    assert sign_in(client, name).status_code == 303
    return page_csrf(client)


def text_of(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert found, f"no #{element_id}"
    return unescape(found.group(1)).strip()


def test_the_desk_shows_progress_leases_returns_and_reviews(browser, desk):
    db = open_database(desk)
    checkout(db, "mihai", "en", "storm")
    submit(db, 1, "mihai", "Storm in Constanța")
    submit(db, 2, "mihai", "The wind reached 90 km/h.")
    db.close()
    csrf = as_user(browser, "elena")
    page = browser.get("/").text
    assert 'id="waiting"' in page and "/articles/storm/review?lang=en" in page
    browser.post("/units/2/reject", data={"csrf": csrf, "comment": "Use the number as is."})
    as_user(browser, "mihai")
    page = browser.get("/").text
    assert 'id="my-leases"' in page and 'id="returned"' in page and "Use the number as is." in page
    assert 'id="waiting"' not in page  # the library says translators do not review
    assert "<progress" in page and "Vijelie" in page


def test_translating_without_javascript(browser, desk):
    csrf = as_user(browser, "mihai")
    workspace = browser.get("/articles/storm/work?lang=en").text
    assert 'id="take-article"' in workspace and "<textarea" not in workspace
    taken = browser.post("/articles/storm/checkout", data={"csrf": csrf, "lang": "en"})
    assert "The article&#39;s open units are yours" in taken.text
    assert taken.text.count("<textarea") == 3
    saved = browser.post("/units/3/draft", data={"csrf": csrf, "text": "The chief urged caution."},
                         follow_redirects=False)  # fmt: skip
    assert saved.status_code == 303 and saved.headers["location"].endswith("#u3")
    page = browser.get(saved.headers["location"]).text
    assert "Draft of unit 3 saved." in page
    assert re.search(r"qa-warning.*ISU", page, re.S), "the QA finding on the draft is shown"
    submitted = browser.post("/units/1/submit", data={"csrf": csrf, "text": "Storm in Constanța"},
                             follow_redirects=False)  # fmt: skip
    assert submitted.headers["location"].endswith("&unit=1#u2")  # submit and go to the next unit
    assert get_unit(open_database(desk), 1)["status"] == "translated"


def test_a_refused_text_comes_back_in_its_editor(browser, desk):
    csrf = as_user(browser, "mihai")
    browser.post("/articles/storm/checkout", data={"csrf": csrf, "lang": "en"})
    refused = browser.post(
        "/units/2/submit", data={"csrf": csrf, "text": "The wind\x07 reached 90 km/h."}
    )
    assert refused.status_code == 400
    assert "control character" in refused.text
    editor = re.search(r'<textarea id="t2"[^>]*>(.*?)</textarea>', refused.text, re.S)
    assert unescape(editor.group(1)) == "The wind\x07 reached 90 km/h."


def test_losing_the_lease_keeps_the_text_and_says_who_holds_the_unit(browser, desk):
    csrf = as_user(browser, "mihai")
    browser.post("/articles/storm/checkout", data={"csrf": csrf, "lang": "en"})
    db = open_database(desk)
    release(db, "ana", [2])  # an admin takes it back and dan checks it out
    checkout(db, "dan", unit_ids=[2])
    db.close()
    lost = browser.post("/units/2/submit", data={"csrf": csrf, "text": "The wind hit 90 km/h."})
    assert lost.status_code == 403
    assert "Your text is kept in unit 2&#39;s history (dan holds it now)." in lost.text
    assert "The wind hit 90 km/h." in lost.text
    drafts = browser.post("/units/2/draft", data={"csrf": csrf, "text": "Another try."},
                          headers={"Accept": "application/json"})  # fmt: skip
    assert drafts.status_code == 403 and drafts.json()["kept"] is True
    as_user(browser, "dan")
    page = browser.get("/articles/storm/work?lang=en").text
    assert "mihai typed after losing this unit" in page and "The wind hit 90 km/h." in page


def test_memory_matches_show_their_differences_and_the_glossary_its_terms(browser, desk, run):
    db = open_database(desk)
    checkout(db, "mihai", "en", "storm")
    submit(db, 2, "mihai", "The wind reached 90 km/h.")
    approve(db, [2], "elena")
    db.close()
    run("glossary", "add", "ISU", "the emergency inspectorate", "--lang", "en", user="ana")
    csrf = as_user(browser, "dan")
    page = browser.post("/articles/gale/checkout", data={"csrf": csrf, "lang": "en"}).text
    assert "<del>90</del><ins>100</ins>" in page
    assert 'data-text="The wind reached 90 km/h."' in page  # the Insert button's text
    assert "<strong>ISU</strong> → the emergency inspectorate" in page


def test_the_pages_scripts_get_json(browser, desk):
    csrf = as_user(browser, "mihai")
    browser.post("/articles/storm/checkout", data={"csrf": csrf, "lang": "en"})
    headers = {"Accept": "application/json", "X-CSRF-Token": csrf}
    saved = browser.post(
        "/units/3/draft", data={"text": "The chief urged caution."}, headers=headers
    )
    assert saved.json()["changed"] is True and saved.json()["status"] == "new"
    findings = browser.post(
        "/units/3/qa", data={"text": "The chief urged caution."}, headers=headers
    )
    assert [f["check"] for f in findings.json()] == ["names"]
    renewed = browser.post("/leases/renew", data={"unit": ["1", "2", "3"]}, headers=headers)
    assert renewed.json()["renewed"] == [1, 2, 3] and renewed.json()["until"]


def test_reviewing_without_javascript(browser, desk):
    db = open_database(desk)
    checkout(db, "mihai", "en", "storm")
    for unit, text in (
        (1, "Storm in Constanța"),
        (2, "The wind reached 90 km/h."),
        (3, "The chief urged caution."),
    ):
        submit(db, unit, "mihai", text)
    db.close()
    csrf = as_user(browser, "elena")
    page = browser.get("/articles/storm/review?lang=en").text
    assert page.count('class="review-item') == 3 and "qa-warning" in page
    no_reason = browser.post("/units/3/reject", data={"csrf": csrf, "comment": "  "})
    assert no_reason.status_code == 400
    assert "a rejection needs a comment saying what to fix" in no_reason.text
    rejected = browser.post("/units/3/reject", data={"csrf": csrf, "comment": "Say what ISU is."})
    assert "Unit 3 rejected" in rejected.text
    edited = browser.post(
        "/units/2/approve", data={"csrf": csrf, "edit": "1", "text": "The wind hit 90 km/h."}
    )
    assert "Unit 2 approved with your edit." in edited.text
    confirm = browser.get("/articles/storm/approve-all?lang=en").text
    assert 'id="confirm-approve-all"' in confirm and "Storm in Constanța" in confirm
    done = browser.post("/articles/storm/approve-all", data={"csrf": csrf, "lang": "en"}).text
    assert text_of(done, "result") == "Approved 1 unit."
    reopened = browser.post("/units/2/reopen", data={"csrf": csrf, "comment": "Check the number."})
    assert "Unit 2 reopened" in reopened.text
    db = open_database(desk)
    assert [get_unit(db, u)["status"] for u in (1, 2, 3)] == [
        "approved",
        "needs_review",
        "rejected",
    ]
    db.close()


def test_approve_all_lists_what_it_skips(browser, desk):
    db = open_database(desk)
    checkout(db, "elena", "en", "storm")
    submit(db, 1, "elena", "Storm in Constanța")
    db.close()
    csrf = as_user(browser, "elena")
    done = browser.post("/articles/storm/approve-all", data={"csrf": csrf, "lang": "en"}).text
    assert text_of(done, "result") == "Approved 0 units."
    assert "your own translation" in done


def test_history_bilingual_page_and_downloads(browser, desk):
    db = open_database(desk)
    checkout(db, "mihai", "en", "storm")
    submit(db, 2, "mihai", "The wind reached 90 km/h.")
    approve(db, [2], "elena", text="The wind hit 90 km/h.")
    expected = {name: export_article(db, "storm", "en", name) for name in FORMATS}
    db.close()
    as_user(browser, "mihai")
    history = browser.get("/units/2").text
    assert [a for a in re.findall(r'class="action">(\w+)<', history)] == [
        "create",
        "submit",
        "approve",
    ]
    assert "<del>reached</del><ins>hit</ins>" in history
    assert "Reopen" not in history  # only offered to reviewers; the library decides anyway
    page = browser.get("/articles/storm/bilingual?lang=en")
    assert page.content == expected["html"]
    for name, data in expected.items():
        response = browser.get("/articles/storm/download", params={"lang": "en", "format": name})
        assert response.status_code == 200 and response.content == data, name
        assert response.headers["content-disposition"].startswith("attachment;")


def test_admins_manage_users_passwords_and_tokens(browser, desk):
    csrf = as_user(browser, "ana")
    added = browser.post(
        "/admin/users", data={"csrf": csrf, "name": "ioana", "role": "editor", "languages": "en ru"}
    )
    assert "added ioana: editor (en, ru)" in added.text
    bad = browser.post(
        "/admin/users", data={"csrf": csrf, "name": "x y", "role": "editor", "languages": "en"}
    )
    assert bad.status_code == 400 and "invalid user name" in bad.text
    password = browser.post(
        "/admin/users/ioana/password",
        data={"csrf": csrf, "password": "ioana's password", "confirm": "ioana's password"},
    )
    assert "password set for ioana" in password.text
    issued = browser.post("/admin/users/ioana/tokens", data={"csrf": csrf, "label": "cms"})
    token = re.search(r"<code>(desk_[^<]+)</code>", issued.text).group(1)
    db = open_database(desk)
    assert auth.token_user(db, token).name == "ioana"
    revoked = browser.post("/admin/users/ioana/tokens/revoke", data={"csrf": csrf})
    assert "revoked 1 token of ioana" in revoked.text
    with pytest.raises(auth.SignInFailed):
        auth.token_user(db, token)
    db.close()
    as_user(browser, "mihai")
    refused = browser.get("/admin")
    assert refused.status_code == 403
    assert "mihai is a translator: only admins manage other people&#39;s accounts" in refused.text


def test_changing_your_own_password_and_tokens(browser, desk):
    csrf = as_user(browser, "mihai")
    before = browser.cookies["desk_session"]
    wrong = browser.post(
        "/account/password",
        data={
            "csrf": csrf,
            "current": "nope",
            "password": "new password!",
            "confirm": "new password!",
        },
    )
    assert wrong.status_code == 401 and "your current password is wrong" in wrong.text
    changed = browser.post(
        "/account/password",
        data={
            "csrf": csrf,
            "current": "mihai-translates",
            "password": "new password!",
            "confirm": "new password!",
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303 and browser.cookies["desk_session"] != before
    assert browser.get("/account").status_code == 200
    csrf = page_csrf(browser, "/account")
    issued = browser.post("/account/tokens", data={"csrf": csrf, "label": "laptop"})
    assert 'id="new-token"' in issued.text
    revoked = browser.post("/account/tokens/revoke", data={"csrf": csrf, "token_id": "1"})
    assert "revoked 1 token" in revoked.text


@given(st.text(max_size=40), st.text(max_size=40))
def test_word_diff_rebuilds_both_texts(old, new):
    pieces = word_diff(old, new)
    assert "".join(t for op, t in pieces if op != "insert") == old
    assert "".join(t for op, t in pieces if op != "delete") == new
    assert all(text for _, text in pieces)
    assert all(a[0] != b[0] for a, b in zip(pieces, pieces[1:]))


def test_word_diff_marks_changed_words():
    assert word_diff("Vântul a atins 90 km/h.", "Vântul a atins 100 km/h.") == [
        ("equal", "Vântul a atins "),
        ("delete", "90"),
        ("insert", "100"),
        ("equal", " km/h."),
    ]


@pytest.mark.skipif(
    not hasattr(users, "set_user") or not hasattr(users, "disable_user"),
    reason="the library's `user set` and `user disable` are not on this branch yet",
)
def test_admins_change_roles_and_languages_and_disable_people(app, desk):
    with client_for(app) as dan, client_for(app) as admin:
        as_user(dan, "dan")
        csrf = as_user(admin, "ana")
        changed = admin.post(
            "/admin/users/mihai", data={"csrf": csrf, "role": "editor", "languages": "en ro"}
        )
        assert "mihai: editor (en, ro)" in changed.text
        disabled = admin.post("/admin/users/dan/disable", data={"csrf": csrf})
        assert "dan disabled" in disabled.text
        assert dan.get("/").status_code == 403  # the session of a disabled user stops working
        dan.cookies.clear()
        assert sign_in(dan, "dan").status_code == 403
        enabled = admin.post("/admin/users/dan/disable", data={"csrf": csrf, "enable": "1"})
        assert "dan enabled" in enabled.text
        assert sign_in(dan, "dan").status_code == 303


def test_review_shows_how_an_edited_original_changed(browser, desk, tmp_path):
    db = open_database(desk)
    checkout(db, "mihai", "en", "storm")
    submit(db, 2, "mihai", "The wind reached 90 km/h.")
    approve(db, [2], "elena")
    edited = tmp_path / "storm.md"
    original = (DATA / "articles" / "storm.md").read_text(encoding="utf-8")
    edited.write_text(original.replace("90 km/h", "95 km/h"), encoding="utf-8")
    import_originals(db, [str(edited)], user="ana")
    assert get_unit(db, 2)["status"] == "needs_review"
    db.close()
    as_user(browser, "elena")
    page = browser.get("/articles/storm/review?lang=en").text
    item = page[page.index('id="u2"') :]
    assert "<del>90</del><ins>95</ins>" in item[: item.index("</li>")]
