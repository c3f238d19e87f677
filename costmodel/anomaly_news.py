"""What a daily job has reported already: the events of the run of the day before.

``costmodel anomalies --as-of D`` alerts once per event: an event still open today that
yesterday's run listed is no news, unless it rose on a series yesterday's did not name (a
spike of another usage type, account or region inside an open leak of the same service,
which would otherwise never alert).
"""

from __future__ import annotations

import pandas as pd


def already_reported(events: pd.DataFrame, before: pd.DataFrame) -> pd.Series:
    """Whether each of ``events`` was reported by the run of the day before (``before``: the
    events that run listed, past its thresholds): one of the same service, planned or not
    alike, whose days overlap it and whose root causes named each series it rose on (an
    event still open yesterday and today is one event: a daily job alerts on it once; a
    spike of another usage type inside it is news)."""
    seen = []
    for event in events.to_dict("records"):
        same = (before["service"] == event["service"]) & (
            before["planned"].astype(bool) == bool(event["planned"])
        )
        overlap = before.loc[same & (before["start"] <= event["end"]) & (before["end"] >= event["start"])]
        known = set().union(*map(_rising_causes, overlap.to_dict("records")))
        seen.append(len(overlap) > 0 and _rising_causes(event) <= known)
    return pd.Series(seen, index=events.index, dtype=bool)


def _rising_causes(event: dict) -> set[tuple]:
    """The series an event's impact rose on: its root causes above $0."""
    return {
        tuple(v for k, v in c.items() if k != "contribution")
        for c in event["root_causes"]
        if c["contribution"] > 0
    }


__all__ = ["already_reported"]
