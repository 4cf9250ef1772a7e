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
from scipy.special import digamma, gammaln, ndtri
from scipy.stats import rankdata

__all__ = [
    "as_points",
    "break_ties",
    "copula_ksg",
    "cross_entropy_knn",
    "gao_mixed",
    "gaussian_mi",
    "kl_divergence_knn",
    "kozachenko_leonenko",
    "ksg",
    "mixed_knn",
    "normal_scores",
    "standardized",
    "tie_note",
]


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
    if x.shape[1] + y.shape[1] >= BRUTE_DIMS:
        eps, nx, ny = _ksg_counts_brute(x, y, k)
        _no_ties(eps, "(x, y)")
    else:
        xy = np.hstack([x, y])
        dist, _ = cKDTree(xy).query(xy, k=k + 1, p=np.inf)
        eps = dist[:, -1]
        _no_ties(eps, "(x, y)")
        r = np.nextafter(eps, 0)  # strictly closer than ε_i
        nx = cKDTree(x).query_ball_point(x, r, p=np.inf, return_length=True) - 1
        ny = cKDTree(y).query_ball_point(y, r, p=np.inf, return_length=True) - 1
    return float(digamma(k) + digamma(n) - np.mean(digamma(nx + 1) + digamma(ny + 1)))


#: from this many joint dimensions on, KSG's neighbours come from a blocked brute-force
#: search: a k-d tree prunes almost nothing there (5000 points in 25 + 25 dimensions:
#: about a minute with cKDTree, seconds by brute force)
BRUTE_DIMS = 12


def _chebyshev(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Max-norm distances between the rows of a (r, d) and of b (n, d): (r, n)."""
    out = np.abs(a[:, None, 0] - b[None, :, 0])
    for j in range(1, a.shape[1]):
        np.maximum(out, np.abs(a[:, None, j] - b[None, :, j]), out=out)
    return out


def _ksg_counts_brute(
    x: np.ndarray, y: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """KSG's ε_i, n_x and n_y by brute force in blocks of rows (the same numbers as the
    k-d tree search: max-norm, strictly closer than ε_i, the point itself left out)."""
    n = x.shape[0]
    eps = np.empty(n)
    nx = np.empty(n, dtype=np.int64)
    ny = np.empty(n, dtype=np.int64)
    step = max(1, min(n, 2_000_000 // max(n, 1)))
    for s in range(0, n, step):
        b = slice(s, min(n, s + step))
        dx, dy = _chebyshev(x[b], x), _chebyshev(y[b], y)
        dxy = np.maximum(dx, dy)
        e = np.partition(dxy, k, axis=1)[:, k]  # the point itself is the 0th, at 0
        eps[b] = e
        nx[b] = (dx < e[:, None]).sum(axis=1) - 1
        ny[b] = (dy < e[:, None]).sum(axis=1) - 1
    return eps, nx, ny


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


#: the fixed seed of the noise that breaks ties, so an estimate is reproducible
TIE_SEED = 20040623


def standardized(a: np.ndarray) -> np.ndarray:
    """Each column scaled to mean 0 and standard deviation 1 (a constant column is only
    centred). KSG's max-norm mixes the columns, so their units must not decide it."""
    # a power of two first brings each column into [-1, 1], so the variance of values
    # near 1e308 does not overflow (and scaling a column by 2^p changes no bit)
    top = np.abs(a).max(axis=0) if a.shape[0] else np.zeros(a.shape[1])
    a = np.ldexp(a, -np.frexp(np.where(top > 0, top, 1.0))[1])
    sd = a.std(axis=0)
    return (a - a.mean(axis=0)) / np.where(sd > 0, sd, 1.0)


def resolution(col: np.ndarray) -> float:
    """The smallest gap between distinct values of a column (1 if it holds one value)."""
    u = np.unique(col)
    return float(np.diff(u).min()) if u.size > 1 else 1.0


def break_ties(a: np.ndarray, name: str, rng: np.random.Generator) -> tuple[np.ndarray, list[str]]:
    """Add uniform noise of ± half its resolution to each column with repeated values.

    Rounded data hold the same value many times; nearest-neighbour counts then jump at
    the ties (distance 0, or many points at exactly ε_i), which biases KSG or makes it
    fail. Kraskov, Stögbauer & Grassberger (2004, §II.C) add low-amplitude noise; noise
    as wide as the rounding step spreads each value back over the interval it was rounded
    from. Returns the points and what was done to which column, for :func:`tie_note`.
    """
    out = a
    said: list[str] = []
    for j in range(a.shape[1]):
        col = a[:, j]
        distinct = np.unique(col).size
        if distinct == col.size:
            continue
        h = resolution(col)
        if out is a:
            out = a.copy()
        out[:, j] = col + rng.uniform(-h / 2, h / 2, col.size)
        where = name if a.shape[1] == 1 else f"{name}[:, {j}]"
        said.append(f"{where} ({col.size - distinct} repeated, step {h:.3g})")
    return out, said


