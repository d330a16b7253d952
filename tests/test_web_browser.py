"""A real browser (headless Chromium through Selenium and Debian's chromedriver) against a
real server (`manage.py serve` on a free local port): a translator and an editor at work.

Screenshots of each step go to $DESK_ARTIFACTS/<test> if set, else under the test's tmp_path.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web_helpers import PASSWORDS, artifacts_dir, chrome, make_desk, served_desk
from tool.db.connection import open_database
from tool.services.workflow import get_unit

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ISU_FIXED = "The head of the emergency inspectorate (ISU) urged caution."


class Desk:
    """One browser on the served desk, with the Selenium steps the tests repeat."""

    def __init__(self, driver, base: str, shots: Path) -> None:
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver, self.base, self.shots = driver, base, shots
        self.wait = WebDriverWait(driver, 20)
        self.step = 0

    def shot(self, name: str) -> None:
        self.step += 1
        self.driver.save_screenshot(str(self.shots / f"{self.step:02}-{name}.png"))

    def find(self, css: str):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec

        return self.wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))

    def all(self, css: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def go(self, path: str) -> None:
        self.driver.get(self.base + path)

    def click_and_load(self, element) -> None:
        """Click something that loads a new page, and wait until the new one is complete."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver.execute_script("window.__deskOldPage = true")
        element.click()
        WebDriverWait(self.driver, 20, ignored_exceptions=(WebDriverException,)).until(
            lambda d: d.execute_script(
                "return window.__deskOldPage === undefined && document.readyState === 'complete'"
            )
        )

    def sign_in(self, name: str, password: str | None = None) -> None:
        self.go("/login")
        self.find("#name").send_keys(name)
        self.find("#password").send_keys(PASSWORDS[name] if password is None else password)
        self.click_and_load(self.find("#login-form button"))

    def sign_out(self) -> None:
        self.click_and_load(self.find("#sign-out"))
        assert "/login" in self.driver.current_url

    def type_and_submit(self, unit: int, text: str) -> None:
        """Type a translation and press Ctrl+Enter (submit and go to the next unit)."""
        from selenium.webdriver.common.keys import Keys

        area = self.find(f"#t{unit}")
        area.clear()
        area.send_keys(text)
        area.send_keys(Keys.CONTROL, Keys.ENTER)
        self.wait.until(lambda d: f"unit={unit}" in d.current_url)

    def text(self, css: str) -> str:
        return self.find(css).text


@pytest.fixture
def served(tmp_path):
    make_desk(tmp_path / "desk.db")
    with served_desk(tmp_path / "desk.db", tmp_path / "serve.log") as base:
        yield base, tmp_path / "desk.db"


@pytest.fixture
def desk(served, tmp_path, request):
    base, _ = served
    with chrome(tmp_path / "profile") as driver:
        yield Desk(driver, base, artifacts_dir(tmp_path, request.node.name))


def status(db_path: Path, unit: int) -> str:
    db = open_database(db_path)
    try:
        return get_unit(db, unit)["status"]
    finally:
        db.close()


