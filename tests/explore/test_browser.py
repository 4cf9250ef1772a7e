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


# ---------------------------------------------------------------- the text view and languages


def settle_text(pg: Page, after: int = 0) -> None:
    """Wait until the text view has drawn the answer to its latest request (numbered > after)."""
    pg.wait_for_function(
        "after => !document.body.dataset.textBusy && "
        "Number(document.body.dataset.textSeq || 0) > after",
        arg=after,
        timeout=20000,
    )


def text_seq(pg: Page) -> int:
    return int(pg.evaluate("Number(document.body.dataset.textSeq || 0)"))


def _english() -> dict[str, str]:
    import json

    from infobits.explore._app import STATIC

    return json.loads((STATIC / "i18n.json").read_text(encoding="utf-8"))["en"]


EN = _english()


def shade(bits: float) -> str:
    """The colour the page gives a character: white to (214, 39, 40) over 0..16 bits."""
    f = min(max(bits, 0.0), 16.0) / 16.0
    r, g, b = (math.floor(255 + (c - 255) * f + 0.5) for c in (214, 39, 40))
    return f"rgb({r}, {g}, {b})"


def type_text(pg: Page, text: str, model: str, like: str | None = None) -> None:
    before = text_seq(pg)
    pg.select_option("#text-model", model)
    if like is not None:
        pg.fill("#text-like", like)
    pg.fill("#text-input", text)
    settle_text(pg, before)
    pg.wait_for_timeout(300)  # a last keystroke may still be waiting out the debounce
    settle_text(pg, text_seq(pg) - 1)


@pytest.mark.parametrize("model", ["order0", "order2", "mix"])
def test_text_view_shades_each_character_by_the_librarys_bits(page: Page, model: str):
    from infobits.textbits import text_bits

    page.click("#tab-text")
    settle_text(page)
    text = "héllo, 世界 🙂 e\u0301 hello"
    type_text(page, text, model)
    ref = text_bits(text, model)
    spans = page.locator("#text-shaded span.ch")
    assert spans.count() == len(text)
    assert page.text_content("#text-model-description") == EN[f"text.about.{model}"]
    got = page.evaluate(
        "() => [...document.querySelectorAll('#text-shaded span.ch')].map(s => "
        "[s.dataset.char, Number(s.dataset.bits), getComputedStyle(s).backgroundColor])"
    )
    for (ch, bits, colour), want_ch, want in zip(got, text, ref.bits, strict=True):
        assert ch == want_ch
        assert bits == pytest.approx(float(want), rel=1e-12)
        assert colour == shade(float(want))
    assert value(page, "text-ideal") == pytest.approx(ref.ideal_bits, rel=1e-12)
    assert value(page, "text-coded") == ref.coded_bits
    assert value(page, "text-gap") == pytest.approx(ref.gap_bits, rel=1e-9, abs=1e-9)
    assert page.text_content("#text-coded") == f"{ref.coded_bits} bits"
    # the exact value on focus, from the keyboard
    spans.first.focus()
    page.keyboard.press("ArrowRight")
    tip = page.text_content("#text-tip")
    assert f"{float(ref.bits[1]):.4f} bits" in tip and "U+00E9" in tip and "2 UTF-8 bytes" in tip
    # and on hover
    page.hover("#text-shaded span.ch[data-i='9']")
    assert f"{float(ref.bits[9]):.4f}" in page.text_content("#text-tip")


def test_text_view_crosscode_shows_h_a_h_ab_and_d(page: Page):
    from infobits.codes.crosscode import crosscode

    page.click("#tab-text")
    settle_text(page)
    a, b = "abracadabra", "the quick brown fox"
    type_text(page, a, "crosscode", like=b)
    ref = crosscode(a.encode(), b.encode())
    assert page.locator("#text-cross").is_visible()
    assert value(page, "text-h-a") == pytest.approx(ref.entropy, rel=1e-12)
    assert value(page, "text-h-ab") == pytest.approx(ref.cross_entropy, rel=1e-12)
    assert value(page, "text-d-ab") == pytest.approx(ref.kl_divergence, rel=1e-12)
    assert value(page, "text-coded") == ref.arithmetic_cross_bits


def test_text_view_shows_the_librarys_message_for_a_text_over_the_cap(page: Page):
    from infobits.textbits import MAX_CHARS, text_bits

    page.click("#tab-text")
    settle_text(page)
    type_text(page, "x" * (MAX_CHARS + 1), "order0")
    with pytest.raises(ValueError) as e:
        text_bits("x" * (MAX_CHARS + 1), "order0")
    assert page.text_content("#text-error") == str(e.value)
    assert page.locator("#text-error").is_visible()


def test_language_switch_translates_both_views_and_keeps_the_numbers(page: Page):
    import json

    from infobits.explore._app import STATIC

    zh = json.loads((STATIC / "i18n.json").read_text(encoding="utf-8"))["zh"]
    before = value(page, "entropy")
    page.select_option("#lang", "zh")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.text_content("#tab-text") == zh["tab.text"]
    assert page.text_content("#sampling h2") == zh["sample.title"]
    assert page.locator("#preset option[value='essay']").text_content() == zh["preset.essay.name"]
    assert value(page, "entropy") == before
    page.click("#tab-text")
    settle_text(page)
    assert page.text_content("label[for='text-input']") == zh["text.input"]
    assert page.input_value("#text-input") == zh["text.sample"]
    page.reload()
    settle(page)
    assert page.input_value("#lang") == "zh"  # remembered
    page.select_option("#lang", "en")
    assert page.text_content("#tab-text") == "Text: where the bits go"
