"""The estimators' option checks: one place that says what each option may be.

Every public estimator checks its options here before it touches the data, so a wrong
option is refused the same way everywhere, with a message that names the argument, the
value given and what to pass instead. Numbers are checked by type as well as by value:
``True`` is not a count of replicates, ``2.5`` is not a number of neighbours, and NaN
passes every ``<`` comparison, so each check is written to refuse it explicitly.
"""

from __future__ import annotations

import math
import numbers
import operator
from typing import TYPE_CHECKING, Any

import numpy as np

from .nsb import MAX_NSB_ALPHABET

if TYPE_CHECKING:
    from ._common import CountRows

__all__ = [
    "BOOTSTRAP_REPLICATES",
    "MAX_BOOT",
    "MAX_BOOT_CELLS",
    "check_alphabet",
    "check_alphabet_pair",
    "check_boot_size",
    "check_ci",
    "check_method",
    "check_n_boot",
    "check_neighbors",
    "check_nsb_alphabet",
    "check_options",
    "check_positive",
    "check_prior_mass",
    "check_seed",
    "whole_number",
]

#: More bootstrap replicates than this add nothing a user can see.
MAX_BOOT = 1_000_000

#: Replicates × rows of counts held at once (8 bytes each): bounds a bootstrap to ~512 MB.
MAX_BOOT_CELLS = 1 << 26


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def whole_number(value: Any, name: str, low: int, high: int | None = None) -> int:
    """``value`` as a Python int in [low, high], or a worded error naming ``name``.

    Accepts Python and NumPy integers, not booleans and not floats (``2.0`` is refused
    too: a float here is almost always a computed value that was meant to be rounded).
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        hint = ""
        if isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
            hint = f"; pass int({value!r})" if float(value).is_integer() else ""
        raise TypeError(
            f"{name} must be a whole number (an int), got {_shown(value)} of type "
            f"{type(value).__name__}{hint}"
        )
    v = operator.index(value)
    if v < low or (high is not None and v > high):
        top = f" and at most {high:,}" if high is not None else ""
        raise ValueError(f"{name}={_shown(v)} is out of range; it must be at least {low}{top}")
    return v


def _real(value: Any, name: str) -> float:
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a number, got {_shown(value)} of type {type(value).__name__}"
        )
    return float(value)


def check_ci(ci: Any) -> float | None:
    """``ci``: None, or a coverage level strictly between 0 and 1."""
    if ci is None:
        return None
    v = _real(ci, "ci")
    if not (0.0 < v < 1.0):  # written so that NaN fails too
        raise ValueError(f"ci={ci!r} is not a coverage level; use a number in (0, 1) such as 0.95")
    return v


def check_n_boot(n_boot: Any, default: int) -> int:
    """``n_boot``: None (the default) or a whole number of replicates in [2, MAX_BOOT]."""
    if n_boot is None:
        return default
    return whole_number(n_boot, "n_boot", 2, MAX_BOOT)


def check_boot_size(n_boot: int, rows: int) -> None:
    """Refuse a bootstrap whose replicates of every row would not fit in memory."""
    if n_boot * rows > MAX_BOOT_CELLS:
        raise ValueError(
            f"n_boot={n_boot} replicates of {rows} rows of counts would hold "
            f"{n_boot * rows:,} estimates at once, more than {MAX_BOOT_CELLS:,}; lower "
            "n_boot, or estimate fewer rows at a time"
        )


def check_seed(seed: Any) -> Any:
    """``seed``: None, a whole number >= 0, or a NumPy Generator / SeedSequence."""
    if seed is None or isinstance(seed, np.random.Generator | np.random.SeedSequence):
        return seed
    if isinstance(seed, bool | np.bool_) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"seed must be a whole number >= 0 or a numpy.random.Generator, got "
            f"{_shown(seed)} of type {type(seed).__name__}"
        )
    if seed < 0:
        raise ValueError(f"seed={_shown(seed)} is negative; use a whole number >= 0")
    return int(seed)


#: The range of a Dirichlet concentration or pseudocount. Far above it the prior is a point
#: mass on the uniform distribution anyway (and K·a leaves float64); far below it, on one
#: symbol (and ψ(a) ≈ −1/a leaves float64).
MIN_PRIOR, MAX_PRIOR = 1e-100, 1e100


def check_positive(value: Any, name: str) -> float:
    """A number in [MIN_PRIOR, MAX_PRIOR] (a Dirichlet concentration, a pseudocount)."""
    v = _real(value, name)
    if not (MIN_PRIOR <= v <= MAX_PRIOR):  # written so that NaN fails too
        raise ValueError(
            f"{name}={value!r} is not allowed; it must be a number > 0, from 1e-100 to 1e100"
        )
    return v


def check_prior_mass(k: Any, a: float, name: str) -> None:
    """The prior's total mass K·a must stay far inside float64 (its square is used)."""
    if k is not None and np.any(np.asarray(k, dtype=np.float64) * a > 1e300):
        kmax = float(np.max(k))
        raise ValueError(
            f"alphabet_size × {name} = {kmax:.3g} × {a:.3g} is beyond 1e300, where the "
            f"prior's mass overflows float64; use a smaller alphabet_size or {name}"
        )


