"""How costmodel's results show themselves: at the prompt, in Jupyter, in any kernel.

* :class:`costmodel.figure.ChartFigure`: the Figure every chart function returns. It draws
  itself as PNG (``_repr_png_``), so a chart shows in a plain kernel with no ``%matplotlib``
  magic, no pyplot import and no change of the matplotlib backend.
* :class:`Result`: the base of every result object (a reconciled month, a what-if, a
  forecast, ...). Its ``__repr__`` is one short line of headline figures without float
  noise (``$10,192.39``, not ``10192.390000000001``) and its ``_repr_html_`` a compact
  summary: the headline figures first, then the main table's first rows.
* :func:`costmodel.notebook.html_table`: a Styler as HTML that reads the same in every front end: styles
  inline (JupyterLab strips ``<style>`` blocks from the outputs of a notebook it does not
  trust) and MathJax told to leave the table alone (two ``$`` in a cell are money, not a
  formula).
"""

from __future__ import annotations

import base64
import dataclasses
import html
import re
from typing import Any

import pandas as pd

# Rows of a result's table shown in its summary; the whole table is its attribute.
SUMMARY_ROWS = 8
HEADLINE_CELL = "padding: 2px 14px 2px 0; vertical-align: top; text-align: left"


_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>\s*", re.S)
_ID = re.compile(r'\bid="([\w-]+)"')


def inline_styles(markup: str) -> str:
    """``markup`` with the rules of its ``<style>`` block that name one element (``#id``)
    moved into that element's ``style`` attribute; other rules stay in the block (pandas'
    Styler names each styled cell by its id)."""
    block = _STYLE_BLOCK.search(markup)
    if block is None:
        return markup
    by_id: dict[str, str] = {}
    kept = []
    for selectors, body in _RULE.findall(block.group(1)):
        declarations = " ".join(f"{d.strip()};" for d in body.split(";") if d.strip())
        for selector in (s.strip() for s in selectors.split(",")):
            if re.fullmatch(r"#[\w-]+", selector):
                by_id[selector[1:]] = by_id.get(selector[1:], "") + declarations
            elif selector:
                kept.append(f"{selector} {{ {declarations} }}")
    rest = f"<style>{' '.join(kept)}</style>\n" if kept else ""
    markup = markup[: block.start()] + rest + markup[block.end() :]

    def with_style(match: re.Match) -> str:
        style = by_id.get(match.group(1))
        return match.group(0) + (f' style="{html.escape(style)}"' if style else "")

    return _ID.sub(with_style, markup)


def _scalar_text(name: str, value: Any) -> str | None:
    """A field's value as a reader reads it (by its unit, see :mod:`costmodel.formatting`),
    or None for what a summary line does not show (tables, long lists)."""
    from costmodel.formatting import format_value, kind_of

    if isinstance(value, (pd.DataFrame, pd.Series)):
        return None
    if isinstance(value, bool) or value is None:
        return "yes" if value is True else ("no" if value is False else "none")
    if isinstance(value, (int, float)):
        return format_value(value, kind_of(name))
    if isinstance(value, str):
        return value if len(value) <= 80 else value[:79] + "…"
    if isinstance(value, Result):
        return value._title()
    if dataclasses.is_dataclass(value):
        parts = [(f.name, _scalar_text(f.name, getattr(value, f.name))) for f in dataclasses.fields(value)]
        return ", ".join(f"{k} {v}" for k, v in parts if v is not None)
    if isinstance(value, (list, tuple, set, dict)):
        return f"{len(value)} item{'' if len(value) == 1 else 's'}" if len(value) > 3 else _short(value)
    return str(value)


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_scalar_text(str(k), v)}" for k, v in value.items()) + "}"
    return "[" + ", ".join(_scalar_text("", v) or "" for v in value) + "]"


def _as_frame(value: Any) -> pd.DataFrame | None:
    """A field as a table: a DataFrame as it is, a list of dataclasses one row each."""
    if isinstance(value, pd.DataFrame):
        return value
    if isinstance(value, list) and value and all(dataclasses.is_dataclass(v) for v in value):
        return pd.DataFrame([dataclasses.asdict(v) for v in value])
    return None


class Result:
    """Base of costmodel's result objects (dataclasses declared with ``repr=False``).

    Subclasses may override :meth:`_title`, :meth:`_headline` (label, text pairs, the
    numbers a reader wants first) and :meth:`_tables` (caption, DataFrame pairs, the main
    table first); the defaults read the dataclass fields.
    """

    def _title(self) -> str:
        return type(self).__name__

    def _headline(self) -> list[tuple[str, str]]:
        out = []
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            if not f.repr:
                continue
            text = _scalar_text(f.name, getattr(self, f.name))
            if text is not None and _as_frame(getattr(self, f.name)) is None:
                out.append((f.name.replace("_", " "), text))
        return out

    def _tables(self) -> list[tuple[str, pd.DataFrame]]:
        out = []
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            frame = _as_frame(getattr(self, f.name))
            if frame is not None:
                out.append((f.name, frame))
        return out

    def __repr__(self) -> str:
        headline = "; ".join(f"{label} {text}" for label, text in self._headline())
        tables = ", ".join(f"{name}: {len(frame)} rows" for name, frame in self._tables() if len(frame))
        body = "; ".join(part for part in (headline, tables) if part)
        return f"<{self._title()}: {body}>" if body else f"<{self._title()}>"

    def _repr_html_(self) -> str:
        from costmodel.notebook import html_table, styled

        cells = "".join(
            f'<td style="{HEADLINE_CELL}">{html.escape(label)}<br>'
            f'<b style="font-size: 1.25em">{html.escape(text)}</b></td>'
            for label, text in self._headline()
        )
        parts = [
            f"<div><b>{html.escape(self._title())}</b></div>",
            f'<table class="tex2jax_ignore mathjax_ignore"><tr>{cells}</tr></table>' if cells else "",
        ]
        for i, (name, frame) in enumerate(t for t in self._tables() if len(t[1])):
            shown = frame.head(SUMMARY_ROWS)
            more = len(frame) - len(shown)
            note = f" (first {len(shown)} of {len(frame)} rows)" if more > 0 else f" ({len(frame)} rows)"
            attribute, _, what = name.partition(", ")
            caption = (
                f"<code>.{html.escape(attribute)}</code>{', ' + html.escape(what) if what else ''}{note}"
            )
            table = html_table(styled(shown)) if len(shown.columns) else ""
            if i == 0:
                parts.append(f"<div>{caption}</div>{table}")
            else:
                parts.append(f"<details><summary>{caption}</summary>{table}</details>")
        return '<div class="costmodel-result">' + "\n".join(p for p in parts if p) + "</div>"


class Image:
    """A PNG image that Jupyter shows (``_repr_png_``): a chart of the report, given as the
    base64 text :func:`costmodel.report.build.report_context` embeds in the HTML report."""

    def __init__(self, png_base64: str) -> None:
        self.data = base64.b64decode(png_base64)

    def _repr_png_(self) -> bytes:
        return self.data

    def __repr__(self) -> str:
        return f"<Image: PNG, {len(self.data):,} bytes>"
