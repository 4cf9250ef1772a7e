"""The C loop (``infobits.codes._cmcore``) against the numba loop (``_cmloop``): the same
bytes for every model, order and input, each decoding the other's streams, state that
one can resume from the other, and arguments checked by name."""

from __future__ import annotations

import gzip
import sysconfig
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infobits.codes import adaptive
from infobits.codes.adaptive import byte_costs, compress_bytes, decompress_bytes, model_params

cmcore = pytest.importorskip("infobits.codes._cmcore")
pytest.importorskip("numba")


def _with(name: str, fn, *args):
    old = adaptive.BACKEND
    adaptive.BACKEND = name
    try:
        return fn(*args)
    finally:
        adaptive.BACKEND = old


def _real_texts() -> list[tuple[str, bytes]]:
    """Python sources, licences and man pages of this machine (what there is of them)."""
    out = []
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    py = sorted(stdlib.glob("*.py"))
    if py:
        out.append(("stdlib", b"".join(p.read_bytes() for p in py[:12])[:120_000]))
    lic = Path("/usr/share/common-licenses")
    if lic.is_dir():
        files = sorted(p for p in lic.iterdir() if p.is_file())
        out.append(("licenses", b"".join(p.read_bytes() for p in files)[:80_000]))
    man = sorted(Path("/usr/share/man/man1").glob("*.gz"))[:40]
    pages = b""
    for p in man:
        try:
            pages += gzip.decompress(p.read_bytes())
        except (OSError, EOFError):
            continue
    if pages:
        out.append(("man", pages[:80_000]))
    return out


def _generated() -> list[tuple[str, bytes]]:
    rng = np.random.default_rng(7)
    calls = bytearray()
    while len(calls) < 20_000:
        calls += bytes([int(rng.choice([0xE8, 0xE9]))]) + int(rng.integers(0, 2**32)).to_bytes(
            4, "little"
        )
        calls += bytes(rng.integers(0, 256, int(rng.integers(0, 5)), dtype=np.uint8))
    return [
        ("empty", b""),
        ("one", b"q"),
        ("random", rng.integers(0, 256, 30_000, dtype=np.uint8).tobytes()),
        ("runs", bytes(np.repeat(rng.integers(0, 256, 400), 75).astype(np.uint8))),
        ("period", b"abcabd" * 5000),
        ("calls", bytes(calls)),
        ("words", b" ".join(rng.choice([b"the", b"Code", b"x_1", b"\xc3\xa9t\xc3\xa9"], 8000))),
    ]


MODELS = [(1, 0), (1, 1), (1, 3), (1, 8), (2, 2), (2, 5), (3, 1), (3, 2), (3, 4), (3, 5), (3, 8)]
MODELS += [(4, 1), (4, 2), (4, 3), (4, 5), (4, 8)]


@pytest.mark.parametrize("version,order", MODELS)
@pytest.mark.parametrize("name,raw", _real_texts() + _generated(), ids=lambda x: str(x)[:10])
def test_c_and_numba_write_the_same_bytes_and_decode_each_other(name, raw, version, order):
    p = model_params(order, len(raw), version=version)
    c_blob, c_ideal = _with("c", compress_bytes, raw, p)
    n_blob, n_ideal = _with("numba", compress_bytes, raw, p)
    assert c_blob == n_blob
    assert c_ideal == n_ideal  # the same float sums, in the same order
    assert _with("c", decompress_bytes, n_blob, len(raw), p) == raw
    assert _with("numba", decompress_bytes, c_blob, len(raw), p) == raw


@pytest.mark.parametrize("version", [1, 2, 3, 4])
def test_byte_costs_agree(version):
    raw = _real_texts()[0][1][:20_000] if _real_texts() else b"text, more text " * 1000
    p = model_params(5, len(raw), version=version)
    assert np.array_equal(_with("c", byte_costs, raw, p), _with("numba", byte_costs, raw, p))


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3000), st.integers(0, 8), st.sampled_from([1, 2, 3, 4]))
def test_any_bytes_code_alike(raw, order, version):
    p = model_params(order, len(raw), version=version)
    blob = _with("c", compress_bytes, raw, p)[0]
    assert blob == _with("numba", compress_bytes, raw, p)[0]
    assert _with("c", decompress_bytes, blob, len(raw), p) == raw


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200), st.booleans())
def test_the_call_transforms_agree(raw, forward):
    a = np.frombuffer(raw + bytes([0xE8, 0, 0, 0, 0]) + raw, np.uint8).copy()
    b = a.copy()
    _with("c", lambda: adaptive._kernel()[2](a, forward))
    _with("numba", lambda: adaptive._kernel()[2](b, forward))
    assert np.array_equal(a, b)


@pytest.mark.parametrize("version", [1, 3, 4])
def test_either_loop_resumes_the_others_state(version, monkeypatch):
    """Chunks coded in turn by the C and the numba loop make the stream of either alone:
    the state arrays mean the same to both."""
    raw = b"".join(t for _, t in _real_texts())[:60_000] or b"resume me " * 6000
    p = model_params(5, len(raw), version=version)
    whole = _with("c", compress_bytes, raw, p)[0]
    c, nb = _with("c", adaptive._kernel), _with("numba", adaptive._kernel)
    calls = {"n": 0}

    def alternating():
        calls["n"] += 1
        return c if calls["n"] % 2 else nb

    monkeypatch.setattr(adaptive, "_CHUNK", 7_001)
    # _encode and decompress_bytes ask for the kernel once: swap it per chunk in _step
    step = adaptive._step

    def swapping_step(kernel, *args, **kw):
        return step(alternating(), *args, **kw)

    monkeypatch.setattr(adaptive, "_step", swapping_step)
    assert compress_bytes(raw, p)[0] == whole
    assert decompress_bytes(whole, len(raw), p) == raw


