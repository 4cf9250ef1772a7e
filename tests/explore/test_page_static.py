"""The page's files without a browser: every string the page shows exists in English and
Chinese, and index.html holds every element app.js asks for. (The browser tests drive
the page itself; these run everywhere.)"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from infobits.explore import create_app
from infobits.explore._api import PRESETS
from infobits.explore._app import STATIC
from infobits.textbits import MODELS

HTML = (Path(STATIC) / "index.html").read_text(encoding="utf-8")
JS = (Path(STATIC) / "app.js").read_text(encoding="utf-8")
STRINGS = json.loads((Path(STATIC) / "i18n.json").read_text(encoding="utf-8"))
EN, ZH = STRINGS["en"], STRINGS["zh"]
I18N_ATTRS = ("data-i18n", "data-i18n-html", "data-i18n-aria", "data-i18n-placeholder")


class Page(HTMLParser):
    """Ids, translation keys and the English text of each translated element."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.keys: dict[str, set[str]] = {a: set() for a in I18N_ATTRS}
        self.texts: dict[str, str] = {}
        self._open: list[tuple[str, str, list[str]]] = []  # (tag, key, text parts)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(str(a["id"]))
        for name in I18N_ATTRS:
            if a.get(name):
                self.keys[name].add(str(a[name]))
        for part in self._open:
            part[2].append(self.get_starttag_text() or "")
        key = a.get("data-i18n") or a.get("data-i18n-html")
        if key and tag not in ("img", "input", "br"):
            self._open.append((tag, key, []))

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1][0] == tag:
            _, key, parts = self._open.pop()
            self.texts[key] = " ".join("".join(parts).split())
        for part in self._open:
            part[2].append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        for part in self._open:
            part[2].append(data)


@pytest.fixture(scope="module")
def page() -> Page:
    p = Page()
    p.feed(HTML)
    return p


def placeholders(s: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", s))


def tags(s: str) -> list[str]:
    return sorted(re.findall(r"</?\w+", s))


def test_every_english_string_has_a_chinese_translation_with_the_same_placeholders():
    assert set(EN) == set(ZH)
    for key, en in EN.items():
        zh = ZH[key]
        assert en.strip() and zh.strip(), key
        assert placeholders(en) == placeholders(zh), key
        assert tags(en) == tags(zh), key
    # translated, not copied: every string with an English word in it differs
    same = [k for k in EN if EN[k] == ZH[k] and re.search(r"[a-z]{4,}", EN[k])]
    assert same == []


def test_markup_in_translations_is_only_sub_and_code():
    for lang in (EN, ZH):
        for key, s in lang.items():
            assert set(re.findall(r"</?(\w+)", s)) <= {"sub", "code"}, key


def test_every_key_in_the_page_exists_and_the_english_text_is_the_page_text(page):
    for name in I18N_ATTRS:
        missing = page.keys[name] - set(EN)
        assert not missing, (name, missing)
    for key, shown in page.texts.items():
        assert shown == " ".join(EN[key].split()), key


def test_ids_are_unique_and_every_element_app_js_asks_for_exists(page):
    assert len(page.ids) == len(set(page.ids))
    asked = set(re.findall(r'\$\("([\w-]+)"\)', JS))
    asked |= set(re.findall(r'getElementById\("([\w-]+)"\)', JS))
    made_by_script = {"sample-info", "sample-table", "sample-reading", "sample-error"}
    missing = asked - set(page.ids) - made_by_script
    assert not missing, missing
    for kind in ("diagram", "text"):  # ids built as `view-${v}` and `tab-${v}`
        assert f"view-{kind}" in page.ids and f"tab-{kind}" in page.ids
    for name in made_by_script:
        assert f'"{name}"' in JS


def test_every_key_app_js_translates_exists():
    literal = set(re.findall(r'\bt\("([\w.-]+)"', JS))
    assert literal, "no t(...) calls found: the pattern is out of date"
    assert not (literal - set(EN)), literal - set(EN)
    # keys built from data: each one the data can produce
    built = {f"text.model.{m}" for m in MODELS} | {f"text.about.{m}" for m in MODELS}
    built |= {f"preset.{p['id']}.{f}" for p in PRESETS for f in ("name", "description")}
    cols = re.search(r"for \(const h of \[([^\]]+)\]\)", JS)
    assert cols is not None
    built |= {f"sample.col.{h}" for h in re.findall(r'"([\w-]+)"', cols.group(1))}
    assert not (built - set(EN)), built - set(EN)
    for template in ("`text.model.${", "`text.about.${", "`sample.col.${", "`code.${"):
        assert template in JS


def test_the_library_code_names_the_sample_table_shows_are_translated():
    client = TestClient(create_app())
    s = client.post("/api/sample", json={"p": [1, 1], "q": [1, 3], "kind": "counts", "n": 10})
    names = {row["code"] for row in s.json()["codes"]}
    assert names and {f"code.{n}" for n in names} <= set(EN)


def test_presets_in_english_are_the_apis_own_words():
    for p in PRESETS:
        assert EN[f"preset.{p['id']}.name"] == p["name"]
        assert EN[f"preset.{p['id']}.description"] == p["description"]


def test_the_strings_file_is_served():
    client = TestClient(create_app())
    r = client.get("/static/i18n.json")
    assert r.status_code == 200
    assert r.json()["zh"]["tab.text"] == ZH["tab.text"]


def test_the_language_switch_offers_english_and_chinese(page):
    assert re.search(
        r'<select id="lang">\s*<option value="en">English</option>\s*'
        r'<option value="zh">中文</option>',
        HTML,
    )
    assert 'const LANGS = ["en", "zh"];' in JS


def test_the_text_view_sends_what_the_api_takes():
    # the request body the script builds: text, model, and like only for crosscode
    assert re.search(
        r"\{ text: \$\(\"text-input\"\)\.value, model: \$\(\"text-model\"\)\.value \}", JS
    )
    assert 'if (body.model === "crosscode") body.like = $("text-like").value;' in JS
    assert 'postJSON("/api/text"' in JS
    for field in ("bits", "char_bytes", "ideal_bits", "coded_bits", "gap_bits", "crosscode"):
        assert f"d.{field}" in JS, field