def check_neighbors(k: Any) -> int:
    """``k``, the number of nearest neighbours: a whole number >= 1."""
    return whole_number(k, "k", 1)


def check_alphabet(
    k: Any, rows: CountRows, name: str, needed: bool, method: str
) -> np.ndarray | None:
    sup = rows.support
    if k is None:
        if needed:
            raise ValueError(
                f"method={method!r} needs the alphabet size: pass alphabet_size=K (the number "
                "of possible symbols, seen or not), or use method='chao_wang_jost', which "
                "does not need it"
            )
        return None
    if isinstance(k, int) and not isinstance(k, bool) and k >= 2**63:
        # beyond int64 NumPy would make an object array and the check below would call
        # a perfectly whole number not whole; as a float it is exact enough for log K
        if k > 2**1023:
            raise ValueError(f"alphabet_size={_shown(k)} is too large; it must be below 2**1023")
        k = float(k)
    ka = np.asarray(k)
    if ka.dtype.kind not in "iuf":
        raise TypeError(
            f"alphabet_size must be a positive whole number (an int, or an array of them "
            f"per row), got {_shown(k)}"
        )
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(ka) | (ka != np.floor(ka)) | (ka < 1) | (ka > 2.0**1023)
    if np.any(bad):
        v = ka.reshape(-1)[int(np.argmax(bad.reshape(-1)))]
        raise ValueError(
            f"alphabet_size must be a positive whole number below 2**1023, got {v!r}"
            + (f" (in {_shown(k)})" if ka.ndim else "")
        )
    try:
        ka = np.broadcast_to(ka, rows.batch)
    except ValueError:
        raise ValueError(
            f"alphabet_size has shape {ka.shape}, which does not match the {rows.batch} rows "
            f"of {name}; give one K, or one per row"
        ) from None
    ka = ka.reshape(-1).astype(np.float64)
    short = ka < np.maximum(sup, 1)
    if short.any():
        i = int(np.argmax(short))
        where = f" in row {i}" if rows.batch else ""
        raise ValueError(
            f"alphabet_size={int(ka[i])} is smaller than the {int(sup[i])} distinct symbols "
            f"seen in {name}{where}; it must count every possible symbol"
        )
    return ka


def check_nsb_alphabet(method: str, k: Any) -> None:
    if method == "nsb" and k is not None and np.any(np.asarray(k) > MAX_NSB_ALPHABET):
        raise ValueError(
            f"alphabet_size={float(np.max(k)):.3g} is beyond what method='nsb' can integrate "
            f"over (at most {MAX_NSB_ALPHABET:g}); use method='chao_wang_jost', which "
            "needs no alphabet size"
        )


def check_method(method: str, allowed: tuple[str, ...], what: str) -> None:
    if method != "auto" and method not in allowed:
        raise ValueError(
            f"method={method!r} is not a {what} method; use one of "
            + ", ".join(repr(m) for m in ("auto", *allowed))
        )


#: bootstrap replicates for count data when n_boot is not given
BOOTSTRAP_REPLICATES = 1000


def check_options(
    ci: Any, n_boot: Any, seed: Any, default: int = BOOTSTRAP_REPLICATES
) -> tuple[float | None, int, Any]:
    """Check ``ci``, ``n_boot`` and ``seed``; return them (n_boot with its default)."""
    return check_ci(ci), check_n_boot(n_boot, default), check_seed(seed)


def check_alphabet_pair(alphabet_size: Any) -> tuple[int, int] | None:
    """``alphabet_size=(K_x, K_y)`` checked: two whole numbers >= 1 whose product is
    below 2**1023."""
    if alphabet_size is None:
        return None
    if not (isinstance(alphabet_size, tuple | list) and len(alphabet_size) == 2):
        raise ValueError(
            f"alphabet_size must be a pair (K_x, K_y) for two variables, got "
            f"{_shown(alphabet_size)}"
        )
    out = []
    for v, which in zip(alphabet_size, ("K_x", "K_y"), strict=True):
        ok = isinstance(v, numbers.Integral) and not isinstance(v, bool | np.bool_)
        if isinstance(v, float | np.floating) and math.isfinite(v) and float(v).is_integer():
            ok, v = True, int(v)
        if not ok or v < 1:
            raise ValueError(
                f"alphabet_size=(K_x, K_y) needs whole numbers >= 1, but {which} is {_shown(v)}"
            )
        out.append(int(v))
    if out[0] * out[1] >= 2**1023:
        raise ValueError(
            f"alphabet_size={tuple(out)}: the joint alphabet K_x·K_y must be below 2**1023"
        )
    return out[0], out[1]
