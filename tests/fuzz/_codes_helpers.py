"""Shared pieces of the codes fuzz tests: independent references and a classifier for
cases that may either decode or be refused (a damaged stream can do both)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import TypeVar

import numpy as np
from hypothesis import strategies as st

from .harness import Hang, Outcome, record, time_limit

T = TypeVar("T")


def either(
    surface: str,
    call: Callable[[], T],
    accept: Callable[[T], object],
    mentions_any: Sequence[str],
    errors: tuple[type[BaseException], ...] = (ValueError, TypeError),
) -> T | BaseException:
    """A case with no known answer in advance: a value must pass ``accept``; an error
    must be one of ``errors`` and name one of ``mentions_any``."""
    try:
        with time_limit():
            result = call()
    except Hang:
        record(surface, Outcome.HANG)
        raise AssertionError("unreachable") from None
    except errors as exc:
        msg = str(exc)
        if not any(m in msg for m in mentions_any):
            record(surface, Outcome.UNCAUGHT, f"message {msg!r} names none of {mentions_any}")
        record(surface, Outcome.DOCUMENTED)
        return exc
    except Exception as exc:
        record(surface, Outcome.UNCAUGHT, f"{type(exc).__name__}: {exc}")
        raise AssertionError("unreachable") from None
    verdict = accept(result)
    if verdict is not True:
        record(surface, Outcome.WRONG, f"got {result!r}: {verdict}")
    record(surface, Outcome.CORRECT)
    return result


def entropy_bits(p: Sequence[float]) -> float:
    """H(p) in bits by math.fsum (the reference)."""
    total = math.fsum(p)
    return math.fsum(-(x / total) * math.log2(x / total) for x in p if x > 0)


def kraft_exact(lengths: Sequence[int]) -> Fraction:
    """Σ 2^-l in exact rationals."""
    return sum((Fraction(1, 1 << int(x)) for x in lengths), Fraction(0))


def prefix_free(words: Sequence[str]) -> bool:
    """No codeword is a prefix of another, and none repeats. In sorted order every word
    between w and a word extending w also starts with w, so neighbours suffice."""
    ws = sorted(w for w in words if w)
    return all(not ws[i + 1].startswith(ws[i]) for i in range(len(ws) - 1)) and len(set(ws)) == len(
        ws
    )


def huffman_cost(p: Sequence[float]) -> float:
    """Expected length of an optimal code: the sum of the merged weights (heap Huffman),
    by math.fsum; every optimal code has it."""
    import heapq

    w = sorted(x for x in p if x > 0)
    if len(w) < 2:
        return 0.0
    total = math.fsum(w)
    heap = [x / total for x in w]
    heapq.heapify(heap)
    merged = []
    while len(heap) > 1:
        a, b = heapq.heappop(heap), heapq.heappop(heap)
        merged.append(a + b)
        heapq.heappush(heap, a + b)
    return math.fsum(merged)


@st.composite
def distributions(draw: st.DrawFn, max_k: int = 300, zeros: bool = True) -> np.ndarray:
    """Probability vectors of many shapes: flat, Dirichlet-skewed, geometric, with zeros
    and with probabilities down to 1e-300."""
    k = draw(st.integers(1, max_k))
    seed = draw(st.integers(0, 2**32 - 1))
    kind = draw(st.sampled_from(["dirichlet", "flat", "geometric", "tiny", "dyadic", "subnormal"]))
    rng = np.random.default_rng(seed)
    if kind == "dirichlet":
        p = rng.dirichlet(np.full(k, draw(st.sampled_from([0.05, 0.3, 1.0, 5.0]))))
    elif kind == "flat":
        p = np.full(k, 1.0 / k)
    elif kind == "geometric":
        p = draw(st.floats(0.01, 0.99)) ** np.arange(k, dtype=np.float64)
    elif kind == "tiny":
        p = 10.0 ** -rng.uniform(0, draw(st.sampled_from([5, 30, 300])), size=k)
    elif kind == "dyadic":
        p = np.ldexp(1.0, -rng.integers(1, 30, size=k))
    else:  # a distribution plus a few subnormal outcomes, added after normalising
        if draw(st.booleans()):
            p = rng.dirichlet(np.ones(k))
        else:  # dyadic: the sum then tips just over 1
            p = np.full(k, 1.0 / 2 ** int(np.log2(k)) if k > 1 else 1.0)
            p[2 ** int(np.log2(k)) :] = 0.0
        tiny = rng.random(k) < 0.4
        tiny[0] = False
        p = np.where(tiny, 0.0, p)
        p /= p.sum()
        return np.where(tiny, draw(st.sampled_from([5e-324, 1e-310, 2e-308])), p)
    if zeros and k > 1 and draw(st.booleans()):
        p[rng.random(k) < 0.3] = 0.0
    if not np.any(p > 0):
        p[0] = 1.0
    return p / p.sum()
