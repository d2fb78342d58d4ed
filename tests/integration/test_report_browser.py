"""The report in a real browser: headless Debian Chromium opens the offline file and we check
that the map and tables render, the language switch works, nothing logs an error or touches
the network, and Chinese is drawn with a CJK font (asked of Chromium itself through CDP)."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import pytest
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from pipelines.report import generate_report

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--window-size=1300,1800",
]


def _fixture_module():
    path = Path(__file__).resolve().parents[1] / "unit" / "report" / "fixture_warehouse.py"
    spec = importlib.util.spec_from_file_location("report_fixture_warehouse", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def driver(tmp_path):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ARGS:
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={tmp_path / 'chrome-profile'}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        yield drv
    finally:
        drv.quit()


@pytest.fixture
def report_html(tmp_path) -> Path:
    fx = _fixture_module()
    db = fx.build_fixture(tmp_path / "warehouse.duckdb")
    return Path(generate_report(db, tmp_path / "reports")["html"])


def _platform_fonts(driver, selector: str) -> list[dict]:
    """Fonts Chromium actually used to draw the text of the first node matching ``selector``."""
    driver.execute_cdp_cmd("DOM.enable", {})
    driver.execute_cdp_cmd("CSS.enable", {})
    root = driver.execute_cdp_cmd("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = driver.execute_cdp_cmd("DOM.querySelector", {"nodeId": root, "selector": selector})[
        "nodeId"
    ]
    assert node, f"no node {selector}"
    text = driver.execute_cdp_cmd("DOM.describeNode", {"nodeId": node, "depth": 1})["node"][
        "children"
    ][0]
    # the fonts are reported for the text node's parent element
    assert text["nodeType"] == 3
    return driver.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


@pytest.mark.slow
def test_report_renders_offline_bilingual_with_cjk_font(driver, report_html, tmp_path):
    driver.get(report_html.as_uri())

    # map and tables are rendered
    svg = driver.find_element(By.ID, "risk-map")
    assert svg.is_displayed() and svg.size["width"] > 300 and svg.size["height"] > 200
    assert len(driver.find_elements(By.CSS_SELECTOR, "#risk-map circle.risk")) == 3
    assert len(driver.find_elements(By.CSS_SELECTOR, "#risk-map path.district")) == 3
    for table in (
        "top-risks-table",
        "ledger-table",
        "spectrum-table",
        "quality-table",
        "freshness-table",
    ):
        rows = driver.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr")
        assert rows and rows[0].is_displayed(), table

    # Chinese by default, drawn with a CJK font
    title_zh = driver.find_element(By.CSS_SELECTOR, "header h1 .zh")
    title_en = driver.find_element(By.CSS_SELECTOR, "header h1 .en")
    assert title_zh.is_displayed() and not title_en.is_displayed()
    assert title_zh.text == "城市安全风险日报"
    fonts = _platform_fonts(driver, "header h1 .zh")
    cjk = [f for f in fonts if "CJK" in f["familyName"]]
    assert cjk and sum(f["glyphCount"] for f in cjk) == len("城市安全风险日报"), fonts

    # the evil driver text is shown as text, not run
    assert '<script>alert("x")</script>' in driver.find_element(By.ID, "top-risks-table").text

    shot = tmp_path / "report_zh.png"
    assert driver.save_screenshot(str(shot))
    image = Image.open(io.BytesIO(shot.read_bytes())).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # not a blank page
    reds = sum(n for n, (r, g, b) in colours if r > 200 and g < 50 and b < 50)
    assert reds > 500  # the red headline card and red risks are painted

    # one click to English
    driver.find_element(By.ID, "lang-switch").click()
    assert title_en.is_displayed() and not title_zh.is_displayed()
    assert title_en.text == "City safety risk report"
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    body = driver.find_element(By.TAG_NAME, "body").text
    assert "Hazard ledger" in body and "隐患台账" not in body
    driver.save_screenshot(str(tmp_path / "report_en.png"))

    # no console errors, no network requests of any kind
    errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert not errors, errors
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0
