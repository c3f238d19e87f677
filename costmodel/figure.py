"""The Figure every chart function returns: it shows itself in Jupyter as a PNG.

matplotlib draws a Figure in a notebook only once pyplot's inline backend has registered
its formatter (``%matplotlib inline``, or importing pyplot); costmodel builds its figures
without pyplot (nothing global holds them), so a user's plain notebook would print
``<Figure size 800x450 with 1 Axes>``. A Figure with ``_repr_png_`` is drawn by IPython
itself: no magic, no pyplot import, no backend switched. Where the inline backend is active
too, IPython uses its formatter instead: the chart still shows once.
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure

PNG_DPI = 100  # [dots per inch]: a 10-inch chart is 1,000 px wide


class ChartFigure(Figure):
    """A matplotlib Figure that Jupyter shows as a PNG without pyplot or magics."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=PNG_DPI)
        return buffer.getvalue()


def subtitle(ax: object, text: str) -> None:
    """A line of small grey text under the title of ``ax`` (give the title ``pad=16``): what a
    chart's money is, e.g. "from the bill" or "list prices, 730 h"."""
    ax.annotate(  # type: ignore[attr-defined]
        text,
        (0, 1),
        xycoords="axes fraction",
        xytext=(0, 4),
        textcoords="offset points",
        fontsize=7,
        color="#555555",
        va="bottom",
    )