def tie_note(said: list[str]) -> str:
    """The note for the columns :func:`break_ties` touched."""
    return (
        "ties broken: " + ", ".join(said) + " got uniform noise of ± half the step "
        f"(the smallest gap between its values), seed {TIE_SEED}, as Kraskov et al. (2004) "
        "advise; without it repeated values bias the neighbour counts"
    )


def mixed_knn(x: np.ndarray, labels: np.ndarray, k: int = 3) -> float:
    """Ross (2014): MI between continuous points x (n, d) and integer class labels.

    Î(X; Y) = ψ(N) − ⟨ψ(N_y)⟩ + ψ(k) − ⟨ψ(m_i)⟩: for each point, d_i is the distance
    to its k-th nearest neighbour among the points of its own class (N_y of them), and
    m_i the number of points of any class within d_i (the neighbour included). A class
    with fewer than k + 1 points uses k = N_y − 1; points alone in their class carry no
    neighbour and are left out (Ross 2014, eq. 2 and the text after it).
    """
    n = x.shape[0]
    if labels.shape[0] != n:
        raise ValueError(f"x has {n} points but y has {labels.shape[0]}; MI needs pairs")
    _, inv, cnt = np.unique(labels, return_inverse=True, return_counts=True)
    inv = inv.ravel()
    keep = cnt[inv] > 1
    if keep.sum() < 2:
        raise ValueError(
            "y has no label seen twice, so no point has a neighbour of its own class; "
            "the mixed estimator needs repeated labels (is y really discrete?)"
        )
    x, inv = x[keep], inv[keep]
    n = x.shape[0]
    cnt = np.bincount(inv)
    radius = np.empty(n)
    kk = np.empty(n)
    for c in np.flatnonzero(cnt):
        idx = np.flatnonzero(inv == c)
        kc = min(k, idx.size - 1)
        dist, _ = cKDTree(x[idx]).query(x[idx], k=kc + 1, p=np.inf)
        radius[idx] = dist[:, -1]
        kk[idx] = kc
    _no_ties(radius, "x")
    m = cKDTree(x).query_ball_point(x, radius, p=np.inf, return_length=True) - 1
    return float(
        digamma(n) - np.mean(digamma(cnt[inv])) + np.mean(digamma(kk)) - np.mean(digamma(m))
    )


def gao_mixed(x: np.ndarray, y: np.ndarray, k: int = 3) -> float:
    """Gao, Kannan, Oh & Viswanath (2017): MI of discrete-continuous mixtures.

    Î(X; Y) = ψ(N) + ⟨ψ(k̃_i) − ψ(n_{x,i} + 1) − ψ(n_{y,i} + 1)⟩, with ρ_i the max-norm
    distance from (x_i, y_i) to its k-th neighbour in the joint space. Where ρ_i > 0 this
    is KSG (algorithm 1): k̃_i = k, and n_{x,i}, n_{y,i} count the other points strictly
    closer than ρ_i in each marginal space. Where ρ_i = 0 (the pair is repeated k times
    or more: an atom of a discrete or mixed distribution), k̃_i, n_{x,i} and n_{y,i} count
    the other points at distance 0 in the joint and in each marginal space, the
    plug-in ratio of an atom's joint and marginal masses. Repeated points are information
    here, so no noise is added. Both sides are points (n, d).

    Gao et al.'s algorithm 1 writes log N and log(n + 1) for ψ(N) and ψ(n + 1) and counts
    the points within ρ_i (≤); that form is consistent as k → ∞, but at a fixed k it is
    off by about ψ(k) − log(k + 1) (−0.29 nats at k = 5) wherever the neighbours of a
    continuous point come from one atom of the other side. The digamma form keeps KSG's
    finite-k correction there, as the authors' published code does.
    """
    n = x.shape[0]
    if y.shape[0] != n:
        raise ValueError(f"x has {n} points but y has {y.shape[0]}; MI needs pairs (x_i, y_i)")
    _need(n, k, "x")
    xy = np.hstack([x, y])
    tree = cKDTree(xy)
    rho = tree.query(xy, k=k + 1, p=np.inf)[0][:, -1]
    kt = np.full(n, float(k))
    zero = rho <= 0
    # strictly closer than ρ_i > 0; at ρ_i = 0, the points at distance 0
    r = np.where(zero, 0.0, np.nextafter(rho, 0))
    if zero.any():
        kt[zero] = tree.query_ball_point(xy[zero], 0.0, p=np.inf, return_length=True) - 1
    nx = cKDTree(x).query_ball_point(x, r, p=np.inf, return_length=True) - 1
    ny = cKDTree(y).query_ball_point(y, r, p=np.inf, return_length=True) - 1
    return float(digamma(n) + np.mean(digamma(kt) - digamma(nx + 1) - digamma(ny + 1)))


