"""The explorer end to end: a real Chromium, driven by Playwright, against the app served
by uvicorn on a free loopback port. Every number read off the page is checked against
the library, computed here independently of the page."""

from __future__ import annotations

import math
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import infobits as ib

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        f"BROWSER TESTS SKIPPED: {CHROMIUM} is missing, so the explorer is not tested in a "
        "browser. Install Debian's chromium (`make browser`, or apt-get install chromium).",
        allow_module_level=True,
    )

import uvicorn  # noqa: E402 - only once the skip above has passed
from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402 - only once the skip above has passed

from infobits.explore import create_app  # noqa: E402 - only once the skip above has passed

pytestmark = pytest.mark.timeout(120)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the explorer server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    pg = context.new_page()
    errors: list[str] = []
    foreign: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    # Chromium logs every 4xx answer; a 422 is the API refusing input, which the page shows.
    pg.on(
        "console",
        lambda m: (
            errors.append(m.text) if m.type == "error" and "status of 422" not in m.text else None
        ),
    )
    pg.on("request", lambda r: None if r.url.startswith(base_url) else foreign.append(r.url))
    pg.goto(base_url + "/")
    settle(pg)
    yield pg
    context.close()
    assert errors == [], f"errors in the page: {errors}"
    assert foreign == [], f"the page asked for something outside the app: {foreign}"


def settle(pg: Page, after: int = 0) -> None:
    """Wait until the page has drawn the answer to its latest request (numbered > after)."""
    pg.wait_for_function(
        "after => !document.body.dataset.busy && Number(document.body.dataset.seq || 0) > after",
        arg=after,
        timeout=15000,
    )


def seq(pg: Page) -> int:
    return int(pg.evaluate("Number(document.body.dataset.seq || 0)"))


def value(pg: Page, id_: str) -> float:
    raw = pg.get_attribute(f"#{id_}", "data-value")
    assert raw is not None
    return math.inf if raw == "inf" else float(raw)


def weights(pg: Page, which: str) -> list[int]:
    k = int(pg.input_value("#k"))
    return [int(pg.input_value(f"#{which}-weight-{i}")) for i in range(k)]


def check_numbers_match_library(pg: Page) -> None:
    p, q = weights(pg, "p"), weights(pg, "q")
    pc, qc = ib.counts(np.array(p)), ib.counts(np.array(q))
    assert value(pg, "entropy") == pytest.approx(float(ib.entropy(pc)), rel=1e-12, abs=1e-15)
    hpq = float(ib.cross_entropy(pc, qc))
    assert value(pg, "cross-entropy") == pytest.approx(hpq, rel=1e-12, abs=1e-15)
    kl = float(ib.kl_divergence(pc, qc))
    assert value(pg, "kl-divergence") == pytest.approx(kl, rel=1e-12, abs=1e-15)
    shown = pg.text_content("#entropy")
    assert shown == f"{float(ib.entropy(pc)):.3f} bits"
    for i, w in enumerate(p):
        assert pg.text_content(f"#p-prob-{i}") == f"{w / sum(p):.4f}"


def bar_fractions(pg: Page) -> dict[int, float]:
    """Each drawn bar's width as a fraction of the plot's width, read from the SVG."""
    return pg.evaluate(
        """() => {
            const bars = [...document.querySelectorAll('#bars rect.bar')];
            const clip = document.querySelector('#plot-area rect');
            const w = Number(clip.getAttribute('width'));
            return Object.fromEntries(
                bars.map(b => [b.dataset.i, Number(b.getAttribute('width')) / w]));
        }"""
    )


def test_page_opens_on_the_essay_example_with_its_numbers(page: Page):
    assert page.input_value("#preset") == "essay"
    assert value(page, "entropy") == 3.0
    assert value(page, "cross-entropy") == 4.25
    assert not page.locator("#legend-cut").is_visible()
    assert value(page, "kl-divergence") == pytest.approx(1.25, rel=1e-15)
    assert page.text_content("#kl-divergence-text") == "1.250 bits a symbol are wasted"
    assert page.locator("#bars rect.bar").count() == 8
    assert page.text_content("#q-codeword-0") == "0"
    assert page.text_content("#q-codeword-7") == "111111"
    assert page.text_content("#p-codeword-5") == "101"
    check_numbers_match_library(page)


def test_moving_a_slider_updates_numbers_and_svg_to_match_the_library(page: Page):
    before_svg = bar_fractions(page)
    before = seq(page)
    slider = page.locator("#p-range-0")
    slider.focus()
    for _ in range(15):  # a user dragging by keyboard: 10 -> 25
        page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.getElementById('p-weight-0').value === '25'")
    settle(page, before)
    page.wait_for_timeout(100)
    settle(page, seq(page) - 1)
    assert weights(page, "p") == [25, 10, 10, 10, 10, 10, 10, 10]
    check_numbers_match_library(page)
    after_svg = bar_fractions(page)
    assert after_svg != before_svg
    expected = np.array(weights(page, "p")) / sum(weights(page, "p"))
    assert [after_svg[str(i)] for i in range(8)] == pytest.approx(expected.tolist(), rel=1e-9)
    height = page.evaluate(
        "Number(document.querySelector('#bars rect.bar[data-i=\"0\"]').dataset.length)"
    )
    assert height == 1.0  # q unchanged: outcome 0 still has a 1-bit codeword


