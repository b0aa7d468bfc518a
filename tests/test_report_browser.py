"""report.html in a real browser: headless Chromium with every network request blocked.

The page must draw one map shape per county, show its Chinese labels with a CJK
font, and ask for nothing but itself. Needs Debian's ``chromium`` and
``fonts-noto-cjk`` (``.ci/run`` installs them) and the ``playwright`` driver (the
test extras; no ``playwright install``: the system browser is used). Skipped with
the reason when they are missing locally; in CI (``CI=1``) a missing browser fails.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from optimizer.data.lang import Lang
from optimizer.data.read import load_dataset
from optimizer.runs.write import write_run
from optimizer.solve import solve

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "inputs" / "shanxi-central"
REFERENCE_COUNTIES = 53
CHROMIUM = Path("/usr/bin/chromium")
#: Chromium switches: no sandbox (root in CI containers), and nothing that phones home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: docs/img/report-html.png is rewritten when this is set (LANDQUOTA_SCREENSHOT=1).
SCREENSHOT_ENV = "LANDQUOTA_SCREENSHOT"
SCREENSHOT = ROOT / "docs" / "img" / "report-html.png"


def _browser_or_skip():
    missing = []
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing.append("the playwright package (pip install -e '.[test]')")
        sync_playwright = None
    if not CHROMIUM.is_file():
        missing.append(f"{CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    if missing:
        reason = "browser test needs " + " and ".join(missing)
        if os.environ.get("CI") == "1":
            pytest.fail(reason + " — CI must run it")
        pytest.skip(reason)
    return sync_playwright


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "run"
    write_run(solve(load_dataset(REFERENCE)), out, lang=Lang.ZH)
    return out / "report.html"


def test_the_report_renders_offline_with_a_shape_per_county(page_file):
    sync_playwright = _browser_or_skip()
    requests: list[str] = []
    page_url = page_file.as_uri()

    def block(route) -> None:
        url = route.request.url
        requests.append(url)
        if url == page_url:
            route.continue_()
        else:
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1100})
            context.route("**/*", block)
            page = context.new_page()
            failed: list[str] = []
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.goto(page_url, wait_until="load")
            shapes = page.locator("#map-allocation path.county")
            assert shapes.count() == REFERENCE_COUNTIES
            # drawn, not only present: every shape has a size on the page
            boxes = page.eval_on_selector_all(
                "#map-allocation path.county",
                "els => els.map(e => { const b = e.getBBox(); return b.width * b.height; })",
            )
            assert len(boxes) == REFERENCE_COUNTIES and min(boxes) > 0
            for key in ("satisfaction", "per_capita"):
                assert page.locator(f"#map-{key} path.county").count() == REFERENCE_COUNTIES
            text = page.inner_text("body")
            for label in (
                "新增建设用地指标分配",
                "分县地图",
                "需求满足率",
                "公平性洛伦兹曲线",
                "小店区",
            ):
                assert label in text
            assert page.locator("#lorenz polyline.lorenz").count() == 2
            if os.environ.get(SCREENSHOT_ENV) and shutil.which(str(CHROMIUM)):
                page.screenshot(
                    path=str(SCREENSHOT), clip={"x": 0, "y": 0, "width": 1400, "height": 1100}
                )
        finally:
            browser.close()
    assert requests == [page_url], f"the page asked for more than itself: {requests}"
    assert failed == []
