"""Pictures of information as code length (needs matplotlib: ``infobits[plot]``).

A code is drawn as bars, one per outcome: as wide as the outcome's probability pᵢ and
as tall as its code length log(1/qᵢ), so the area is the expected code length. The best
code's outline has area H(p); the code built for q has area H(p, q); the gap is the KL
divergence. matplotlib is only imported when a figure is drawn.

Every figure draws one explanation of p and q (:func:`infobits.explain.explanation`),
the same numbers ``infobits explain`` prints and the explorer shows; pass one to draw it
without computing it again.

>>> import io
>>> import infobits as ib
>>> fig = ib.plot.code_diagram([0.5, 0.25, 0.25], [1/3, 1/3, 1/3])
>>> fig.savefig(io.BytesIO(), format="png")
"""

from ._figures import code_diagram, decomposition, explain_figure

__all__ = ["code_diagram", "decomposition", "explain_figure"]
