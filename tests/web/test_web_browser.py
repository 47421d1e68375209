"""End to end in real Chromium (Debian's chromium + chromedriver, driven by Selenium).

A clerk of 规划处 fills a 承诺书, sees the campaign rule's message at the field, fixes it,
previews, files; the calendar and the search show it; a clerk of another unit cannot find it;
an inspector downloads the bundle, and `docgen bundle verify` passes on it. Every page is
saved as a screenshot under the test's temporary folder (and copied to $DOCGEN_SCREENSHOTS
when set).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from conftest import PASSWORD

pytestmark = pytest.mark.slow
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
YEAR = dt.date.today().year
WAIT = 300  # seconds at most for LibreOffice under load; the waits end as soon as it is done


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(live_site):
    import uvicorn

    live_site.arc.update_settings(deadlines={(YEAR, "commitment"): {"due": f"{YEAR}-12-31"}})
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(live_site.app, host="127.0.0.1", port=port,
                                        log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not srv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", live_site
    srv.should_exit = True
    thread.join(timeout=30)


@pytest.fixture
def browser(tmp_path):
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("Debian's chromium and chromium-driver are not installed "
                    "(scripts/setup-system.sh installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--lang=zh-CN",
                 "--window-size=1280,1400", f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        opts.add_argument(flag)
    opts.add_experimental_option("prefs", {
        "intl.accept_languages": "zh-CN,zh", "download.default_directory": str(downloads),
        "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.execute_cdp_cmd("Page.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    driver.shots = tmp_path / "screenshots"
    driver.shots.mkdir()
    yield driver
    driver.quit()
    keep = os.environ.get("DOCGEN_SCREENSHOTS")  # pytest prunes old temp folders
    if keep:
        shutil.copytree(driver.shots, keep, dirs_exist_ok=True)


def _wait(driver, condition, what: str, timeout: float = 30):
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # htmx swaps elements while we look at them: a stale or missing one means "not yet"
    return WebDriverWait(driver, timeout, poll_frequency=0.2,
                         ignored_exceptions=(NoSuchElementException,
                                             StaleElementReferenceException)).until(
        lambda d: condition(d), message=f"waited for {what}")


def _shot(driver, name: str, at: str | None = None) -> None:
    """Save the window as NAME.png, scrolled to the element with id `at` when given."""
    if at:
        driver.execute_script("document.getElementById(arguments[0]).scrollIntoView()", at)
    driver.save_screenshot(str(driver.shots / f"{name}.png"))


def _login(driver, base: str, name: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/login")
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login").click()
    _wait(driver, lambda d: "/desk" in d.current_url, "the desk after logging in")


def _logout(driver) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, "form.who button").click()
    _wait(driver, lambda d: "/login" in d.current_url, "the login page")


def test_clerk_files_a_commitment_and_an_inspector_bundles_it(server, browser, docgen):
    from selenium.webdriver.common.by import By

    base, site = server
    d = browser
    d.get(f"{base}/desk")
    _wait(d, lambda d: "/login" in d.current_url, "the login page")
    _shot(d, "01-login")
    assert "登录" in d.page_source
    _login(d, base, "zhang")
    _shot(d, "02-desk")

    # fill a 承诺书: one commitment states no number
    d.get(f"{base}/forms/commitment")
    assert d.find_element(By.ID, "f-unit").get_attribute("value") == "区建设局规划处"

    def fill(name, text):
        el = d.find_element(By.NAME, name)
        el.clear()
        el.send_keys(text)

    fill("doc_number", f"建规〔{YEAR}〕5号")
    fill("date", f"{YEAR}-01-05")
    fill("preamble", "为深入开展民主评议活动，我处向社会作出如下承诺。")
    fill("items.0.content", "建设工程规划许可证审批实行限时办结")
    fill("items.0.deadline", f"{YEAR}-12-30")
    fill("items.0.target", "努力提高服务质量")
    _wait(d, lambda d: "没有数字" in d.find_element(By.ID, "err-items-0-target").text,
          "the rule's message at the commitment's target")
    message = _wait(d, lambda d: d.find_element(By.ID, "err-items-0-target").text,
                    "the message's text")
    assert "力求量化" in message
    _shot(d, "03-form-rule-message", at="f-items-0-content")

    fill("items.0.target", "办结时限由20个工作日压缩至10个工作日")
    _wait(d, lambda d: d.find_element(By.ID, "err-items-0-target").text == ""
          and "表单检查通过" in d.find_element(By.ID, "problems").text, "the fixed form to pass")

    d.find_element(By.ID, "preview").click()
    _wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#job[data-stage=done] .pages img"),
          "the preview", WAIT)
    _wait(d, lambda d: d.execute_script(
        "return [...document.querySelectorAll('.pages img')].every(i => i.naturalWidth > 0)"),
        "the preview images to load")
    _shot(d, "04-preview", at="result")

    d.find_element(By.ID, "file").click()
    _wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#filed a"), "the filing", WAIT)
    number = d.find_element(By.CSS_SELECTOR, "#filed a").text
    assert number.startswith(f"Z109-WS·{YEAR}-D30-GHC-")
    _shot(d, "05-filed", at="result")

    # the calendar shows it filed
    d.get(f"{base}/desk")
    row = d.find_element(By.CSS_SELECTOR, "tr[data-step=commitment]")
    assert number in row.text and "按时归档" in row.text
    hearing = d.find_element(By.CSS_SELECTOR, "tr[data-step=hearing]").text
    assert site.records["ghc"] in hearing and site.records["secret"] not in hearing
    _shot(d, "06-desk-filed")

    # search finds it
    d.get(f"{base}/search")
    d.find_element(By.ID, "q").send_keys("限时办结")
    d.find_element(By.ID, "search").click()
    _wait(d, lambda d: d.find_elements(By.ID, "hit-count"), "search results")
    assert number in d.page_source
    assert d.find_elements(By.CSS_SELECTOR, ".snippet mark")
    _shot(d, "07-search")

    d.get(f"{base}/records/{number}")
    assert "业务行为" in d.page_source and "zhang" in d.page_source
    _shot(d, "08-record")

    # a clerk of another unit: not found
    _logout(d)
    _login(d, base, "wang")
    d.get(f"{base}/records/{number}")
    assert "未找到" in d.page_source and number not in d.find_element(By.TAG_NAME, "main").text
    _shot(d, "09-other-unit-not-found")

    # an inspector downloads the bundle; docgen bundle verify passes on it
    _logout(d)
    _login(d, base, "li")
    d.get(f"{base}/bundle")
    d.find_element(By.ID, "bundle-year").send_keys(str(YEAR))
    d.find_element(By.ID, "make-bundle").click()
    _wait(d, lambda d: d.find_elements(By.ID, "download-bundle"), "the bundle", WAIT)
    _shot(d, "10-bundle")
    d.find_element(By.ID, "download-bundle").click()
    _wait(d, lambda d: [p for p in d.downloads.glob("*.zip")], "the download", 60)
    zip_path = next(d.downloads.glob("*.zip"))
    code, _out, err = docgen("bundle", "verify", zip_path)
    assert code == 0, err


def test_archivist_adds_rows_and_imports_through_the_page(server, browser, tmp_path,
                                                           pdfa_source):
    """htmx's other live parts: one more row, an upload with its progress, a refusal shown."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    base, site = server
    d = browser
    _login(d, base, "chen")
    d.get(f"{base}/forms/commitment")
    d.find_element(By.ID, "add-items").click()
    _wait(d, lambda d: d.find_elements(By.ID, "f-items-1-target"), "a second row")
    d.find_element(By.ID, "add-items").click()  # the button now asks for the third
    _wait(d, lambda d: d.find_elements(By.ID, "f-items-2-target"), "a third row")
    _shot(d, "11-rows", at="row-items-2")

    fake = tmp_path / "纪要.pdf"
    fake.write_bytes(b"<html>not a pdf</html>")
    d.get(f"{base}/import?unit=GHC&kind=听证会纪要")
    d.find_element(By.ID, "file").send_keys(str(fake))
    d.find_element(By.ID, "title").send_keys("规划处听证会纪要（补）")
    d.find_element(By.ID, "date").send_keys(f"{YEAR}-06-20")
    d.find_element(By.ID, "import").click()
    _wait(d, lambda d: "不符" in d.find_element(By.ID, "result").text, "the refusal")
    _shot(d, "12-import-refused", at="result")

    real = tmp_path / "听证会纪要.pdf"
    real.write_bytes((Path(pdfa_source) / "plan.pdf").read_bytes())
    d.find_element(By.ID, "file").clear()
    d.find_element(By.ID, "file").send_keys(str(real))
    Select(d.find_element(By.ID, "unit")).select_by_value("BGS")
    d.find_element(By.ID, "import").click()
    _wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#filed a"), "the import", WAIT)
    number = d.find_element(By.CSS_SELECTOR, "#filed a").text
    _shot(d, "13-imported", at="result")
    rec = site.arc.record(number)
    assert (rec.unit_code, rec.title, rec.kind) == ("BGS", "规划处听证会纪要（补）", "听证会纪要")
    assert rec.metadata["业务行为"][0]["机构人员名称"] == "chen"