def test_typing_a_zero_weight_for_q_makes_the_cost_infinite(page: Page):
    before = seq(page)
    page.fill("#q-weight-7", "0")
    settle(page, before)
    assert value(page, "cross-entropy") == math.inf
    assert page.text_content("#cross-entropy") == "∞ bits"
    assert page.text_content("#q-codeword-7") == "none"
    assert page.locator("path.cut-marker").count() == 1
    legend = page.locator("#legend-cut")
    assert legend.is_visible()
    assert "bar cut off at" in legend.text_content() and "7: ∞" in legend.text_content()
    check_numbers_match_library(page)


def test_invalid_weights_show_the_library_message_and_recover(page: Page):
    page.select_option("#preset", "coin")
    settle(page, seq(page) - 1)
    for i in range(2):
        before = seq(page)
        page.fill(f"#p-weight-{i}", "0")
        settle(page, before)
    error = page.locator("#error")
    assert error.is_visible()
    with pytest.raises(ib.DistributionError) as e:
        ib.entropy(ib.counts([0, 0]))
    assert error.text_content() == str(e.value)
    before = seq(page)
    page.fill("#p-weight-0", "2.5")
    settle(page, before)
    with pytest.raises(ib.DistributionError) as e:
        ib.entropy(ib.counts([2.5, 0]))
    assert error.text_content() == str(e.value)
    before = seq(page)
    page.fill("#p-weight-0", "3")
    settle(page, before)
    assert not error.is_visible()
    check_numbers_match_library(page)


def test_presets_and_k_buttons_change_the_outcomes(page: Page):
    before = seq(page)
    page.select_option("#preset", "loaded-as-fair")
    settle(page, before)
    assert page.locator("#rows tr").count() == 6
    assert weights(page, "p") == [1, 1, 1, 1, 1, 5]
    check_numbers_match_library(page)
    before = seq(page)
    page.click("#k-plus")
    settle(page, before)
    assert page.locator("#rows tr").count() == 7
    assert page.locator("#bars rect.bar").count() == 7
    check_numbers_match_library(page)
    for _ in range(10):
        page.click("#k-minus")
    page.wait_for_function("() => document.querySelectorAll('#rows tr').length === 2")
    settle(page, seq(page) - 1)
    assert page.input_value("#k") == "2"
    check_numbers_match_library(page)


def test_unit_switch_reports_nats(page: Page):
    before = seq(page)
    page.select_option("#base", "nats")
    settle(page, before)
    assert value(page, "entropy") == pytest.approx(math.log(8), rel=1e-15)
    assert page.text_content("#entropy") == f"{math.log(8):.3f} nats"
    assert "ln(1/qᵢ) (nats)" in page.text_content("#diagram")


def test_sample_button_shows_the_actual_encoded_length(page: Page):
    page.fill("#n", "500")
    page.fill("#seed", "7")
    page.click("#sample")
    page.wait_for_selector("#sample-table")
    p = np.array(weights(page, "p"), dtype=float)
    q = np.array(weights(page, "q"), dtype=float)
    u = np.random.default_rng(7).random(500)  # the documented inverse-CDF draw
    symbols = np.minimum(np.searchsorted(np.cumsum(p), u * p.sum(), side="right"), p.size - 1)
    for model, dist in (("p", p), ("q", q)):
        code = ib.codes.huffman(ib.counts(dist))
        payload = len("".join(code.codewords[s] for s in symbols))
        row = page.locator(f'#sample-table tr[data-code="Huffman code for {model}"]')
        assert float(row.locator("td.bits").get_attribute("data-value")) == 8 * math.ceil(
            payload / 8
        )
        overhead = float(row.locator("td.overhead").get_attribute("data-value"))
        assert overhead == 8 * math.ceil(payload / 8) - payload
        row = page.locator(f'#sample-table tr[data-code="arithmetic code for {model}"] td.bits')
        written = len(ib.codes.encode(symbols, dist / dist.sum()))
        assert float(row.get_attribute("data-value")) == 8 * written
    assert "seed 7" in page.text_content("#sample-info")
    assert "overhead" in page.text_content("#sample-reading")


def test_screenshot_of_the_page_is_not_blank(page: Page, tmp_path: Path):
    out = tmp_path / "explorer.png"
    page.screenshot(path=str(out), full_page=True)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    if os.environ.get("INFOBITS_SCREENSHOT_DIR"):
        Path(os.environ["INFOBITS_SCREENSHOT_DIR"], "explorer.png").write_bytes(data)
