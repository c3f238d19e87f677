"""Lines of a service that fell while an event's lines rose: the work moved.

Nodes moved from one instance type to another, a volume from gp2 to gp3, a workload from
one region to another: the new line rises from nothing while the old one falls to $0, and
the service bills what it billed before. AWS Cost Anomaly Detection's impact is the
service's actual spend less its expected spend (``TotalImpact = TotalActualSpend -
TotalExpectedSpend``), so a line that fell over an event's days counts in the event at what
it billed against its level before the event: a root cause below $0. Its level before, held
(the same weekday of the last week before the event), as the flagged line's expected days
are held at the old level (the second pass scores them against their weeks before the
event): a fallen line's four-week median learns its $0 as the event goes on, and the move
was read as a rise. Only a line that fell by a third or more (the day rule's 1.5x, the other
way) and by at least the minimum dollars a day, and at its level the day before the event:
the noise of the lines that stayed is no cause, nor a fall that came before.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from costmodel.anomaly_rules import MIN_RATIO
from costmodel.output import money


@dataclass(frozen=True)
class Moves:
    """What tells a line that fell: ``billed`` and ``usual`` (days x series [USD], the
    usual day as scored), ``flagged`` (the flagged series-days, each its own event's) and
    ``min_usd`` (the minimum dollars a day); ``notes`` gathers the events a move took below
    that (:func:`move_note`): said, never silently left out."""

    billed: pd.DataFrame
    usual: pd.DataFrame
    flagged: pd.DataFrame
    min_usd: float
    notes: list[str] = field(default_factory=list)


def move_note(event: dict) -> str:
    """One line on an event whose lines that fell took its impact below the minimum dollars
    a day."""
    rose = [c["usage_type"] for c in event["root_causes"] if c["contribution"] > 0]
    fell = [c["usage_type"] for c in event["root_causes"] if c["contribution"] < 0]
    return (
        f"{event['service']} {event['start'].date()}..{event['end'].date()}: {', '.join(rose)} rose as "
        f"{', '.join(fell)} fell (the work moved): the service billed {money(event['actual'])} against "
        f"{money(event['expected'])} expected, no anomaly"
    )


def fallen(moves: Moves, service: str, days: pd.Series) -> pd.DataFrame:
    """The lines of ``service`` that fell over ``days`` (an event's): one row per series-day
    with the series' key columns, ``date``, ``actual`` (billed) and ``expected`` (its level
    before the event, held) [USD], as the flagged rows of an event are."""
    columns = moves.billed.columns[moves.billed.columns.get_level_values("service") == service]
    days = pd.DatetimeIndex(sorted(days))
    billed = moves.billed.loc[days, columns]
    # the same weekday of the last week before the event (the event's own day in its first data)
    weeks_in = (days - days[0]).days // 7 + 1
    before = [d - pd.Timedelta(weeks=int(w)) for d, w in zip(days, weeks_in, strict=True)]
    known = [b if b in moves.usual.index else d for b, d in zip(before, days, strict=True)]
    held = pd.DataFrame(moves.usual.loc[known, columns].to_numpy(), index=days, columns=columns)
    billed = billed.where(~_flagged_cells(moves.flagged, billed), held)  # another event's money
    fell = (billed.sum() * MIN_RATIO <= held.sum()) & (held.sum() - billed.sum() >= moves.min_usd * len(days))
    fell &= _at_its_level_the_day_before(moves, columns, days[0])
    if not fell.any():
        return pd.DataFrame()
    levels = list(range(len(columns.names)))
    frame = pd.DataFrame(
        {
            "actual": billed.loc[:, fell].stack(levels, future_stack=True),
            "expected": held.loc[:, fell].stack(levels, future_stack=True),
        }
    )
    frame.index.names = ["date", *columns.names]
    return frame.reset_index()


def _at_its_level_the_day_before(moves: Moves, columns: pd.Index, start: pd.Timestamp) -> pd.Series:
    """Per series, whether it billed its usual day the day before ``start``: a line that fell
    before the event (a Savings Plan's negation a week earlier) is no work the event moved."""
    before = start - pd.Timedelta(days=1)
    if before not in moves.billed.index:
        return pd.Series(True, index=columns)
    return moves.billed.loc[before, columns] * MIN_RATIO > moves.usual.loc[before, columns]


def _flagged_cells(flagged: pd.DataFrame, billed: pd.DataFrame) -> pd.DataFrame:
    """Days x series of ``billed``: True where a series-day is flagged."""
    keys = list(billed.columns.names)
    marked = flagged.loc[flagged["date"].isin(billed.index), ["date", *keys]].drop_duplicates()
    cells = pd.DataFrame(np.zeros(billed.shape, dtype=bool), index=billed.index, columns=billed.columns)
    for row in marked.itertuples(index=False):
        key = tuple(row[1:])
        if key in cells.columns:
            cells.loc[row[0], key] = True
    return cells


__all__ = ["Moves", "fallen", "move_note"]