def normal_scores(a: np.ndarray) -> np.ndarray:
    """Each column replaced by its normal scores Φ⁻¹(r_i / (N + 1)), r_i the rank of the
    value in its column (van der Waerden 1952): the margins become standard normal.

    A strictly increasing map of each coordinate leaves I(X; Y) unchanged, and so does
    this one (up to the sampling of the ranks); heavy tails, skew and monotone distortions
    of a margin are gone before the neighbour search.
    """
    return np.asarray(ndtri(rankdata(a, axis=0) / (a.shape[0] + 1)))


def gaussian_mi(zx: np.ndarray, zy: np.ndarray) -> float:
    """MI of the Gaussian with the sample correlation R̂ of (x, y):
    ½ [log det R̂_xx + log det R̂_yy − log det R̂] (nats). NaN when R̂ is singular."""
    return _gaussian_mi_of(np.corrcoef(np.hstack([zx, zy]), rowvar=False), zx.shape[1])


def _gaussian_mi_of(c: np.ndarray, dx: int) -> float:
    parts = [np.linalg.slogdet(m) for m in (c[:dx, :dx], c[dx:, dx:], c)]
    if not np.isfinite(c).all() or any(sign <= 0 for sign, _ in parts):
        return math.nan
    return float(0.5 * (parts[0][1] + parts[1][1] - parts[2][1]))


def _log_det_bias(n: int, p: int) -> float:
    """E[log det S] − log det Σ for the sample covariance S of n Gaussian points in p
    dimensions: Σ_{i=1..p} ψ((n − i)/2) + p log(2/(n − 1)) (the Wishart moments; e.g.
    Misra, Singh & Demchuk 2005)."""
    return float(np.sum(digamma((n - np.arange(1, p + 1)) / 2)) + p * math.log(2 / (n - 1)))


def copula_ksg(x: np.ndarray, y: np.ndarray, k: int = 10, seed: int = TIE_SEED) -> float:
    """KSG on normal scores, with its bias estimated on a Gaussian reference and removed.

    Î = Î_KSG(z_x; z_y) − [Î_KSG(g_x; g_y) − I*]. z are the normal scores of x and y
    (:func:`normal_scores`) and R̂ their correlation matrix. I* is the Gaussian MI
    ½ log(det R̂_xx det R̂_yy / det R̂) less its own small-sample bias (from the Wishart
    moments of log det: about d_x·d_y/(2N), 0.25 nats for 50 + 50 dimensions and N =
    5000), clipped at 0. g is a sample of N points (seed ``seed``) from the Gaussian
    N(0, R̃), R̃ being R̂ with its cross block R̂_xy scaled by the c ∈ [0, 1] that makes
    its MI exactly I*; g is normal-scored the same way. The bracket is KSG's bias on the
    Gaussian that shares the data's rank correlations, which is large in high dimensions
    (KSG finds 0.2 nats of a true 1.02 in 25 + 25 dimensions). For data whose copula is
    Gaussian (monotone transforms of a Gaussian) the two KSG biases match and Î is
    nearly unbiased; otherwise the difference of the two KSG terms carries what the
    Gaussian misses. This is parametric-bootstrap bias correction (Efron & Tibshirani
    1993, §10) with the Gaussian copula as the model. When R̂ is singular (more
    dimensions than points, or a column that is a function of others) no reference can
    be drawn, and the plain KSG on the normal scores is returned.
    """
    zx, zy = normal_scores(x), normal_scores(y)
    value = ksg(zx, zy, k)
    n, dx, dy = zx.shape[0], zx.shape[1], zy.shape[1]
    c = np.corrcoef(np.hstack([zx, zy]), rowvar=False)
    plug = _gaussian_mi_of(c, dx)
    if not math.isfinite(plug) or n <= dx + dy + 1:
        return value
    target = plug - 0.5 * (_log_det_bias(n, dx) + _log_det_bias(n, dy) - _log_det_bias(n, dx + dy))
    target = max(0.0, target)

    def scaled(f: float) -> np.ndarray:
        r = c.copy()
        r[:dx, dx:] *= f
        r[dx:, :dx] *= f
        return r

    # I_G of the scaled matrix rises monotonically from 0 (f = 0) to plug (f = 1)
    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _gaussian_mi_of(scaled(mid), dx) < target else (lo, mid)
    try:
        chol = np.linalg.cholesky(scaled(lo))
    except np.linalg.LinAlgError:
        return value
    noise = np.random.default_rng(seed).standard_normal((n, dx + dy))
    g = normal_scores(noise @ chol.T)
    return value - ksg(g[:, :dx], g[:, dx:], k) + _gaussian_mi_of(scaled(lo), dx)
