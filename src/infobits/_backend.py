"""Which array library an input belongs to, answered in one place.

NumPy arrays, Python lists and scalars go through the tuned NumPy engine. Arrays from any
other library that speaks the array API (PyTorch, JAX, CuPy, Dask, the array-api-strict
reference implementation) are computed in their own library, on their own device and in
their own dtype, through ``array-api-compat``; that is what lets gradients flow through
the measures. The rest of the package asks only the questions defined here, and never
which library it runs on.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from ._inputs import Tagged

__all__ = [
    "const",
    "device_of",
    "eps_of",
    "host_bool",
    "is_numpy",
    "is_torch_namespace",
    "log_softmax",
    "logsumexp",
    "namespace",
    "to_numpy",
]

_NUMPY_TYPES = (np.ndarray, np.generic, list, tuple, int, float, bool)


def _raw(x: Any) -> Any:
    return x.values if isinstance(x, Tagged) else x


def _foreign(x: Any) -> bool:
    """True when ``x`` is an array of a library other than NumPy."""
    x = _raw(x)
    if x is None or isinstance(x, _NUMPY_TYPES):
        return False
    mod = type(x).__module__.split(".", 1)[0]
    if mod in ("pandas", "builtins"):
        return False
    if mod == "torch":  # answered without array-api-compat's caches, which torch.compile
        return isinstance(x, sys.modules["torch"].Tensor)  # warns about
    if hasattr(x, "__array_namespace__") or mod in ("torch", "jax", "jaxlib", "cupy", "dask"):
        try:
            import array_api_compat
        except ImportError:
            raise ImportError(
                f"infobits needs array-api-compat to compute on {type(x).__name__} arrays; "
                "install it with `pip install infobits[array]`"
            ) from None
        return bool(array_api_compat.is_array_api_obj(x))
    return False


def is_numpy(*xs: Any) -> bool:
    """True when every argument is a NumPy array, a list, a scalar or None (possibly
    wrapped by ``ib.logits`` and friends): those take the NumPy engine.

    >>> is_numpy([0.5, 0.5], np.ones(2), 3.0)
    True
    """
    return not any(_foreign(x) for x in xs)


def namespace(*xs: Any) -> Any:
    """The array-API namespace shared by the non-NumPy arrays among ``xs``.

    NumPy arrays and lists among them are converted by the caller; two different
    non-NumPy libraries in one call are an error.
    """
    import array_api_compat

    foreign = [_raw(x) for x in xs if _foreign(x)]
    mods = {type(x).__module__.split(".", 1)[0] for x in foreign}
    if mods == {"torch"}:
        import array_api_compat.torch

        return array_api_compat.torch
    try:
        return array_api_compat.array_namespace(*foreign)
    except TypeError:
        libs = sorted({type(x).__module__.split(".", 1)[0] for x in foreign})
        raise TypeError(
            f"arguments come from different array libraries ({', '.join(libs)}); "
            "pass arrays of one library (NumPy arrays and lists are converted)"
        ) from None


def is_torch_namespace(xp: Any) -> bool:
    """True for PyTorch's namespace (where fused kernels can replace generic code)."""
    return "torch" in getattr(xp, "__name__", "")


def device_of(x: Any) -> Any:
    if type(x).__module__.split(".", 1)[0] == "torch":
        return x.device
    import array_api_compat

    return array_api_compat.device(x)


def to_numpy(x: Any) -> np.ndarray:
    """Copy an array of any library to a NumPy array on the host (for error messages
    and tests; never on a hot path)."""
    x = _raw(x)
    if isinstance(x, np.ndarray):
        return x
    if type(x).__module__.split(".", 1)[0] == "torch":
        return np.asarray(x.detach().cpu().numpy())
    try:
        return np.from_dlpack(x)
    except (TypeError, RuntimeError, AttributeError, BufferError):
        return np.asarray(x)


def const(xp: Any, like: Any, value: float) -> Any:
    """A 0-d array of ``like``'s dtype and device (scalars in ``where`` are not portable)."""
    return xp.asarray(value, dtype=like.dtype, device=device_of(like))


def eps_of(xp: Any, dtype: Any) -> float:
    """Machine epsilon of a floating dtype of namespace ``xp``."""
    return float(xp.finfo(dtype).eps)


def host_bool(flag: Any, argument: str) -> bool:
    """Bring a 0-d boolean array to the host, as a Python bool.

    Validation needs this one synchronisation. Inside ``jax.jit`` the value does not
    exist yet; the error then says to pass ``check=False``.
    """
    try:
        return bool(flag)
    except Exception as exc:
        if "Tracer" in type(exc).__name__ or "Concretization" in type(exc).__name__:
            raise TypeError(
                f"cannot validate {argument} inside a traced function (jax.jit, vmap): the "
                "check needs concrete values. Pass check=False there, and validate the "
                "inputs once outside the traced function"
            ) from None
        raise


def logsumexp(xp: Any, x: Any, axes: tuple[int, ...], keepdims: bool = True) -> Any:
    """log Σ exp(x) along ``axes``. Uses the library's own (gradient-safe) version where
    there is one: its derivative is the softmax, exactly 0 at ``-inf`` entries."""
    name = xp.__name__
    if "torch" in name:
        import torch

        return torch.logsumexp(x, dim=axes, keepdim=keepdims)
    if name.startswith("jax"):
        import jax.scipy.special

        return jax.scipy.special.logsumexp(x, axis=axes, keepdims=keepdims)
    m = xp.max(x, axis=axes, keepdims=True)
    m = xp.where(xp.isfinite(m), m, xp.zeros_like(m))
    out = xp.log(xp.sum(xp.exp(x - m), axis=axes, keepdims=True)) + m
    return out if keepdims else xp.squeeze(out, axis=axes)


def log_softmax(xp: Any, z: Any, axes: tuple[int, ...]) -> Any:
    """z − logsumexp(z) along ``axes``; ``-inf`` logits give ``-inf`` with zero gradient.

    PyTorch and JAX have fused versions (one pass forward, one backward) for one axis.
    Every version computes log(1 + rest) for the largest logit, where ``rest`` sums the
    others' e^(z − max): near certainty ``rest`` is below eps and rounds away, and the
    largest logit's log-probability, about −rest, becomes 0 (the entropy of logits
    [0, −50] came out 2% low). That entry is recomputed as −log1p(rest), with ``rest``
    summed without it; the others carry no such cancellation.
    """
    name = xp.__name__
    fused: Any
    if len(axes) == 1 and "torch" in name:
        import torch

        fused = torch.log_softmax(z, dim=axes[0])
    elif len(axes) == 1 and name.startswith("jax"):
        import jax

        fused = jax.nn.log_softmax(z, axis=axes[0])
    else:
        fused = z - logsumexp(xp, z, axes)
    m = xp.max(z, axis=axes, keepdims=True)
    s = z - xp.where(xp.isfinite(m), m, xp.zeros_like(m))
    top = s == 0
    # At a top entry s is exactly 0, so e^s - 1 = expm1(s) adds nothing to ``rest``'s
    # value, and s adds nothing to the result; both carry the derivative that tied
    # largest logits need (without them the gradient at z = [0, 0] came out 0).
    e = xp.where(top, xp.expm1(s), xp.exp(s))
    n_top = xp.sum(xp.astype(top, s.dtype), axis=axes, keepdims=True)
    rest = xp.sum(e, axis=axes, keepdims=True) + (n_top - 1)
    return xp.where(top, s - xp.log1p(rest), fused)