@pytest.mark.parametrize("version", [3, 4])
@pytest.mark.parametrize("ctx", [[6, 2, 100, 3, 101], [101, 4, 4, 2], [16, 100]])
def test_any_context_list_codes_alike(ctx, version, monkeypatch):
    """Context lists in any order (an order after a higher one takes the higher one's
    hash), with repeats and both word contexts, give the same stream in both loops."""
    monkeypatch.setattr(adaptive, "_contexts3", lambda order: ctx)
    raw = (b"".join(t for _, t in _real_texts()) or b"any context list " * 2000)[:30_000]
    p = model_params(5, len(raw), version=version)
    blob = _with("c", compress_bytes, raw, p)[0]
    assert blob == _with("numba", compress_bytes, raw, p)[0]
    assert _with("c", decompress_bytes, blob, len(raw), p) == raw
    assert _with("numba", decompress_bytes, blob, len(raw), p) == raw


def test_the_c_loop_codes_in_threads_at_once():
    """The loop releases the GIL and keeps no global state: threads coding different
    inputs at once each get the stream of coding alone."""
    texts = [
        bytes([65 + k]) * 2000 + b"".join(t for _, t in _generated())[:40_000] for k in range(4)
    ]
    p = model_params(5, 50_000, version=3)
    alone = [_with("c", compress_bytes, t, p)[0] for t in texts]
    got: list[bytes | None] = [None] * 4

    def work(k: int) -> None:
        got[k] = compress_bytes(texts[k], p)[0]

    old = adaptive.BACKEND
    adaptive.BACKEND = "c"
    try:
        threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        adaptive.BACKEND = old
    assert got == alone


def _args3(n: int = 100, version: int = 3):
    st3 = adaptive._State3(model_params(5, n, version=version))
    data = np.zeros(n, np.uint8)
    buf = np.zeros(n + 200, np.uint8)
    return [
        data, 0, n, buf, st3.regs, st3.cost, st3.t1, st3.th, st3.tm, st3.mix, st3.mhash,
        st3.apm, adaptive._STRETCH32, adaptive._SQUASH32, adaptive._RECIP32, adaptive._COST,
        st3.ctx, model_params(5, n, version=version).table_bits, False, adaptive._NO_COSTS,
        version,
    ]  # fmt: skip


def test_the_c_loop_runs_on_good_arguments():
    args = _args3()
    assert cmcore.loop3(*args) == 100
    args = _args3()
    assert cmcore.loop3(*args[:-1]) == 100  # the version is 3 unless given


def test_the_model_4_loop_needs_no_knots_and_model_3_does():
    args = _args3(version=4)
    assert len(args[11]) < 1000  # model 4's state has no secondary estimate
    assert cmcore.loop3(*args) == 100
    args = _args3(version=3)
    args[11] = _args3(version=4)[11]
    with pytest.raises(ValueError, match="apm"):
        cmcore.loop3(*args)
    args = _args3()
    args[-1] = 5
    with pytest.raises(ValueError, match="ver"):
        cmcore.loop3(*args)


@pytest.mark.parametrize(
    "where,value,mentions",
    [
        (0, np.zeros(100, np.int64), "data"),  # wrong item type
        (0, b"\x00" * 100, "data"),  # read-only
        (7, np.zeros(10, np.uint16), "th"),  # too short for len(ctx) * 2**tb
        (9, np.zeros((8192, 5), np.int32), "mix"),  # wrong number of inputs
        (10, np.zeros(1000, np.int64), "mhash"),  # not a power of 2
        (12, adaptive._STRETCH32[:100], "stretch"),
        (16, np.array([2, 3, 99], np.int64), "ctx"),
        (2, 1000, "end"),  # past the data
        (1, -1, "start"),
    ],
)
def test_the_c_loop_refuses_bad_arguments_by_name(where, value, mentions):
    args = _args3()
    args[where] = value
    with pytest.raises((TypeError, ValueError), match=mentions):
        cmcore.loop3(*args)


def test_the_c_loop_refuses_impossible_registers():
    args = _args3()
    args[4][7] = 5  # a match of 5 bytes...
    args[4][6] = 10_000  # ... pointing past what was coded
    with pytest.raises(ValueError, match="regs"):
        cmcore.loop3(*args)
    args = _args3()
    args[4][4] = 10**6  # output position past the buffer
    with pytest.raises(ValueError, match="regs"):
        cmcore.loop3(*args)


def test_the_models_1_2_loop_refuses_a_wrong_table_shape():
    n = 50
    params = model_params(4, n, version=2)
    s = adaptive._State(params)
    data = np.zeros(n, np.uint8)
    buf = np.zeros(n + 200, np.uint8)
    args = [
        data, 0, n, buf, s.regs, s.cost, s.t0, s.t1, s.th, s.tm, s.mix, s.mhash, s.apm,
        adaptive._STRETCH, adaptive._SQUASH, adaptive._RECIP, adaptive._COST, params.order,
        params.table_bits, False, adaptive._NO_COSTS, params.version,
    ]  # fmt: skip
    assert cmcore.loop(*args) == n
    args[8] = np.asarray(s.th)[:1].copy()  # a row short
    with pytest.raises(ValueError, match="th"):
        cmcore.loop(*args)
    args[8] = s.th
    args[10] = np.asarray(s.mix).astype(np.int32)
    with pytest.raises(TypeError, match="mix"):
        cmcore.loop(*args)