def test_translate_review_fix_and_publish(desk, served):
    _, db_path = served
    from selenium.webdriver.common.by import By

    # The translator signs in and takes the article.
    desk.go("/")
    assert "/login" in desk.driver.current_url
    desk.shot("sign-in")
    desk.sign_in("mihai")
    desk.shot("desk")
    desk.go("/articles/storm/work?lang=en")
    desk.click_and_load(desk.find("#take-article"))
    desk.shot("article-taken")
    assert len(desk.all("form.editor textarea")) == 3

    # Two segments: type, Ctrl+Enter submits and moves on to the next unit.
    desk.type_and_submit(1, "Storm in Constanța")
    desk.wait.until(lambda d: d.switch_to.active_element.get_attribute("id") == "t2")
    desk.type_and_submit(2, "The wind reached 90 km/h.")
    desk.shot("two-submitted")

    # The third: the QA warning shows while typing, before submitting; the draft saves itself.
    area = desk.find("#t3")
    area.send_keys("The chief urged caution.")
    warning = desk.find("#u3 ul.qa li.qa-warning")
    assert "'ISU' is not in the translation" in warning.text
    desk.wait.until(lambda d: "draft saved" in desk.text("#u3 .saved"))
    desk.shot("qa-warning-before-submit")
    db = open_database(db_path)
    assert get_unit(db, 3)["text"] == "The chief urged caution."
    db.close()
    desk.type_and_submit(3, "The chief urged caution.")
    assert [status(db_path, u) for u in (1, 2, 3)] == ["translated"] * 3
    desk.sign_out()

    # The editor rejects one with a reason and approves two.
    desk.sign_in("elena")
    desk.go("/articles/storm/review?lang=en")
    desk.shot("review")
    assert "ISU" in desk.text("#u3 ul.qa")
    desk.find("#u3 details:nth-of-type(2) summary").click()
    desk.find("#reason3").send_keys("Say what ISU is: the emergency inspectorate.")
    desk.shot("rejecting")
    desk.click_and_load(desk.find("#u3 form.reject button"))
    for unit in (1, 2):
        desk.click_and_load(desk.find(f"#u{unit} form.approve button"))
    desk.shot("reviewed")
    assert [status(db_path, u) for u in (1, 2, 3)] == ["approved", "approved", "rejected"]
    desk.sign_out()

    # The translator sees the rejection on the desk, takes the unit back and fixes it.
    desk.sign_in("mihai")
    returned = desk.text("#returned")
    assert "Say what ISU is: the emergency inspectorate." in returned
    desk.shot("rejection-seen")
    desk.click_and_load(desk.find("#returned form button"))
    assert "Say what ISU is" in desk.text("#u3 .comment")
    desk.type_and_submit(3, ISU_FIXED)
    desk.shot("fixed")
    desk.sign_out()

    # The editor approves it; the bilingual page shows the three approved.
    desk.sign_in("elena")
    desk.go("/articles/storm/review?lang=en")
    desk.click_and_load(desk.find("#u3 form.approve button"))
    assert [status(db_path, u) for u in (1, 2, 3)] == ["approved"] * 3
    desk.go("/articles/storm/bilingual?lang=en")
    desk.shot("bilingual")
    page = desk.driver.find_element(By.TAG_NAME, "body").text
    for text in ("Storm in Constanța", "The wind reached 90 km/h.", ISU_FIXED):
        assert text in page
    assert "needs review" not in page.lower() and "translated" not in page.lower()


PAYLOAD = '<script>window.__pwned=true</script><img src=x onerror="window.__pwned=this"></textarea>'


def inert(desk) -> None:
    """No payload ran or became an element on the current page."""
    driver = desk.driver
    assert driver.execute_script("return window.__pwned === undefined")
    assert driver.execute_script("return document.querySelectorAll('[onerror]').length") == 0
    sources = driver.execute_script(
        "return Array.from(document.scripts).map(s => s.getAttribute('src'))"
    )
    assert all(src and src.startswith("/") for src in sources), sources


def test_payloads_stay_inert(served, tmp_path, request):
    base, db_path = served
    article = tmp_path / "payload.md"
    article.write_text(
        f"---\nid: payload\nlang: ro\ntitle: Titlu {PAYLOAD}\n---\n\nTextul are {PAYLOAD} în el.\n",
        encoding="utf-8",
    )
    from tool.services.importer import import_originals

    db = open_database(db_path)
    import_originals(db, [str(article)], user="ana")
    db.close()
    with chrome(tmp_path / "profile") as driver:
        desk = Desk(driver, base, artifacts_dir(tmp_path, request.node.name))
        desk.sign_in(PAYLOAD, "whatever")  # a name that is no name: shown back, inert
        inert(desk)
        assert desk.find("#name").get_attribute("value") == PAYLOAD
        desk.sign_in("mihai")
        desk.go("/articles/payload/work?lang=en")
        desk.click_and_load(desk.find("#take-article"))
        inert(desk)
        first = desk.all("form.editor textarea")[0]
        unit = int(first.get_attribute("id")[1:])
        first.send_keys("Translated " + PAYLOAD)
        desk.click_and_load(desk.find(f"#u{unit} button.draft"))
        inert(desk)
        assert desk.find(f"#t{unit}").get_attribute("value") == "Translated " + PAYLOAD
        desk.shot("payload-in-editor")
        desk.type_and_submit(unit, "Translated " + PAYLOAD)
        desk.sign_out()
        desk.sign_in("elena")
        desk.go("/articles/payload/review?lang=en")
        inert(desk)
        desk.find(f"#u{unit} details:nth-of-type(2) summary").click()
        desk.find(f"#reason{unit}").send_keys("Comment " + PAYLOAD)
        desk.click_and_load(desk.find(f"#u{unit} form.reject button"))
        for path in (
            f"/units/{unit}",
            "/articles/payload?lang=en",
            "/",
            "/articles/payload/bilingual?lang=en",
        ):
            desk.go(path)
            inert(desk)
        desk.shot("payloads-inert")
        desk.go(f"/units/{unit}")
        assert "Comment " + PAYLOAD in desk.text("#history")
