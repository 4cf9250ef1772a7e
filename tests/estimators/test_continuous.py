"""Nearest-neighbour estimators against Gaussian closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest

import infobits as ib


def _gauss_h(cov):
    cov = np.atleast_2d(cov)
    d = cov.shape[0]
    return 0.5 * (d * math.log(2 * math.pi * math.e) + math.log(np.linalg.det(cov)))


@pytest.mark.parametrize("d", [1, 3])
def test_kozachenko_leonenko_matches_gaussian_entropy(d):
    rng = np.random.default_rng(d)
    a = rng.standard_normal((d, d)) * 0.5 + np.eye(d)
    cov = a @ a.T
    x = rng.multivariate_normal(np.zeros(d), cov, size=4000)
    e = ib.estimate_differential_entropy(x, base="nats")
    assert e.value == pytest.approx(_gauss_h(cov), abs=0.06)


@pytest.mark.parametrize("method", ["vasicek", "van_es", "ebrahimi", "correa"])
def test_spacing_methods_match_gaussian_entropy(method):
    x = np.random.default_rng(0).normal(0, 2.0, 4000)
    e = ib.estimate_differential_entropy(x, method=method, base="nats")
    assert e.value == pytest.approx(_gauss_h(4.0), abs=0.05)


def test_ksg_matches_gaussian_mutual_information():
    rng = np.random.default_rng(1)
    rho = 0.8
    z = rng.multivariate_normal([0, 0], [[1, rho], [rho, 1]], size=3000)
    e = ib.estimate_mutual_information(z[:, 0], z[:, 1], method="ksg", base="nats")
    assert e.method == "ksg"
    assert e.value == pytest.approx(-0.5 * math.log(1 - rho**2), abs=0.04)


def test_wkv_kl_matches_gaussian_closed_form_in_two_dimensions():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3000, 2))
    y = rng.standard_normal((3000, 2)) * 1.5 + [1.0, 0.0]
    # D(N(0, I) ‖ N(μ, s² I)) = ½ [d/s² + |μ|²/s² − d + 2d log s]
    s2 = 2.25
    want = 0.5 * (2 / s2 + 1 / s2 - 2 + 2 * math.log(s2))
    e = ib.estimate_kl_divergence(x, y, base="nats")
    assert e.method == "knn"
    assert e.value == pytest.approx(want, abs=0.05)


def test_knn_cross_entropy_matches_gaussian_closed_form():
    rng = np.random.default_rng(3)
    x = rng.standard_normal(4000)
    y = rng.standard_normal(4000) + 1.0
    want = 0.5 * math.log(2 * math.pi) + 0.5 * (1 + 1)  # E_p[(x−1)²]/2 = (1 + 1)/2
    e = ib.estimate_cross_entropy(x, y, method="knn", base="nats")
    assert e.value == pytest.approx(want, abs=0.05)


def test_repeated_points_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="repeated points"):
        ib.estimate_differential_entropy(np.array([0.1, 0.1, 0.5, 0.7, 0.9]), k=1)
    with pytest.raises(ValueError, match="1-D data"):
        ib.estimate_differential_entropy(np.zeros((5, 2)), method="vasicek")


def test_half_sample_standard_error_matches_the_spread_over_fresh_datasets():
    rng = np.random.default_rng(7)
    vals, ses = [], []
    for _ in range(30):
        x = rng.standard_normal(400)
        e = ib.estimate_differential_entropy(x, ci=0.9, n_boot=30, seed=rng)
        vals.append(e.value)
        ses.append(e.stderr)
    assert e.interval_kind == "half-sample" and e.low < e.value < e.high
    # conservative by design: measured 1.1-1.5x the true spread for kNN statistics
    ratio = float(np.median(ses)) / float(np.std(vals))
    assert 0.8 < ratio < 2.0


def test_half_sample_intervals_for_ksg_and_knn_kl():
    rng = np.random.default_rng(8)
    z = rng.standard_normal((300, 2))
    mi = ib.estimate_mutual_information(z[:, 0], z[:, 0] + z[:, 1], ci=0.9, n_boot=20, seed=0)
    kl = ib.estimate_kl_divergence(z[:, 0], z[:, 1] + 1, ci=0.9, n_boot=20, seed=0)
    for e in (mi, kl):
        assert e.interval_kind == "half-sample" and e.low < e.value < e.high


# issue 11, item 5: continuous data as people have it (ties, units, class labels)

GAUSS_MI = -0.5 * math.log(1 - 0.8**2)  # 0.5108 nats for ρ = 0.8


def _correlated(n=2000, seed=11):
    z = np.random.default_rng(seed).multivariate_normal([0, 0], [[1, 0.8], [0.8, 1]], size=n)
    return z[:, 0], z[:, 1]


@pytest.mark.parametrize("decimals", [1, 2])
def test_ksg_breaks_ties_of_rounded_data_and_says_so(decimals):
    x, y = _correlated()
    xr, yr = np.round(x, decimals), np.round(y, decimals)
    e = ib.estimate_mutual_information(xr, yr, method="ksg", base="nats")
    assert e.method == "ksg"
    assert e.value == pytest.approx(GAUSS_MI, abs=0.05)
    ties = [n for n in e.notes if n.startswith("ties broken")]
    assert len(ties) == 1 and "x (" in ties[0] and "y (" in ties[0]
    # the noise has a fixed seed: the same data give the same estimate
    again = ib.estimate_mutual_information(xr, yr, method="ksg")
    assert again.value == pytest.approx(e.value / math.log(2), rel=1e-12)
    # auto (copula KSG) breaks the ties the same way, and says so
    auto = ib.estimate_mutual_information(xr, yr, base="nats")
    assert auto.method == "copula_ksg"
    assert auto.value == pytest.approx(GAUSS_MI, abs=0.05)
    assert any(n.startswith("ties broken") for n in auto.notes)


def test_ksg_without_ties_adds_no_noise():
    x, y = _correlated(n=500)
    e = ib.estimate_mutual_information(x, y, base="nats")
    assert not any(n.startswith("ties broken") for n in e.notes)


def test_ksg_ties_in_one_dimension_of_a_point_cloud_are_named():
    x, y = _correlated(n=800)
    xy = np.column_stack([x, np.round(y, 1)])
    e = ib.estimate_mutual_information(xy, np.random.default_rng(0).standard_normal(800))
    assert any("x[:, 1]" in n for n in e.notes)
    assert not any("x[:, 0]" in n for n in e.notes)


def test_ksg_is_unchanged_by_scaling_a_variable_because_it_standardises():
    x, y = _correlated(n=1500)
    e = ib.estimate_mutual_information(x, y, method="ksg", base="nats")
    scaled = ib.estimate_mutual_information(x * 1e6, y, method="ksg", base="nats")
    shifted = ib.estimate_mutual_information(x * 1e-6 + 3.0, y * 250.0, method="ksg", base="nats")
    assert scaled.value == pytest.approx(e.value, abs=1e-9)
    assert shifted.value == pytest.approx(e.value, abs=1e-9)
    assert any("standardised" in n for n in e.notes)
    # without it, x's units swamp the max-norm and the estimate collapses
    raw = ib.estimate_mutual_information(x * 1e6, y, method="ksg", base="nats", standardize=False)
    assert raw.value < GAUSS_MI - 0.3
    assert not any("standardised" in n for n in raw.notes)


def _mixture_mi() -> float:
    """I(X; Y) for X uniform on {±1}, Y | X ~ N(X, 1): H(X) − H(X | Y), by quadrature."""
    from scipy import integrate, stats

    def integrand(t: float) -> float:
        p1, p0 = stats.norm.pdf(t, 1, 1), stats.norm.pdf(t, -1, 1)
        q = p1 / (p1 + p0)
        h = -sum(v * math.log(v) for v in (q, 1 - q) if v > 0)
        return 0.5 * (p0 + p1) * h

    h_x_given_y, err = integrate.quad(integrand, -15, 15, epsabs=1e-12, limit=200)
    assert err < 1e-9
    return math.log(2) - h_x_given_y


def test_mixture_truth_is_the_published_shape():
    # an independent check of the quadrature: Monte Carlo of E[log p(x|y)/p(x)]
    rng = np.random.default_rng(5)
    lab = rng.choice([-1.0, 1.0], 400_000)
    t = rng.normal(lab, 1.0)
    # log p(y|x) − log p(y) = log(2 / (1 + exp(−2 x y)))
    mc = float(np.mean(np.log(2.0) - np.logaddexp(0.0, -2.0 * lab * t)))
    assert mc == pytest.approx(_mixture_mi(), abs=0.003)


@pytest.mark.parametrize("labels_first", [False, True])
def test_auto_uses_ross_for_a_continuous_feature_against_class_labels(labels_first):
    rng = np.random.default_rng(7)
    cls = rng.integers(0, 2, 5000)
    feature = rng.normal(2.0 * cls - 1.0, 1.0)
    names = np.array(["neg", "pos"])[cls]
    args = (names, feature) if labels_first else (feature, names)
    e = ib.estimate_mutual_information(*args, base="nats")
    assert e.method == "ross"
    assert e.value == pytest.approx(_mixture_mi(), abs=0.03)
    assert any("Ross" in n for n in e.notes)
    # the old behaviour, every float its own symbol, gave log 2 = 0.693
    assert e.value < 0.5


def test_ross_handles_rounded_features_missing_values_and_intervals():
    rng = np.random.default_rng(8)
    cls = rng.integers(0, 2, 5000)
    feature = np.round(rng.normal(2.0 * cls - 1.0, 1.0), 1)
    feature[:3] = np.nan
    labels = list(cls.astype(object))
    labels[10] = None
    e = ib.estimate_mutual_information(feature, labels, base="nats", ci=0.9, seed=2)
    assert e.method == "ross" and e.missing == 4 and e.n == 4996
    assert e.value == pytest.approx(_mixture_mi(), abs=0.03)
    assert e.low <= e.value <= e.high
    assert any("(3 missing in x, 1 in y)" in n for n in e.notes)
    assert any(n.startswith("ties broken: x") for n in e.notes)


def test_ross_of_independent_feature_is_near_zero():
    rng = np.random.default_rng(9)
    e = ib.estimate_mutual_information(rng.standard_normal(3000), rng.integers(0, 3, 3000))
    assert e.method == "ross"
    assert e.value < 0.02


@pytest.mark.parametrize(
    ("kwargs", "err", "words"),
    [
        ({"standardize": "yes"}, TypeError, "standardize must be True or False"),
        ({"standardize": None}, TypeError, "standardize"),
        ({"method": "ross", "y": "both-continuous"}, ValueError, "method='ross'"),
        ({"method": "ross", "y": "unique-labels"}, ValueError, "no label seen twice"),
    ],
)
def test_bad_continuous_options_are_worded(kwargs, err, words):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(50)
    y: object = rng.integers(0, 2, 50)
    kind = kwargs.pop("y", None)
    if kind == "both-continuous":
        y = rng.standard_normal(50)
    elif kind == "unique-labels":
        y = np.arange(50)
    with pytest.raises(err, match=words):
        ib.estimate_mutual_information(x, y, **kwargs)


def test_ross_is_for_mutual_information_only():
    x = np.random.default_rng(0).standard_normal(50)
    with pytest.raises(ValueError, match="method='ross' estimates mutual information only"):
        ib.estimate_conditional_entropy([0, 1] * 25, x, method="ross")


def test_cli_mi_of_a_numeric_column_against_a_label_column_uses_ross(tmp_path, capsys):
    import json

    from infobits.cli import main

    rng = np.random.default_rng(12)
    cls = rng.integers(0, 2, 5000)
    feature = rng.normal(2.0 * cls - 1.0, 1.0)
    f = tmp_path / "m.csv"
    lines = ["height,group"] + [f"{v:.4f},{'ab'[c]}" for v, c in zip(feature, cls, strict=True)]
    f.write_text("\n".join([*lines, ",a", "1.5,"]) + "\n")
    argv = ["estimate", str(f), "-c", "group", "--with", "height", "--measure", "mi"]
    assert main([*argv, "--base", "nats", "--json", "--ci", "0"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == "ross" and out["missing"] == 2 and out["n"] == 5000
    assert out["value"] == pytest.approx(_mixture_mi(), abs=0.03)
    assert any("(1 missing in 'group', 1 in 'height')" in n for n in out["notes"])
    # a chosen discrete method keeps every value a label, as before
    assert main([*argv, "--base", "nats", "--json", "--ci", "0", "--method", "plugin"]) == 0
    assert json.loads(capsys.readouterr().out)["method"] == "plugin"


@pytest.mark.parametrize("kind", ["pandas", "pandas-nullable", "polars", "arrow"])
def test_ross_takes_a_float_column_of_a_data_frame(kind):
    rng = np.random.default_rng(13)
    cls = rng.integers(0, 2, 3000)
    feature = rng.normal(2.0 * cls - 1.0, 1.0)
    names = [["neg", "pos"][c] for c in cls]
    feature[5] = np.nan
    if kind.startswith("pandas"):
        pd = pytest.importorskip("pandas")
        col = pd.Series(feature, dtype="Float64" if kind == "pandas-nullable" else "float64")
        lab = pd.Series(names)
    elif kind == "polars":
        pl = pytest.importorskip("polars")
        col, lab = pl.Series(feature).fill_nan(None), pl.Series(names)
    else:
        pa = pytest.importorskip("pyarrow")
        col = pa.array(feature, from_pandas=True)
        lab = pa.array(names)
    e = ib.estimate_mutual_information(lab, col, base="nats")
    assert e.method == "ross" and e.missing == 1
    assert e.value == pytest.approx(_mixture_mi(), abs=0.04)


# ------------------------------------------------ Gao et al. (2017): mixtures, references


def test_gao_matches_closed_form_for_discrete_x_and_uniform_y_given_x():
    # X uniform on {0, ..., m−1}, Y | X ~ U[X, X + 2] (Gao et al. 2017, §5): p(y) is 1/m
    # inside, 1/(2m) on the two end intervals, so I = log m − (m − 1)/m · log 2
    mp = pytest.importorskip("mpmath")
    m = 5
    py = lambda t: mp.mpf(1) / m if 1 <= t <= m else mp.mpf(1) / (2 * m)  # noqa: E731
    hy = -mp.quad(lambda t: py(t) * mp.log(py(t)), [0, 1, m, m + 1])
    want = float(hy - mp.log(2))  # h(Y) − h(Y | X), by quadrature
    assert want == pytest.approx(math.log(m) - (m - 1) / m * math.log(2), abs=1e-12)
    rng = np.random.default_rng(11)
    x = rng.integers(0, m, 4000).astype(float)
    y = x + rng.uniform(0, 2, x.size)
    e = ib.estimate_mutual_information(x, y, method="gao", base="nats")
    assert e.method == "gao"
    assert e.value == pytest.approx(want, abs=0.03)


def test_gao_matches_quadrature_for_zero_inflated_poisson():
    # X ~ Exp(1); Y = 0 with probability p, else Poisson(X): P(Y = y) = p·[y = 0] +
    # (1 − p)/2^(y+1); I = ∫ e^(−x) Σ_y p(y|x) log(p(y|x)/P(y)) dx in mpmath
    mp = pytest.importorskip("mpmath")
    p = mp.mpf("0.15")

    def cond(y, x):
        return (p if y == 0 else 0) + (1 - p) * mp.exp(-x) * x**y / mp.factorial(y)

    def marg(y):
        return (p if y == 0 else 0) + (1 - p) / mp.mpf(2) ** (y + 1)

    def inner(x):
        return mp.exp(-x) * mp.fsum(
            cond(y, x) * mp.log(cond(y, x) / marg(y)) for y in range(90) if cond(y, x) > 0
        )

    with mp.workdps(20):
        want = float(mp.quad(inner, [0, 5, 15, 40]))
    rng = np.random.default_rng(3)
    x = rng.exponential(1.0, 5000)
    y = np.where(rng.random(x.size) < 0.15, 0.0, rng.poisson(x).astype(float))
    e = ib.estimate_mutual_information(x, y, method="gao", base="nats")
    assert e.value == pytest.approx(want, abs=0.03)
    # and a Monte Carlo reference of the same integral, E[log p(Y|X)/P(Y)]
    from scipy.stats import poisson

    xs = rng.exponential(1.0, 200_000)
    ys = np.where(rng.random(xs.size) < 0.15, 0, rng.poisson(xs))
    pc = (ys == 0) * 0.15 + 0.85 * poisson.pmf(ys, xs)
    pm = (ys == 0) * 0.15 + 0.85 / 2.0 ** (ys + 1)
    assert float(np.mean(np.log(pc / pm))) == pytest.approx(want, abs=0.01)


def test_gao_on_a_mixture_of_atoms_and_a_gaussian_matches_closed_form():
    # with probability ½ a Gaussian pair (ρ = 0.9), else X = Y uniform on 4 atoms: the
    # component C is a function of X and of Y, so I = H(C) + ½ log 4 + ½ I_Gauss
    rng = np.random.default_rng(5)
    n = 5000
    gauss = rng.random(n) < 0.5
    z = rng.multivariate_normal([0, 0], [[1, 0.9], [0.9, 1]], n)
    atom = rng.integers(0, 4, n) + 10.0
    x, y = np.where(gauss, z[:, 0], atom), np.where(gauss, z[:, 1], atom)
    want = math.log(2) + 0.5 * math.log(4) - 0.25 * math.log(1 - 0.81)
    e = ib.estimate_mutual_information(x, y, method="gao", base="nats")
    assert e.value == pytest.approx(want, abs=0.04)


def test_gao_equals_ksg_without_ties():
    z = np.random.default_rng(2).multivariate_normal([0, 0], [[1, 0.5], [0.5, 1]], 800)
    a = ib.estimate_mutual_information(z[:, 0], z[:, 1], method="gao", base="nats").value
    b = ib.estimate_mutual_information(z[:, 0], z[:, 1], method="ksg", base="nats").value
    assert a == pytest.approx(b, abs=1e-12)


def test_gao_and_copula_ksg_estimate_mutual_information_only():
    x = np.random.default_rng(0).standard_normal(50)
    for m in ("gao", "copula_ksg"):
        with pytest.raises(ValueError, match="mutual information only"):
            ib.estimate_conditional_entropy(x, x + 0.5, method=m)


# ------------------------------------------- auto for continuous pairs: copula KSG


def _gauss_mi(cov, dx):
    ld = lambda m: np.linalg.slogdet(m)[1]  # noqa: E731
    return 0.5 * (ld(cov[:dx, :dx]) + ld(cov[dx:, dx:]) - ld(cov))


@pytest.mark.parametrize(("dx", "dy", "seed"), [(1, 1, 0), (2, 3, 1), (4, 4, 2)])
def test_auto_matches_gaussian_closed_form(dx, dy, seed):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((dx + dy, dx + dy + 6))
    cov = a @ a.T
    z = rng.multivariate_normal(np.zeros(dx + dy), cov, 3000)
    e = ib.estimate_mutual_information(z[:, :dx], z[:, dx:], base="nats")
    assert e.method == "copula_ksg"
    assert e.value == pytest.approx(_gauss_mi(cov, dx), abs=0.05)


def test_auto_recovers_what_ksg_misses_in_high_dimensions():
    # two correlated pairs hidden among 12 + 12 dimensions: I = 2 · (−½ log(1 − 0.8²))
    rng = np.random.default_rng(4)
    d = 12
    cov = np.eye(2 * d)
    for i in range(2):
        cov[i, d + i] = cov[d + i, i] = 0.8
    z = rng.multivariate_normal(np.zeros(2 * d), cov, 2000)
    want = _gauss_mi(cov, d)
    auto = ib.estimate_mutual_information(z[:, :d], z[:, d:], base="nats").value
    plain = ib.estimate_mutual_information(z[:, :d], z[:, d:], method="ksg", base="nats").value
    assert auto == pytest.approx(want, abs=0.08)
    assert want - plain > 0.3  # KSG alone falls far short


def test_auto_is_unchanged_by_monotone_maps_of_each_margin():
    # ranks are all the copula estimator sees: exp, cube and the normal CDF keep them
    from scipy.stats import norm

    z = np.random.default_rng(6).multivariate_normal([0, 0], [[1, 0.7], [0.7, 1]], 1500)
    a = ib.estimate_mutual_information(z[:, 0], z[:, 1], base="nats").value
    b = ib.estimate_mutual_information(np.exp(z[:, 0]), norm.cdf(z[:, 1]), base="nats").value
    c = ib.estimate_mutual_information(z[:, 0] ** 3, z[:, 1] * 1e9, base="nats").value
    assert a == b == c
    # heavy tails: a bivariate Cauchy (Student-t, 1 dof, identity dispersion) has
    # I = 0.2242 nats (the closed form for the multivariate t; Czyż et al. 2023)
    rng = np.random.default_rng(8)
    t = rng.standard_normal((5000, 2)) / np.abs(rng.standard_normal((5000, 1)))
    from scipy.special import digamma, gammaln

    nu, d1, d = 1.0, 1, 2
    want = (
        gammaln(nu / 2) + gammaln((nu + d) / 2) - 2 * gammaln((nu + d1) / 2)
        + (nu + d1) * digamma((nu + d1) / 2) - nu / 2 * digamma(nu / 2)
        - (nu + d) / 2 * digamma((nu + d) / 2)
    )  # fmt: skip
    e = ib.estimate_mutual_information(t[:, 0], t[:, 1], base="nats")
    assert e.value == pytest.approx(want, abs=0.04)
