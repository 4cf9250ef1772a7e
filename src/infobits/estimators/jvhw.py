"""The JVHW entropy estimator (Jiao, Venkat, Han & Weissman 2015), from counts.

JVHW is minimax rate-optimal: it needs N ≍ K/log K samples where the plug-in needs
N ≍ K. Symbols seen often get the bias-corrected plug-in; symbols seen rarely, whose
−p log p the plug-in gets worst, get an unbiased estimate of the best uniform polynomial
approximation of −p log p on the small interval [0, Δ], Δ ≍ log N / N, where a degree
≍ log N polynomial is accurate. The two are blended over [Δ/2, Δ].

The polynomial coefficients are the degree-d minimax (best uniform) approximation of
g(u) = −u log u on [0, 1], computed here by the Remez exchange algorithm in 40-digit
mpmath (:func:`_remez_xlogx`) and stored rounded to float64 in :data:`_COEFFS`; the
test suite recomputes them. The order d, the threshold's constant c₁ and the blending
follow the authors' published implementation (commit a4a540a of
EEthinker/JVHW_Entropy_Estimators), so the two agree to 1e-6 on the same samples.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

__all__ = ["jvhw"]

#: _COEFFS[d - 1] = (g_0, ..., g_d): Σ g_k u^k is the best uniform approximation of
#: −u log u on [0, 1] of degree d (Remez; regenerate with ``_remez_xlogx(d)``).
_COEFFS: tuple[tuple[float, ...], ...] = (
    (0.18393972058572117, 0.0),
    (0.052819178134869665, 1.4269731419589256, -1.5326114982286647),
    (0.02435057762261, 2.2379852273825405, -4.0212480886142, 1.7832628612316601),
    (
        0.013896205581839604,
        2.8121027881715457,
        -7.488192393491857,
        7.9368877162286555,
        -3.2885905220720244,
    ),
    (
        0.008956415634200705,
        3.2575103051156296,
        -11.939614842638541,
        22.099166609047188,
        -20.89898564633975,
        7.481923574815473,
    ),
    (
        0.0062442524025562735,
        3.6215829864684657,
        -17.377615347900285,
        48.952308050383294,
        -78.05461360157496,
        62.0588906405902,
        -19.213041232771833,
    ),
    (
        0.004598693751927533,
        3.929506276484174,
        -23.803039944728773,
        94.2204090540996,
        -222.45167148375612,
        291.71219777683194,
        -196.98534172192905,
        53.37794004299822,
    ),
    (
        0.0035264506762649897,
        4.196309263473953,
        -31.216276537402127,
        164.66882974190912,
        -534.3808753870724,
        1019.0211313251758,
        -1117.9641185452022,
        652.3794716341025,
        -156.7115243963373,
    ),
    (
        0.0027893777028943816,
        4.431690449718117,
        -39.6175216026895,
        268.1039730148576,
        -1138.689113556218,
        2939.8818934272986,
        -4630.589790199972,
        4342.241585349466,
        -2225.0157502135294,
        479.2530333310694,
    ),
    (
        0.002261171593711356,
        4.642275781626398,
        -49.006882752336615,
        413.3731971518196,
        -2218.5812142303516,
        7401.302601338389,
        -15611.442143171085,
        20818.639867381182,
        -17000.52569232252,
        7753.954700778956,
        -1512.3612322988677,
    ),
    (
        0.0018698274212817344,
        4.832793856498587,
        -59.38442273870826,
        610.3647775265094,
        -4031.261896863874,
        16808.951759993033,
        -45378.68819711995,
        80366.19400164267,
        -92645.37736570367,
        66901.93524155294,
        -27470.198537455464,
        4892.6318453099975,
    ),
    (
        0.0015718737300744988,
        5.00673773001774,
        -70.7501800774106,
        870.0078884060623,
        -6925.417931319912,
        35199.22797186475,
        -117786.21128046546,
        265033.1273041534,
        -403111.095879876,
        408545.7706630045,
        -264199.77380798786,
        98590.77719577456,
        -16150.671824954103,
    ),
    (
        0.00133981293421893,
        5.166761103657385,
        -83.10417943522155,
        1204.2725936861748,
        -11360.54051469004,
        69014.70898858395,
        -279446.29466873384,
        774311.6868721286,
        -1487595.3670707839,
        1978741.4082992591,
        -1787366.0630304893,
        1045937.4361972664,
        -357574.38739235187,
        54211.07714445607,
    ),
    (
        0.0011555655806577462,
        5.3149274095319194,
        -96.4464371860614,
        1626.169841896776,
        -17928.087869846426,
        128125.92854129762,
        -616043.3375048684,
        2053450.2712881346,
        -4832576.319565089,
        8080881.770373441,
        -9538737.448884735,
        7766025.210216395,
        -4148335.9316056357,
        1308139.2376097264,
        -184536.33324207077,
    ),
    (
        0.0010068503618111885,
        5.452872840742932,
        -110.77696453660174,
        2149.751463375388,
        -27374.488067598686,
        227146.51971641372,
        -1277324.344085179,
        5029276.361874643,
        -14170553.207831578,
        28900917.143198058,
        -42717157.25470952,
        45283897.58695983,
        -33541806.934808277,
        16475712.202227205,
        -4820508.420531024,
        635730.4086853496,
    ),
    (
        0.0008850886644657796,
        5.5819167132363,
        -126.0957693620793,
        2790.1101685990366,
        -40625.9820733621,
        387092.8539719221,
        -2514094.198431011,
        11522273.042131864,
        -38183005.53634103,
        92867638.41890328,
        -166811383.0840948,
        220687344.75524294,
        -212186025.90990132,
        144113360.79479444,
        -65506020.814906955,
        17873599.577060405,
        -2212823.514442549,
    ),
    (
        0.000784141934571228,
        5.703138345002821,
        -142.402857325391,
        3563.3795471635117,
        -58815.30701879876,
        637443.3952175562,
        -4731415.362849577,
        24936667.05339698,
        -95808800.44227602,
        273071321.88091975,
        -582986511.969156,
        934423788.3972305,
        -1118035623.5755448,
        983083395.094838,
        -616349307.2861598,
        260667725.9263181,
        -66625175.43398436,
        7771880.949240183,
    ),
    (
        0.000699524094154473,
        5.817431948559422,
        -159.69823258173366,
        4486.7340671387565,
        -83310.2196986808,
        1018657.078709973,
        -8563222.970393673,
        51374849.56497196,
        -226169530.75042188,
        744888906.7634656,
        -1857861643.7481482,
        3529246223.02086,
        -5102439430.864744,
        5569481768.523045,
        -4510241120.997722,
        2625338589.5987825,
        -1037982475.3962823,
        249500432.21098372,
        -27513024.668074723,
    ),
    (
        0.0006278952574087859,
        5.925546675738328,
        -177.9818982350757,
        5578.389074650126,
        -115743.86029310888,
        1585214.1148418407,
        -14974727.66523363,
        101381342.83540516,
        -506359899.28870827,
        1905005917.091307,
        -5474783969.874336,
        12117848474.527771,
        -20712589799.22892,
        27255654500.572586,
        -27340685332.77746,
        20514805177.763523,
        -11142289322.676907,
        4135565033.2020683,
        -938134729.1930704,
        98082458.12470248,
    ),
    (
        0.0005667275448146366,
        6.028116387662656,
        -197.25385664140438,
        6857.600793599679,
        -158046.95631516844,
        2409246.708231538,
        -25400300.330433577,
        192597939.97166327,
        -1082185871.2918248,
        4605944798.753635,
        -15080630680.064873,
        38366890435.95458,
        -76235377173.99458,
        118347020946.68454,
        -142829984191.55548,
        132501958301.99054,
        -92603476601.78139,
        47136772568.55535,
        -16484649543.797138,
        3540110633.795454,
        -351849129.0181446,
    ),
    (
        0.0005140792600240683,
        6.125682159584143,
        -217.51410961475028,
        8344.66632547649,
        -212481.86678406922,
        3584831.272847839,
        -41926025.37795136,
        353709215.3324538,
        -2219588538.296961,
        10599584557.22779,
        -39165101128.73004,
        113257662489.57794,
        -258114073599.19067,
        464865707119.7661,
        -660610116541.2457,
        736008639164.9941,
        -634896001133.7601,
        415186727064.3828,
        -198830549502.32703,
        65734254051.49387,
        -13401582055.827517,
        1269274379.2969534,
    ),
    (
        0.00046843906439195923,
        6.218709549449108,
        -238.76265857000297,
        10060.92364922493,
        -281678.46662379586,
        5233017.814231634,
        -67527782.90933432,
        630180433.5158643,
        -4388251753.769835,
        23346060846.325935,
        -96566095177.46735,
        314462038340.32666,
        -812956939923.7382,
        1676117993102.2192,
        -2758435569782.376,
        3612650554828.2964,
        -3736721785776.7007,
        3011576882467.8506,
        -1850222279357.023,
        836500093720.7183,
        -262207340663.116,
        50879070049.93209,
        -4602044739.812858,
    ),
)

#: the highest degree used: beyond it, float64 loses the sum Σ g_k u^k to cancellation
#: (the coefficients reach 5e10 at d = 22).
MAX_ORDER = 22

# c₁, the threshold's constant, as a function of L = log(N/f₁): the authors' fitted
# line for N < 200 or L > 1.5, and their quadratic for N ≥ 200 and L ≤ 1.5.
_C1_LINE = (0.3303, 0.4679)
_C1_QUAD = (-0.530556484842359, 1.09787328176926, 0.184831781602259)


def jvhw_order(n: np.ndarray) -> np.ndarray:
    """Degree of the polynomial for N samples: min(4 + ⌈1.2 log N⌉, 22)."""
    with np.errstate(divide="ignore"):
        return np.minimum(4 + np.ceil(1.2 * np.log(np.maximum(n, 1.0))), MAX_ORDER).astype(int)


def jvhw_c1(n: np.ndarray, f1: np.ndarray, order: np.ndarray) -> np.ndarray:
    """The threshold constant c₁ per row; 0 (plug-in everywhere) when f₁ = 0 or N < d."""
    ok = (f1 > 0) & (n >= order)
    lg = np.log(np.where(ok, n, 2.0) / np.where(ok, f1, 1.0))
    line = np.polyval(_C1_LINE, lg)
    quad = np.polyval(_C1_QUAD, lg)
    c1 = np.where((n >= 200) & (lg <= 1.5), quad, line)
    # keep the threshold Δ = 4 c₁ log N / N above 1/N: at least 1/(1.9 log N)
    c1 = np.maximum(c1, 1.0 / (1.9 * np.log(np.where(ok, n, 2.0))))
    return np.where(ok, c1, 0.0)


def jvhw(c: np.ndarray, k: np.ndarray | None = None) -> tuple[np.ndarray, None]:
    r"""JVHW: Ĥ = Σ_i ĝ(n_i), nats, with a polynomial estimate for rare symbols.

    With N = Σ n_i, p̂_i = n_i/N, f₁ symbols seen once, the degree
    d = min(4 + ⌈1.2 log N⌉, 22), the threshold Δ = 4 c₁ log N / N and the minimax
    polynomial Σ_k g_k u^k ≈ −u log u on [0, 1] (degree d, Remez):

    - plug-in part: L(n_i) = −p̂_i log p̂_i + 1/(2N) (Miller's bias correction, per symbol);
    - polynomial part: P(n_i) = Δ Σ_{k=0..d} g_k (n_i)_k / ((N)_k Δ^k) − p̂_i log Δ, the
      unbiased estimate of Δ·(−(p/Δ) log (p/Δ)) − p log Δ = −p log p's approximation,
      with (a)_k = a(a−1)…(a−k+1) the falling factorial;
    - ĝ(n_i) = max(0, r L + (1 − r) P), r = clip(2 p̂_i/Δ − 1, 0, 1): polynomial below
      Δ/2, plug-in above Δ, blended in between.

    c₁ is the authors' fit in L = log(N/f₁): 0.3303 L + 0.4679, or, for N ≥ 200 and
    L ≤ 1.5, −0.5306 L² + 1.0979 L + 0.1848; at least 1/(1.9 log N). With no singleton
    (f₁ = 0) or N < d, c₁ = 0 and every symbol takes the plug-in part. Unseen symbols
    add nothing, so the alphabet size ``k`` is not used.

    Args:
        c: counts, shape ``(rows, bins)``, whole numbers >= 0, each row totalling >= 1.
        k: the alphabet size per row; unused.

    Returns:
        ``(h, None)``: h of shape ``(rows,)``, nats.

    >>> import numpy as np
    >>> h, _ = jvhw(np.array([[10.0, 5, 3, 1, 1], [2, 2, 3, 0, 0]]))
    >>> np.round(h, 6).tolist()  # the second row has no singletons: plug-in + 3/14
    [1.514523, 1.293278]

    Reference: J. Jiao, K. Venkat, Y. Han, T. Weissman, "Minimax estimation of
    functionals of discrete distributions", IEEE Trans. Inf. Theory 61(5), 2015.
    """
    c = np.asarray(c, dtype=np.float64)
    n = c.sum(axis=-1)
    f1 = np.count_nonzero(c == 1, axis=-1).astype(np.float64)
    order = jvhw_order(n)
    c1 = jvhw_c1(n, f1, order)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_n = np.log(n)
        delta = np.where(c1 > 0, 4 * c1 * log_n / n, 0.0)
        p = c / n[..., None]
        plug = np.where(c > 0, -p * np.log(np.where(c > 0, p, 1.0)), 0.0) + 0.5 / n[..., None]
    plug = np.where(c > 0, plug, 0.0)
    h = plug.sum(axis=-1)
    # Symbols below the threshold (count < N Δ ≲ 2 log² N) are corrected. Their counts
    # are small whole numbers, so each (row, count) pair is worked out once and weighted
    # by how many symbols share it (the row's fingerprint).
    rows, cols = np.nonzero((c > 0) & (c < (n * delta)[..., None]))
    if rows.size:
        width = int(c[rows, cols].max()) + 1
        pairs, mult = np.unique(rows * width + c[rows, cols].astype(np.int64), return_counts=True)
        r, x = np.divmod(pairs, width)
        x = x.astype(np.float64)
        corr = rare_correction(x, n[r], delta[r], order[r])
        h = h + np.bincount(r, weights=corr * mult, minlength=c.shape[0])
    return h, None


def rare_correction(x: np.ndarray, nr: np.ndarray, dr: np.ndarray, dg: np.ndarray) -> np.ndarray:
    """ĝ(x) − L(x) for symbols of count x below the threshold, L(x) = −(x/N) log(x/N) +
    1/(2N) their plug-in part: the polynomial estimate (degree ``dg``, interval Δ = ``dr``)
    blended linearly into L over [Δ/2, Δ]. One entry for each (row, count) pair, ``nr``
    the row's N; the caller weights them by how many symbols share the count."""
    ratio = np.clip(2 * x / (nr * dr) - 1, 0.0, 1.0)
    table = _coefficient_table()
    row = dg - 1  # the row of the table for each symbol's degree, zero-padded past it
    term = dr.copy()
    poly = table[row, 0] * term
    for q in range(int(dg.max())):
        live = q < dg  # past a row's degree its g_k are 0; N ≥ d keeps N − q ≥ 1
        term = np.where(live, term * (x - q) / (dr * np.where(live, nr - q, 1.0)), 0.0)
        poly = poly + table[row, q + 1] * term
    poly = poly - (x / nr) * np.log(dr)
    lx = -(x / nr) * np.log(x / nr) + 0.5 / nr
    poly = np.where(np.isfinite(poly), poly, lx)
    return np.maximum(ratio * lx + (1 - ratio) * poly, 0.0) - lx


_TABLE: np.ndarray | None = None


def _coefficient_table() -> np.ndarray:
    global _TABLE
    if _TABLE is None:
        t = np.zeros((len(_COEFFS), MAX_ORDER + 1))
        for i, row in enumerate(_COEFFS):
            t[i, : len(row)] = row
        _TABLE = t
    return _TABLE


def _remez_xlogx(degree: int, digits: int = 40) -> list[Any]:
    """Best uniform approximation of −u log u on [0, 1] of the given degree (Remez).

    Returns the coefficients g_0..g_d as mpmath numbers. The exchange starts from
    Chebyshev points squared (the error concentrates near 0, where the derivative of
    −u log u blows up) and stops when the largest error on the new reference is within
    10^(−digits/3) of the levelled error. Needs mpmath (a development dependency).
    """
    import mpmath as mp

    with mp.workdps(digits):
        d, m = degree, degree + 2

        def f(u: Any) -> Any:
            return -u * mp.log(u) if u > 0 else mp.mpf(0)

        ref = [((1 - mp.cos(mp.pi * i / (m - 1))) / 2) ** 2 for i in range(m)]
        tol = mp.mpf(10) ** (-(digits // 3))
        small = mp.mpf(10) ** (-digits + 5)
        a: list[Any] = []
        for _ in range(60):
            mat = mp.matrix([[u**j for j in range(d + 1)] + [(-1) ** i] for i, u in enumerate(ref)])
            sol = mp.lu_solve(mat, mp.matrix([f(u) for u in ref]))
            a = [sol[j] for j in range(d + 1)]
            level = abs(sol[d + 1])

            def err(u: Any, a: list[Any] = a) -> Any:
                return mp.polyval(a[::-1], u) - f(u)

            # the error's roots between reference points, by bisection
            roots = [mp.mpf(0)]
            for lo, hi in itertools.pairwise(ref):
                elo = err(lo)
                while hi - lo > small:
                    mid = (lo + hi) / 2
                    emid = err(mid)
                    if (emid > 0) == (elo > 0):
                        lo, elo = mid, emid
                    else:
                        hi = mid
                roots.append((lo + hi) / 2)
            roots.append(mp.mpf(1))
            # the largest |error| between consecutive roots, by golden section
            new = []
            gold = (mp.sqrt(5) - 1) / 2
            for lo, hi in itertools.pairwise(roots):
                s = 1 if err((lo + hi) / 2) > 0 else -1

                def neg(u: Any, s: int = s) -> Any:
                    return -s * err(u)

                a1, b1 = lo, hi
                c1, d1 = b1 - gold * (b1 - a1), a1 + gold * (b1 - a1)
                gc, gd = neg(c1), neg(d1)
                while b1 - a1 > mp.mpf(10) ** (-digits // 2):
                    if gc < gd:
                        b1, d1, gd = d1, c1, gc
                        c1 = b1 - gold * (b1 - a1)
                        gc = neg(c1)
                    else:
                        a1, c1, gc = c1, d1, gd
                        d1 = a1 + gold * (b1 - a1)
                        gd = neg(d1)
                new.append(min(((a1 + b1) / 2, lo, hi), key=neg))
            top = max(abs(err(u)) for u in new)
            ref = new
            if top - level < tol * level:
                break
        return a
