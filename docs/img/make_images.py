"""Redraw the pictures in docs/img: ``python docs/img/make_images.py``.

The README's picture is the founding example drawn by ``infobits.plot.code_diagram``:
8 equally likely events (3 bits each at best) coded with a skewed guess.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent


def main() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import infobits as ib

    p = [1 / 8] * 8
    q = [1 / 2, 1 / 4, 1 / 8, 1 / 16, 1 / 64, 1 / 64, 1 / 64, 1 / 64]
    fig = ib.plot.code_diagram(p, q)
    fig.set_size_inches(7.6, 4.9)
    fig.savefig(HERE / "code_diagram.png", dpi=96)
    ib.plot.explain_figure(p, q).savefig(HERE / "explain.png", dpi=80)


if __name__ == "__main__":
    main()
