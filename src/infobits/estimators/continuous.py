"""Nearest-neighbour estimators of differential entropy, mutual information and KL.

For continuous data the probability of a point is replaced by how much room its
neighbours leave it: if the k-th nearest neighbour of x_i is at distance ε_i, the
density there is about k / (N · volume of the ε_i-ball). Averaging log(1/density) gives
the Kozachenko–Leonenko entropy; comparing neighbour distances within and across
samples gives the Kraskov–Stögbauer–Grassberger mutual information and the
Wang–Kulkarni–Verdú divergence. Neighbours come from ``scipy.spatial.cKDTree``. Rows are
points, columns are dimensions; results are in nats.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.spatial import cKDTree
from scipy.special import digamma, gammaln

__all__ = ["as_points", "cross_entropy_knn", "kl_divergence_knn", "kozachenko_leonenko", "ksg"]


def as_points(x: object, name: str) -> np.ndarray:
    """A float (n, d) array of points from a 1-D (n,) or 2-D (n, d) array."""
    a = np.asarray(x)
    if a.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold numbers for a continuous estimate, got dtype {a.dtype}")
    a = a.astype(np.float64)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2:
        raise ValueError(f"{name} must be 1-D (n,) or 2-D (n points, d dims), got shape {a.shape}")
    if not np.isfinite(a).all():
        i = int(np.argwhere(~np.isfinite(a))[0][0])
        raise ValueError(f"{name} has a non-finite value in row {i}; drop or fill it first")
    return a


def _log_ball(d: int) -> float:
    """log volume of the unit Euclidean ball in d dimensions: (d/2) log π − log Γ(d/2 + 1)."""
    return d / 2 * math.log(math.pi) - float(gammaln(d / 2 + 1))


def _need(n: int, k: int, name: str, extra: int = 1) -> None:
    if k < 1:
        raise ValueError(f"k must be a positive number of neighbours, got {k}")
    if n < k + extra:
        raise ValueError(f"{name} has {n} points, too few for k={k} neighbours; need {k + extra}")


def _no_ties(dist: np.ndarray, name: str) -> None:
    if (dist <= 0).any():
        i = int(np.argmax(dist <= 0))
        raise ValueError(
            f"{name} has repeated points (row {i} has a neighbour at distance 0); "
            "nearest-neighbour estimators need distinct points: the data may be discrete "
            "(use the discrete estimators), or add noise far below the data's resolution"
        )


def kozachenko_leonenko(x: np.ndarray, k: int = 3) -> float:
    """Kozachenko–Leonenko (1987): Ĥ = ψ(N) − ψ(k) + log V_d + (d/N) Σ log ε_i.

    ε_i is the Euclidean distance from x_i to its k-th nearest neighbour and V_d the
    volume of the unit d-ball (Kraskov, Stögbauer & Grassberger 2004, eq. 20).
    """
    n, d = x.shape
    _need(n, k, "x")
    dist, _ = cKDTree(x).query(x, k=k + 1)
    eps = dist[:, -1]
    _no_ties(eps, "x")
    return float(digamma(n) - digamma(k) + _log_ball(d) + d * np.mean(np.log(eps)))


def ksg(x: np.ndarray, y: np.ndarray, k: int = 3) -> float:
    """Kraskov–Stögbauer–Grassberger (2004), algorithm 1.

    Î(X; Y) = ψ(k) + ψ(N) − ⟨ψ(n_x + 1) + ψ(n_y + 1)⟩, with ε_i the max-norm distance
    to the k-th neighbour in the joint space and n_x, n_y the numbers of points strictly
    closer than ε_i in each marginal space.
    """
    n = x.shape[0]
    if y.shape[0] != n:
        raise ValueError(f"x has {n} points but y has {y.shape[0]}; MI needs pairs (x_i, y_i)")
    _need(n, k, "x")
    xy = np.hstack([x, y])
    dist, _ = cKDTree(xy).query(xy, k=k + 1, p=np.inf)
    eps = dist[:, -1]
    _no_ties(eps, "(x, y)")
    r = np.nextafter(eps, 0)  # strictly closer than ε_i
    nx = cKDTree(x).query_ball_point(x, r, p=np.inf, return_length=True) - 1
    ny = cKDTree(y).query_ball_point(y, r, p=np.inf, return_length=True) - 1
    return float(digamma(k) + digamma(n) - np.mean(digamma(nx + 1) + digamma(ny + 1)))


def _cross_dists(x: np.ndarray, y: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """ρ_i: k-th neighbour of x_i among the other x; ν_i: k-th neighbour among y."""
    n, d = x.shape
    if y.ndim != 2 or y.shape[1] != d:
        raise ValueError(f"x has {d} dimension(s) but y has {y.shape[1]}; they must match")
    _need(n, k, "x")
    _need(y.shape[0], k, "y", extra=0)
    rho = cKDTree(x).query(x, k=k + 1)[0][:, -1]
    nu = cKDTree(y).query(x, k=k)[0]
    nu = nu if nu.ndim == 1 else nu[:, -1]
    _no_ties(rho, "x")
    if (nu <= 0).any():
        raise ValueError(
            "x and y share a point (a neighbour at distance 0); nearest-neighbour "
            "divergence needs distinct points"
        )
    return rho, nu


def kl_divergence_knn(x: np.ndarray, y: np.ndarray, k: int = 1) -> float:
    """Wang, Kulkarni & Verdú (2009), eq. 5: D̂(p‖q) = (d/n) Σ log(ν_i/ρ_i) + log(m/(n−1)).

    x (n, d) are samples of p, y (m, d) of q.
    """
    rho, nu = _cross_dists(x, y, k)
    n, d = x.shape
    return float(d * np.mean(np.log(nu / rho)) + math.log(y.shape[0] / (n - 1)))


def cross_entropy_knn(x: np.ndarray, y: np.ndarray, k: int = 1) -> float:
    """Leonenko, Pronzato & Savani (2008): Ĥ(p, q) = log V_d + log m − ψ(k) + (d/n) Σ log ν_i."""
    _, nu = _cross_dists(x, y, k)
    d = x.shape[1]
    return float(_log_ball(d) + math.log(y.shape[0]) - digamma(k) + d * np.mean(np.log(nu)))
