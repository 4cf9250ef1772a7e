"""The code-length pictures, drawn with matplotlib: a code as bars, and the decomposition.

matplotlib is imported inside each function, so that ``import infobits`` stays light and
only a call that draws pays for it. Figures are built with ``matplotlib.figure.Figure``
directly rather than through pyplot: nothing is registered globally, so a web server or
a loop that draws thousands of figures leaks nothing, and no display backend is needed.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import _units
from .._extras import require
from ..explain import Explanation, explanation
from ._layout import fit_labels, spread_labels

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["code_diagram", "decomposition", "explain_figure"]

#: Above this many outcomes the diagram drops bar edges and hatching, which would turn
#: into noise, and labels only the outcomes that have room.
DENSE_K = 16

#: Colours shared with the explorer's SVG (explore/static/style.css), chosen to stay
#: distinct for the common forms of colour blindness.
COLOR_CODE = "#9ecae1"
COLOR_BEST = "#08306b"
COLOR_WASTE = "#d62728"
COLOR_SAVED = "#2ca02c"

#: Dense diagrams fill the gaps with flat colours instead of hatching: the waste blended
#: over the code's colour (it lies inside q's bar), the saving over white (it does not).
_DENSE_WASTE = "#d98a8f"
_DENSE_SAVED = "#9fd39f"

_FONT = 9.0
#: Average glyph width as a fraction of the font size, for DejaVu Sans digits; used to
#: tell whether a label fits under its bar without asking a renderer.
_GLYPH = 0.62


def _need_matplotlib() -> None:
    require("matplotlib", "infobits.plot", "plot")


def _explained(p: Any, q: Any, base: _units.Base) -> Explanation:
    """The explanation to draw: ``p`` itself when it is one, else computed once here."""
    if isinstance(p, Explanation):
        if q is not None:
            raise ValueError(
                "q was given with an Explanation, which holds its own q; pass one or the other"
            )
        return p
    return explanation(p, q, base)


def _num(x: float) -> str:
    if math.isinf(x):
        return "∞"
    if x != 0 and abs(x) < 1e-3:
        return f"{x:.3g}"
    return f"{x:.3f}"


def _new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    _need_matplotlib()
    if ax is not None:
        return ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    return fig.add_subplot()


def _figure_of(ax: Axes) -> Figure:
    """The figure to save: for axes in a SubFigure, its root figure."""
    from matplotlib.figure import Figure

    fig = ax.get_figure()
    root = getattr(fig, "figure", fig)
    if not isinstance(root, Figure):  # pragma: no cover - axes detached from any figure
        raise ValueError("ax belongs to no figure; create it with fig.add_subplot()")
    return root


def code_diagram(
    p: Any,
    q: Any = None,
    *,
    base: _units.Base = 2,
    labels: list[str] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    r"""Draw a code as bars: width pᵢ, height log(1/qᵢ), so the shaded area is H(p, q).

    Each outcome i is a bar as wide as its probability pᵢ and as tall as its code length
    under q's code, log(1/qᵢ); the bars fill [0, 1] and their total area is the
    cross-entropy H(p, q) = Σᵢ pᵢ log(1/qᵢ). A dark outline shows the best code's lengths
    log(1/pᵢ), whose area is the entropy H(p). Where q's bar rises above the outline the
    code is longer than the best (hatched red); where it falls below, shorter (hatched
    green). Red minus green is the KL divergence D(p‖q) = H(p, q) − H(p) >= 0, given in
    the legend.

    Outcomes with pᵢ = 0 have no width and do not appear. A bar much taller than the
    others, or infinite (qᵢ = 0 with pᵢ > 0), is cut at the top of the axes and its
    length given in the legend. Up to 16 outcomes get an edge and a label each; beyond
    that the bars are drawn plain and only the labels that fit are shown.

    Args:
        p: the true distribution, shape ``(K,)``: probabilities, or ``ib.counts``,
            ``ib.logits`` or ``ib.log_probs``; or an explanation already computed by
            :func:`infobits.explain.explanation` (then q and base are not given).
        q: the model the code is built for, shape ``(K,)``, any kind; ``None`` draws the
            best code (q = p).
        base: the unit, as in :func:`infobits.entropy` (bits by default).
        labels: K outcome names; ``"0"`` to ``"K-1"`` by default.
        ax: draw into these axes instead of a new figure.
        title: the axes title; a default says what is drawn.

    Returns:
        The ``matplotlib.figure.Figure`` drawn on (``ax.figure`` when ``ax`` is given).

    >>> import infobits as ib
    >>> fig = ib.plot.code_diagram([1/8] * 8, [1/2, 1/4, 1/8, 1/16] + [1/64] * 4)
    >>> ax = fig.axes[0]
    >>> ax.get_ylabel()
    'code length log₂(1/qᵢ) (bits)'
    >>> ax.get_legend().get_title().get_text()
    'D(p‖q) = H(p,q) − H(p) = 1.250 bits a symbol wasted'

    Reference: C. Olah, "Visual Information Theory", 2015,
    https://colah.github.io/posts/2015-09-Visual-Information/; Cover & Thomas,
    *Elements of Information Theory*, 2006, §5.4.
    """
    d = _explained(p, q, base)
    if labels is not None and len(labels) != d.k:
        raise ValueError(f"labels has {len(labels)} names but p has {d.k} outcomes; give one each")
    names = [str(i) for i in range(d.k)] if labels is None else [str(s) for s in labels]
    ax = _new_axes(ax, (8.0, 5.2))
    fig = _figure_of(ax)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    dense = d.k > DENSE_K
    vis = d.visible
    x0, w = d.x0[vis], d.p[vis]
    lp, lq = d.best_length[vis], d.code_length[vis]
    top, cap = d.y_top, d.y_cap
    shown = np.minimum(lq, cap) if math.isfinite(cap) else lq
    cut = lq > cap

    edge = {"edgecolor": "white", "linewidth": 1.0} if not dense else {"linewidth": 0}
    # Private labels name the parts for anyone inspecting the figure (and for the tests);
    # the legend is built from explicit handles, so they never show.
    ax.bar(x0, shown, width=w, align="edge", color=COLOR_CODE, zorder=1, **edge).set_label("_code")
    longer = np.minimum(lq, cap) > lp
    shorter = lq < lp
    hatch_kw: dict[str, Any] = {"linewidth": 0, "zorder": 2, "align": "edge"}
    if longer.any():
        ax.bar(
            x0[longer],
            np.minimum(lq, cap)[longer] - lp[longer],
            bottom=lp[longer],
            width=w[longer],
            facecolor="none" if not dense else _DENSE_WASTE,
            hatch=None if dense else "///",
            edgecolor=COLOR_WASTE,
            **hatch_kw,
        ).set_label("_longer")
    if shorter.any():
        ax.bar(
            x0[shorter],
            lp[shorter] - lq[shorter],
            bottom=lq[shorter],
            width=w[shorter],
            facecolor="none" if not dense else _DENSE_SAVED,
            hatch=None if dense else "\\\\\\",
            edgecolor=COLOR_SAVED,
            **hatch_kw,
        ).set_label("_shorter")
    ax.stairs(
        lp,
        np.append(x0, 1.0),
        color=COLOR_BEST,
        linewidth=1.2 if dense else 2.0,
        zorder=3,
        label="_best",
    )
    if cut.any():
        ax.plot(
            x0[cut] + w[cut] / 2,
            np.full(int(cut.sum()), cap),
            linestyle="none",
            marker="^",
            color=COLOR_WASTE,
            markersize=6,
            zorder=4,
            clip_on=False,
            label="_cut",
        )

    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, top)
    ax.set_ylabel(f"code length {d.log}(1/qᵢ) ({d.unit})")
    ax.set_xlabel("outcome i: each bar is as wide as its probability pᵢ (total width 1)")
    ax.set_title(title if title is not None else "Coding data from p with the code built for q")
    ax.grid(axis="y", color="0.9", zorder=0)
    ax.set_axisbelow(True)

    centers = x0 + w / 2
    pos = ax.get_position()
    axes_in = pos.width * fig.get_figwidth()
    vis_names = [n for n, v in zip(names, vis, strict=True) if v]
    widths = np.array([(len(n) * _GLYPH * _FONT + 6.0) / 72.0 / axes_in for n in vis_names])
    keep = fit_labels(centers, widths, w)
    ax.set_xticks(centers[keep], [n for n, k in zip(vis_names, keep, strict=True) if k])
    ax.tick_params(axis="x", labelsize=_FONT, length=3)
    ax.set_xticks(np.append(x0, 1.0), minor=True)
    ax.tick_params(axis="x", which="minor", length=6, color="0.6")

    u = d.unit
    handles: list[Any] = [
        Patch(
            facecolor=COLOR_CODE,
            label=f"code for q: {d.log}(1/qᵢ); area H(p,q) = {_num(d.cross_entropy)} {u}",
        ),
        Line2D(
            [],
            [],
            color=COLOR_BEST,
            linewidth=2,
            label=f"best code: {d.log}(1/pᵢ); area H(p) = {_num(d.entropy)} {u}",
        ),
    ]
    gain = float(np.sum(w[longer] * (lq[longer] - lp[longer]))) if longer.any() else 0.0
    loss = float(np.sum(w[shorter] * (lp[shorter] - lq[shorter]))) if shorter.any() else 0.0
    if longer.any() or cut.any():
        handles.append(
            Patch(
                facecolor="none" if not dense else _DENSE_WASTE,
                edgecolor=COLOR_WASTE,
                hatch=None if dense else "///",
                label=f"longer than the best code: +{_num(gain)} {u}",
            )
        )
    if shorter.any():
        handles.append(
            Patch(
                facecolor="none" if not dense else _DENSE_SAVED,
                edgecolor=COLOR_SAVED,
                hatch=None if dense else "\\\\\\",
                label=f"shorter than the best code: −{_num(loss)} {u}",
            )
        )
    if cut.any():
        idx = np.flatnonzero(vis)[cut]
        items = [f"{names[i]}: {_num(float(d.code_length[i]))}" for i in idx[:4]]
        more = f" and {idx.size - 4} more" if idx.size > 4 else ""
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="^",
                color=COLOR_WASTE,
                label=f"cut off at {_num(cap)} {u}; full length {', '.join(items)}{more}",
            )
        )
    if dense:
        handles.append(Patch(alpha=0, label=f"K = {d.k} outcomes; names shown where they fit"))
    ax.legend(
        handles=handles,
        title=f"D(p‖q) = H(p,q) − H(p) = {_num(d.kl_divergence)} {u} a symbol wasted",
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncol=2 if len(handles) > 2 else 1,
        frameon=False,
        fontsize=_FONT,
        title_fontsize=_FONT + 1,
    )
    return fig


def decomposition(
    p: Any,
    q: Any = None,
    *,
    base: _units.Base = 2,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    r"""One stacked bar: H(p) + D(p‖q) = H(p, q).

    The bar's lower part is the entropy H(p), the length of the best code; on top sits
    the KL divergence D(p‖q), the waste; together they reach the cross-entropy H(p, q),
    what the code built for q costs on data from p. Each part is labelled with its value
    beside the bar. An infinite waste (qᵢ = 0 where pᵢ > 0) is drawn as an arrow.

    Args:
        p, q: as in :func:`code_diagram`, shape ``(K,)``; ``q=None`` means q = p.
        base: the unit (bits by default).
        ax: draw into these axes instead of a new figure.
        title: the axes title; by default the identity drawn.

    Returns:
        The ``matplotlib.figure.Figure`` drawn on.

    >>> import infobits as ib
    >>> fig = ib.plot.decomposition([1/8] * 8, [1/2, 1/4, 1/8, 1/16] + [1/64] * 4)
    >>> [t.get_text().splitlines()[0] for t in fig.axes[0].texts]
    ['H(p) = 3.000 bits', 'D(p‖q) = 1.250 bits', 'H(p,q) = 4.250 bits']

    Reference: Cover & Thomas, *Elements of Information Theory*, 2006, eq. (5.43)
    (the expected length of a wrong code); S. Kullback, R. A. Leibler, 1951.
    """
    d = _explained(p, q, base)
    ax = _new_axes(ax, (3.4, 5.2))
    fig = _figure_of(ax)
    h, hpq, kl, u = d.entropy, d.cross_entropy, d.kl_divergence, d.unit
    infinite = math.isinf(hpq)
    # A certain outcome costs nothing at all; one unit of axis still shows that it is 0.
    top = (max(h, 1.0) * 1.6) if infinite else (hpq if hpq > 0 else 1.0) * 1.18
    if infinite:
        kl_height = top / 1.08 - h
    else:
        kl_height = max(kl, 0.0)
    ax.bar([0.0], [h], width=0.55, color=COLOR_CODE, edgecolor=COLOR_BEST, linewidth=2.0).set_label(
        "_h"
    )
    ax.bar(
        [0.0],
        [kl_height],
        bottom=[h],
        width=0.55,
        facecolor=COLOR_CODE,
        edgecolor=COLOR_WASTE,
        hatch="///",
        linewidth=1.0,
    ).set_label("_kl")
    if infinite:
        ax.annotate(
            "",
            xy=(0.0, top / 1.03),
            xytext=(0.0, h + kl_height * 0.5),
            arrowprops={"arrowstyle": "-|>", "color": COLOR_WASTE, "linewidth": 2},
            annotation_clip=False,
        )
    else:
        ax.hlines(hpq, -0.35, 0.35, color="black", linewidth=1.5)
    ax.set_xlim(-0.45, 1.9)
    ax.set_ylim(0.0, top)
    ax.set_xticks([])
    ax.set_ylabel(f"{u} a symbol")
    ax.set_title(title if title is not None else "H(p) + D(p‖q) = H(p,q)")
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)

    total_y = top / 1.08 if infinite else hpq
    wanted = np.array([h / 2, h + kl_height / 2, total_y]) / top
    axes_in = ax.get_position().height * fig.get_figheight()
    gap = 2.9 * _FONT / 72.0 / max(axes_in, 1e-9)
    ys = spread_labels(wanted, gap, low=gap / 2, high=1.0 - gap / 4) * top
    texts = [
        (f"H(p) = {_num(h)} {u}\nbest code for p", COLOR_BEST, h / 2),
        (f"D(p‖q) = {_num(kl)} {u}\nwaste", COLOR_WASTE, h + kl_height / 2),
        (f"H(p,q) = {_num(hpq)} {u}\ncode for q", "black", total_y),
    ]
    for (text, color, anchor), y in zip(texts, ys, strict=True):
        # The leader stops short of the column where every label starts, so it can
        # never cross another label.
        ax.plot([0.3, 0.36, 0.42], [anchor, y, y], color="0.5", linewidth=0.8)
        ax.text(0.45, y, text, va="center", ha="left", fontsize=_FONT, color=color)
    return fig


def explain_figure(p: Any, q: Any = None, *, base: _units.Base = 2) -> Figure:
    """Both pictures side by side: the code diagram and the decomposition.

    This is the figure ``infobits explain --plot FILE`` writes. Both pictures show one
    explanation (:func:`infobits.explain.explanation`), computed once.

    Args:
        p, q: as in :func:`code_diagram`, shape ``(K,)``; ``q=None`` means q = p.
        base: the unit (bits by default).

    Returns:
        A ``matplotlib.figure.Figure`` with two axes.

    >>> import infobits as ib
    >>> fig = ib.plot.explain_figure([0.5, 0.5], [0.9, 0.1])
    >>> [ax.get_title() for ax in fig.axes]
    ['Coding data from p with the code built for q', 'H(p) + D(p‖q) = H(p,q)']

    Reference: C. Olah, "Visual Information Theory", 2015.
    """
    _need_matplotlib()
    from matplotlib.figure import Figure

    e = _explained(p, q, base)  # computed once, before anything is drawn
    fig = Figure(figsize=(11.5, 5.4), layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=[3.6, 1.25])
    code_diagram(e, ax=left)
    decomposition(e, ax=right)
    return fig
