"""Stream codes: arithmetic (range) coding of a whole sequence under a model, so that
the bits written equal the model's cross-entropy on the data, -log2 q(x^n), to within a
few dozen bits.

The model is one probability vector for every symbol (shape (K,)), one row per symbol
(shape (n, K)), as a classifier or a language model gives, or a sequence model: a
callable ``model(prefix)`` giving the next symbol's distribution (:mod:`.sequence`
says how, and when the decoder sees the encoder's numbers). The coder itself is
constriction's range coder (the ``codes`` extra); this module checks the model, refuses
symbols the model calls impossible, quantises the probabilities through constriction's
24-bit categorical model, and moves the stream to and from ``bytes``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._errors import DistributionError
from .._inputs import Kind, Prepared, Tagged, prepare
from . import _deps
from ._bytes import as_bytes, check_count, symbol_array

__all__ = ["codelength", "decode", "encode"]


def _sequence_model(model: Any) -> bool:
    """A callable of the prefix (see :mod:`.sequence`), not an array of rows."""
    return callable(model) and not isinstance(model, Tagged | np.ndarray)


def _model(model: Any, check: bool) -> Prepared:
    name = "model"
    prep = prepare(model, name, -1, check=check)
    if prep.values.ndim not in (1, 2):
        raise DistributionError(
            f"model has shape {prep.values.shape}; give one probability vector (K,) for "
            "every symbol, or one row per symbol (n, K)"
        )
    return prep


#: The coder's probabilities are multiples of 2^-24, each outcome at least one of them.
_MAX_OUTCOMES = (1 << 24) - 1


def _probs64(prep: Prepared) -> np.ndarray:
    p = prep.probs() if prep.kind is not Kind.PROBS else prep.values
    k = p.shape[-1]
    if k > _MAX_OUTCOMES:
        raise ValueError(
            f"model has {k} outcomes, more than the {_MAX_OUTCOMES} the coder's 24-bit "
            "probabilities can tell apart; split the alphabet into two smaller symbols"
        )
    return np.ascontiguousarray(p, dtype=np.float64)


def _symbols(symbols: Any, k: int, check_range: bool = True) -> np.ndarray:
    """Symbols as int32, checked to lie in 0..k-1 (int32 input only if ``check_range``;
    other dtypes always, since the cast would wrap values outside int32)."""
    s = np.asarray(symbols)
    if s.ndim != 1:
        raise ValueError(f"symbols must be a 1-D array of ints in 0..{k - 1}, got shape {s.shape}")
    if s.dtype.kind not in "iu":
        if s.size and (s.dtype.kind not in "f" or not np.all(s == np.round(s))):
            raise TypeError(f"symbols must be integers in 0..{k - 1}, got dtype {s.dtype}")
    if s.dtype != np.int32:
        if s.size and (s.min() < 0 or s.max() >= k):
            _out_of_range(s, k)
        s = s.astype(np.int32)
    elif s.size and check_range:
        lo, hi = s.min(), s.max()
        if lo < 0 or hi >= k:
            _out_of_range(s, k)
    return s


def _out_of_range(s: np.ndarray, k: int) -> None:
    bad = int(np.argmax((s < 0) | (s >= k)))
    raise ValueError(
        f"symbols[{bad}] = {s[bad]} is outside the model's alphabet 0..{k - 1} ({k} outcomes)"
    )


def _zero_probability(bad: int, sym: int, where: str) -> ValueError:
    return ValueError(
        f"symbols[{bad}] = {sym} has probability 0 under {where}, so no code can write it "
        "(its code length log2(1/0) is infinite); give that outcome a positive probability"
    )


def _check_rows(prep: Prepared, n: int) -> None:
    if prep.values.ndim == 2 and prep.values.shape[0] != n:
        raise ValueError(
            f"model has {prep.values.shape[0]} rows but there are {n} symbols; a 2-D model "
            "needs one probability row per symbol"
        )


def codelength(symbols: Any, model: Any, *, check: bool = True) -> float:
    """The ideal code length of ``symbols`` under ``model``: -log2 q(x^n), in bits.

    With a 1-D model q this is Σ_i log2 1/q(x_i) = n · (empirical cross-entropy); with a
    2-D model it is Σ_i log2 1/q_i(x_i). :func:`encode` writes within 0.01% + 64 bits of
    it. ``inf`` if a symbol has probability 0. The model may also be ``ib.logits(...)``,
    ``ib.log_probs(...)`` or ``ib.counts(...)``. Shapes: symbols (n,), model (K,) or (n, K).

    >>> codelength([0, 1, 1, 2], [0.5, 0.25, 0.25])
    7.0

    Reference: Cover & Thomas, *Elements of Information Theory*, 2nd ed., §5.4 and §13.3
    (arithmetic coding attains -log q(x^n) + 2 bits).
    """
    if _sequence_model(model):
        from . import sequence

        return sequence.codelength(symbols, model)
    prep = _model(model, check)
    k = int(prep.values.shape[-1])
    s = _symbols(symbols, k)
    _check_rows(prep, s.size)
    if s.size == 0:
        return 0.0
    if prep.kind is Kind.PROBS:  # log2 directly: exact for powers of two
        v = prep.values
        ps = v[s] if v.ndim == 1 else v[np.arange(s.size), s]
        with np.errstate(divide="ignore"):
            return float(-np.sum(np.log2(ps.astype(np.float64))))
    logp = prep.logp()
    lp = logp[s] if logp.ndim == 1 else logp[np.arange(s.size), s]
    return float(-np.sum(lp, dtype=np.float64) / np.log(2.0))


def encode(symbols: Any, model: Any, *, check: bool = True) -> bytes:
    """Arithmetic-code ``symbols`` under ``model``; the stream, as bytes.

    The length is within 0.01% + 64 bits of :func:`codelength` for typical models (the
    coder quantises probabilities to multiples of 2^-24 and flushes at most two 32-bit
    words). A symbol with probability 0 raises ``ValueError``: no stream is written that
    could not be decoded. A 1-D model with zeros is coded over its support only, so the
    impossible symbols cost nothing. Shapes: symbols (n,) ints in 0..K-1; model (K,) or
    (n, K). The stream holds no header; :func:`decode` needs the same model and n.

    >>> data = encode([0, 1, 1, 2], [0.5, 0.25, 0.25])
    >>> decode(data, [0.5, 0.25, 0.25], 4).tolist()
    [0, 1, 1, 2]

    The model may be a sequence model: a callable ``model(prefix)`` that returns the next
    symbol's distribution given the symbols before it (probabilities, ``ib.logits`` or
    ``ib.log_probs``; NumPy or PyTorch; see :mod:`infobits.codes.sequence`). Then the
    stream is within 0.1% + 64 bits of Σ_t -log2 q(x_t | x_<t). An optional
    ``model.batch(symbols)`` returning all (n, K) rows lets encoding run the model once
    (teacher forcing). Decoding calls ``model`` on the decoded prefix, step by step, so it
    must return the very numbers the encoder saw: a deterministic model, and a ``batch``
    that computes each row exactly as a step does. With ``check=True`` the model is
    probed for that (a repeated first step; batch rows against steps at eight places).

    >>> def after(prefix):  # order 1: the last symbol repeats with probability 3/4
    ...     if prefix.size == 0:
    ...         return [0.5, 0.5]
    ...     return [0.75, 0.25] if prefix[-1] == 0 else [0.25, 0.75]
    >>> x = [0, 0, 0, 1, 1, 1, 1, 0]
    >>> data = encode(x, after)
    >>> decode(data, after, len(x)).tolist()
    [0, 0, 0, 1, 1, 1, 1, 0]
    >>> round(codelength(x, after), 3)  # 1 + 5 log2(4/3) + 2 · 2 bits
    7.075

    Reference: J. Rissanen and G. G. Langdon, "Arithmetic coding", IBM J. Res. Dev. 23
    (1979); G. N. N. Martin, "Range encoding" (1979); R. Bamler, "Understanding entropy
    coding with asymmetric numeral systems (ANS)" (2022), and the constriction library.
    """
    if _sequence_model(model):
        from . import sequence

        return sequence.encode(symbols, model, check)
    cs = _deps.constriction()
    prep = _model(model, check)
    q = _probs64(prep)
    k = int(q.shape[-1])
    # With a full-support static model, constriction itself refuses a symbol outside the
    # alphabet, so the range is checked (to name the culprit) only if it does.
    full = q.ndim == 1 and bool(np.all(q > 0))
    s = _symbols(symbols, k, check_range=not full)
    _check_rows(prep, s.size)
    if s.size == 0:
        return b""
    enc = cs.stream.queue.RangeEncoder()
    if q.ndim == 1:
        q, s = _support(q, s)
        if q.size == 1:  # a certain outcome: zero bits
            return b""
        try:
            enc.encode(s, cs.stream.model.Categorical(q, perfect=False))
        except KeyError as e:
            _symbols(s, k)  # raises the worded error
            raise ValueError(f"the coder refused the symbols: {e}") from None
    else:
        zero = q[np.arange(s.size), s] <= 0
        if zero.any():
            bad = int(np.argmax(zero))
            raise _zero_probability(bad, int(s[bad]), f"row {bad} of the model")
        enc.encode(s, cs.stream.model.Categorical(perfect=False), _two_columns(q))
    return enc.get_compressed().tobytes()


def _support(q: np.ndarray, s: np.ndarray | None) -> tuple[np.ndarray, Any]:
    """Restrict a 1-D model to its support, renumbering symbols; refuse impossible ones."""
    pos = q > 0
    if pos.all():
        return q, s
    idx = np.flatnonzero(pos)
    if s is None:
        return q[idx], idx
    if (~pos[s]).any():
        bad = int(np.argmax(~pos[s]))
        raise _zero_probability(bad, int(s[bad]), "the model")
    renumber = np.cumsum(pos, dtype=np.int32) - 1
    return q[idx], renumber[s]


def decode(
    data: bytes | bytearray | memoryview, model: Any, n: int, *, check: bool = True
) -> np.ndarray:
    """Decode ``n`` symbols from a stream written by :func:`encode` with the same model.

    Shapes: model (K,) or (n, K); result (n,) int64. A stream whose length is not a whole
    number of 32-bit words is refused, and so is an ``n`` the stream cannot hold: every
    symbol costs at least c = log2(2^24 / m) bits, where m is the largest probability
    the coder's 24-bit model can give (about 2^24 · max q), and a stream of W words holds
    at most 32 (W + 1) bits of them, so n · c <= 32 (W + 1). Other damage is not
    detectable at this level (the file container adds a checksum); a stream the coder
    finds inconsistent raises ``ValueError``.

    With a sequence model (a callable, see :func:`encode` and :mod:`.sequence`) decoding
    runs step by step: step t calls ``model(prefix)`` with the t symbols decoded so far.
    Before each step the stream's capacity is checked against the least cost of the rows
    seen so far, so an ``n`` the stream cannot hold is refused as soon as the stream is
    spent, and memory grows only with the symbols decoded. An error in the model, or an
    invalid distribution, raises ``ValueError`` naming ``model`` and the step t.

    >>> decode(encode([2, 2, 0], [0.25, 0.25, 0.5]), [0.25, 0.25, 0.5], 3).tolist()
    [2, 2, 0]
    >>> decode(encode([2, 2, 0], [0.25, 0.25, 0.5]), [0.25, 0.25, 0.5], 10**12)
    Traceback (most recent call last):
    ...
    ValueError: n = 1000000000000 symbols cannot come from data of 4 bytes: ...

    Reference: as :func:`encode`.
    """
    if _sequence_model(model):
        from . import sequence

        return sequence.decode(data, model, n)
    cs = _deps.constriction()
    n = check_count(n)
    raw = as_bytes(data)
    prep = _model(model, check)
    q = _probs64(prep)
    _check_rows(prep, n)
    if len(raw) % 4:
        raise ValueError(
            f"data has {len(raw)} bytes, not a whole number of 32-bit words; it is not a "
            "stream written by infobits.codes.encode, or it was truncated"
        )
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    idx = None
    if q.ndim == 1:
        qs, idx = _support(q, None)
        if qs.size == 1:  # a certain outcome costs 0 bits: any n fits in any stream
            return symbol_array(n, int(np.flatnonzero(q > 0)[0]))
    if not raw:
        raise ValueError(f"data is empty, but n = {n} symbols were asked for")
    words = len(raw) // 4
    if q.ndim == 1:
        _check_capacity(n, words, _least_bits(qs[None, :])[0])
    else:
        _check_rows_fit(words, _least_bits(_two_columns(q)))
    dec = cs.stream.queue.RangeDecoder(np.frombuffer(raw, dtype="<u4").astype(np.uint32))
    if q.ndim == 2:
        try:
            out = dec.decode(cs.stream.model.Categorical(perfect=False), _two_columns(q))
        except (AssertionError, ValueError, RuntimeError, KeyError, IndexError) as e:
            raise _coder_failure(e, len(raw)) from None
        return _possible(np.asarray(out, dtype=np.int64), q, len(raw))
    res = symbol_array(n)
    try:
        cat = cs.stream.model.Categorical(qs, perfect=False)
        for i in range(0, n, _CHUNK):  # the coder allocates one chunk at a time
            m = min(_CHUNK, n - i)
            res[i : i + m] = dec.decode(cat, m)
    except (AssertionError, ValueError, RuntimeError, KeyError, IndexError) as e:
        raise _coder_failure(e, len(raw)) from None
    return idx[res] if idx is not None else res


#: Symbols decoded per call of the coder, whose output buffer cannot be preallocated.
_CHUNK = 1 << 20

#: The coder's fixed-point precision, word size, and a bound on its quantisation.
_PRECISION = 24
_WORD_BITS = 32
#: constriction's "fast" quantisation gives outcome i of K the integer weight
#: floor(C_(i+1) s) - floor(C_i s) + 1 with s = (2^24 - K) / Σq (C: cumulative sums), at
#: most q_i s + 2; 3 leaves room for the rounding of the float sums.
_QUANT_SLACK = 3.0


def _least_bits(q: np.ndarray) -> np.ndarray:
    """For each row of ``q`` (rows, K), the fewest bits any one symbol can cost the coder.

    The coder's weight for the likeliest outcome is at most min(2^24 - (K - 1),
    max_q / Σq · (2^24 - K) + 3), since every other outcome keeps a weight of at least 1;
    log2(2^24 / weight) is then a lower bound on every symbol's cost in that row. Each
    step of the range coder shrinks its range by at least that factor, so these bounds
    are sound (they never refuse a stream that :func:`encode` wrote).
    """
    k = q.shape[1]
    total = q.sum(axis=1)
    top = q.max(axis=1) / total * float((1 << _PRECISION) - k) + _QUANT_SLACK
    weight = np.minimum(top, float((1 << _PRECISION) - (k - 1)))
    return np.log2(float(1 << _PRECISION) / weight)


def _capacity_bits(words: int) -> float:
    """The most symbol cost a stream of ``words`` 32-bit words can carry: its range starts
    below 2^64, stays >= 2^32 after each renormalisation (one word each), so the costs
    sum to at most 32 (words + 1) bits."""
    return float(_WORD_BITS * (words + 1))


def _check_capacity(n: int, words: int, least: float) -> None:
    cap = _capacity_bits(words)
    most = math.floor(cap / least * (1 + 1e-9)) + 1 if least > 0 else n
    if n > most:
        raise ValueError(
            f"n = {n} symbols cannot come from data of {4 * words} bytes: under this model "
            f"every symbol costs at least {least:.3g} bits, so {4 * words} bytes hold at most "
            f"{most} symbols; pass the n that was given to encode (or the whole stream)"
        )


def _check_rows_fit(words: int, least: np.ndarray) -> None:
    need = math.fsum(least.tolist())
    cap = _capacity_bits(words)
    if need * (1 - 1e-9) > cap:
        raise ValueError(
            f"data of {4 * words} bytes cannot hold {least.size} symbols under this model: "
            f"they cost at least {need:.6g} bits, more than the {cap:.0f} bits such a "
            "stream carries; pass the whole stream that encode wrote"
        )


def _possible(out: np.ndarray, q: np.ndarray, size: int) -> np.ndarray:
    """The coder keeps a weight of 2^-24 for outcomes of probability 0 (and for the
    padding column of a one-outcome model); only a damaged stream decodes to them."""
    k = q.shape[1]
    bad = out >= k
    bad[~bad] = q[np.flatnonzero(~bad), out[~bad]] <= 0
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(
            f"data ({size} bytes) is not a stream that encode wrote with this model: symbol "
            f"{i} decodes to outcome {int(out[i])}, which row {i} of the model calls "
            "impossible; check that data and model are those given to encode"
        )
    return out


def _coder_failure(e: BaseException, size: int) -> ValueError:
    return ValueError(
        f"data ({size} bytes) is not a stream that encode wrote with this model and n: the "
        f"coder stopped with {type(e).__name__}: {e or 'invalid data'}; check that data, "
        "model and n are those given to encode"
    )


def _two_columns(q: np.ndarray) -> np.ndarray:
    """constriction needs two outcomes or more; a one-outcome model gets an empty second."""
    if q.shape[1] > 1:
        return q
    return np.concatenate([q, np.zeros_like(q)], axis=1)
