"""The page's script without a browser: app.js runs in Node on a small stand-in for the
DOM (tests/explore/page_driver.js) against the app served by uvicorn, and what it shows
(each character's bits and colour, the tips, the readings, the language switch) is held
to the library, computed here. Layout and real input events need Chromium
(test_browser.py); this covers the script's logic wherever Node is installed."""

from __future__ import annotations

import json
import math
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from infobits.codes.crosscode import crosscode
from infobits.explore._app import STATIC
from infobits.textbits import MAX_CHARS, text_bits

NODE = shutil.which("node")
if NODE is None:
    pytest.skip("NODE TESTS SKIPPED: node is not installed", allow_module_level=True)

import uvicorn  # noqa: E402

from infobits.explore import create_app  # noqa: E402

HERE = Path(__file__).parent
VOID = {"meta", "link", "img", "input", "br", "hr", "source"}
STRINGS = json.loads((STATIC / "i18n.json").read_text(encoding="utf-8"))


class Tree(HTMLParser):
    """index.html as nested {tag, attrs, children} for the driver's stand-in DOM."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: dict[str, Any] = {"tag": "#root", "attrs": [], "children": []}
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = {"tag": tag, "attrs": attrs, "children": []}
        self.stack[-1]["children"].append(el)
        if tag not in VOID:
            self.stack.append(el)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        while len(self.stack) > 1:
            if self.stack.pop()["tag"] == tag:
                break

    def handle_data(self, data: str) -> None:
        self.stack[-1]["children"].append(data)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), log_level="warning", lifespan="off"))
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


def drive(base_url: str, tmp_path: Path, steps: list[dict[str, Any]], **extra: Any) -> Any:
    parser = Tree()
    parser.feed((STATIC / "index.html").read_text(encoding="utf-8"))
    html = next(c for c in parser.root["children"] if isinstance(c, dict) and c["tag"] == "html")
    (tmp_path / "tree.json").write_text(json.dumps(html), encoding="utf-8")
    (tmp_path / "scenario.json").write_text(json.dumps({"steps": steps, **extra}), "utf-8")
    argv = [str(NODE), str(HERE / "page_driver.js"), base_url, str(tmp_path / "tree.json")]
    argv += [str(STATIC / "app.js"), str(tmp_path / "scenario.json")]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert "fatal" not in out, out.get("fatal")
    assert out["errors"] == []
    return out


def shade(bits: float) -> str:
    f = min(max(bits, 0.0), 16.0) / 16.0
    r, g, b = (math.floor(255 + (c - 255) * f + 0.5) for c in (214, 39, 40))
    return f"rgb({r}, {g}, {b})"


TEXT = "héllo, 世界 🙂 e\u0301\nhello"


def check_shown(shown: dict[str, Any], text: str, model: str, like: str | None = None) -> None:
    ref = text_bits(text, model, like)
    assert [s["char"] for s in shown["spans"]] == list(text)
    for s, want, nbytes in zip(shown["spans"], ref.bits, ref.char_bytes, strict=True):
        assert s["bits"] == pytest.approx(float(want), rel=1e-12)
        assert s["bytes"] == nbytes
        assert s["colour"] == shade(float(want))
        assert s["dark"] == (float(want) / 16 > 0.55)
        assert f"{float(want):.4f} bits" in s["title"]
    assert float(shown["ideal"]) == pytest.approx(ref.ideal_bits, rel=1e-12)
    assert int(shown["coded"]) == ref.coded_bits
    assert shown["coded_text"] == f"{ref.coded_bits} bits"
    assert float(shown["gap"]) == pytest.approx(ref.gap_bits, rel=1e-9, abs=1e-9)
    assert [s["tabindex"] for s in shown["spans"]].count("0") == 1  # one tab stop
    assert shown["error"] is None


def test_the_text_view_shows_the_librarys_bits_colours_and_tips(base_url, tmp_path):
    out = drive(
        base_url,
        tmp_path,
        [
            {"do": "tab", "view": "text", "wait": True},
            {"do": "type", "model": "order0", "text": TEXT, "wait": True},
            {"do": "focus", "i": 0, "keys": ["ArrowRight"]},
            {"do": "hover", "i": 10},
            {"do": "type", "model": "order3", "text": TEXT, "wait": True},
            {"do": "type", "model": "mix", "text": TEXT * 3, "wait": True},
            {
                "do": "type",
                "model": "crosscode",
                "text": "abracadabra",
                "like": "the quick brown fox",
                "wait": True,
            },
            {"do": "type", "model": "order0", "text": "x" * (MAX_CHARS + 1), "wait": True},
        ],
    )
    assert out["start"]["entropy"] == "3" and out["start"]["lang"] == "en"
    assert out["start"]["view_text_hidden"] is True
    sample, order0, focus, hover, order3, mix, cross, over = out["steps"]
    check_shown(sample, STRINGS["en"]["text.sample"], "order0")
    check_shown(order0, TEXT, "order0")
    ref = text_bits(TEXT, "order0")
    assert focus["focused"] == "1"
    assert focus["tip"] == f"é U+00E9: {float(ref.bits[1]):.4f} bits (2 UTF-8 bytes)"
    assert hover["tip"] == f"🙂 U+1F642: {float(ref.bits[10]):.4f} bits (4 UTF-8 bytes)"
    assert TEXT[10] == "🙂"
    assert sample["spans"][0]["title"].endswith("bits (1 UTF-8 byte)")
    check_shown(order3, TEXT, "order3")
    check_shown(mix, TEXT * 3, "mix")
    check_shown(cross, "abracadabra", "crosscode", "the quick brown fox")
    c = crosscode(b"abracadabra", b"the quick brown fox")
    assert cross["cross_hidden"] is False
    assert float(cross["h_a"]) == pytest.approx(c.entropy, rel=1e-12)
    assert float(cross["h_ab"]) == pytest.approx(c.cross_entropy, rel=1e-12)
    assert float(cross["d_ab"]) == pytest.approx(c.kl_divergence, rel=1e-12)
    with pytest.raises(ValueError) as e:
        text_bits("x" * (MAX_CHARS + 1), "order0")
    assert over["error"] == str(e.value)
    assert over["count"].startswith(f"{MAX_CHARS + 1} characters, {MAX_CHARS + 1} UTF-8 bytes")


def test_the_language_switch_translates_both_views(base_url, tmp_path):
    zh, en = STRINGS["zh"], STRINGS["en"]
    ids = ["tab-text", "tab-diagram", "text-scale-top", "huffman-p-length", "legend-cut-text"]
    out = drive(
        base_url,
        tmp_path,
        [
            {"do": "lang", "lang": "zh"},
            {"do": "read", "ids": ids},
            {"do": "tab", "view": "text", "wait": True},
            {"do": "read", "ids": ids},
            {"do": "lang", "lang": "en"},
            {"do": "read", "ids": ids},
        ],
    )
    in_zh, _, text_zh, in_en = out["steps"]
    assert in_zh["lang"] == "zh-CN"
    assert in_zh["texts"]["tab-text"] == zh["tab.text"]
    assert in_zh["options"][0] == zh["custom-preset"]
    assert zh["preset.essay.name"] in in_zh["options"]
    assert in_zh["entropy"] == "3"  # the numbers stay
    assert text_zh["models"] == [
        zh[f"text.model.{m}"] for m in ("order0", "order1", "order2", "order3", "mix", "crosscode")
    ]
    assert text_zh["text_input"] == zh["text.sample"]
    assert text_zh["texts"]["text-scale-top"] == "≥ 16 bit"
    assert text_zh["hash"] == "#text" and text_zh["view_text_hidden"] is False
    assert in_en["lang"] == "en" and in_en["texts"]["tab-text"] == en["tab.text"]
    assert in_en["text_input"] == en["text.sample"]  # the sample follows the language


def test_the_page_opens_in_chinese_when_asked(base_url, tmp_path):
    out = drive(base_url, tmp_path, [], search="?lang=zh")
    assert out["start"]["lang"] == "zh-CN"
    assert out["start"]["tab_text"] == STRINGS["zh"]["tab.text"]
    out = drive(base_url, tmp_path, [], language="zh-CN")
    assert out["start"]["text_input"] == STRINGS["zh"]["text.sample"]


def test_the_sample_table_is_drawn_and_translated(base_url, tmp_path):
    import numpy as np

    import infobits as ib

    out = drive(
        base_url,
        tmp_path,
        [{"do": "sample"}, {"do": "lang", "lang": "zh"}, {"do": "read-sample"}],
    )
    en, zh = out["steps"]
    p = np.array([10.0] * 8)  # the essay preset
    q = np.array([32, 16, 8, 4, 1, 1, 1, 1], dtype=float)
    u = np.random.default_rng(7).random(500)  # the documented inverse-CDF draw
    symbols = np.minimum(np.searchsorted(np.cumsum(p), u * p.sum(), side="right"), p.size - 1)
    rows = {code: bits for code, _, bits in en["rows"]}
    for name, dist in (("p", p), ("q", q)):
        assert rows[f"arithmetic code for {name}"] == 8 * len(
            ib.codes.encode(symbols, dist / dist.sum())
        )
    assert en["heads"][0] == STRINGS["en"]["sample.col.code"]
    assert zh["heads"][0] == STRINGS["zh"]["sample.col.code"]
    assert [r[1] for r in zh["rows"]] == [STRINGS["zh"][f"code.{r[0]}"] for r in zh["rows"]]
    assert "seed 7" in en["info"] and "种子 7" in zh["info"]
