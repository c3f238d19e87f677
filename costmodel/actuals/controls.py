"""Actuals as read: tidy bill rows with the per-month totals they must conserve.

Every reader of a bill (Cost Explorer responses, the console's CSV export, CUR and FOCUS
line items) returns :class:`Actuals`, so that nothing downstream can take rows without the
control totals that reconciliation checks its money against.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from costmodel.display import Result
from costmodel.errors import InputError

METRIC_COLUMNS = {
    "UnblendedCost": "unblended_cost",
    "AmortizedCost": "amortized_cost",
    "NetAmortizedCost": "net_amortized_cost",
    "NetUnblendedCost": "net_unblended_cost",
    "BlendedCost": "blended_cost",
    "UsageQuantity": "usage_quantity",
}
COST_METRICS = [m for m in METRIC_COLUMNS if m != "UsageQuantity"]
# the control of a bill read from line items (what its ``control_source`` says)
EXPORT_TOTAL = "the export's own total (every line item summed)"
TIDY_COLUMNS = [
    "period_start",
    "period_end",
    "month",
    "granularity",
    "service",
    "usage_type",
    "record_type",
    *METRIC_COLUMNS.values(),
    "usage_unit",
    "estimated",
    "source",
]
# a Cost Explorer row that may hold credits or refunds netted in (grouped without RECORD_TYPE,
# not filtered to leave them out): a budget that leaves them out cannot count it
MAY_NET_CREDITS = "may_net_credits"
KEY_TO_COLUMN = {"SERVICE": "service", "USAGE_TYPE": "usage_type", "RECORD_TYPE": "record_type"}


def other_group_keys(rows: pd.DataFrame) -> list[str]:
    """The Cost Explorer group keys the rows carry beside SERVICE, USAGE_TYPE and RECORD_TYPE
    (``LINKED_ACCOUNT``, ``REGION``, ...), from their ``other_keys`` (``KEY=value;...``)."""
    keys = rows.get("other_keys", [])
    return sorted({k.split("=")[0] for joined in keys for k in str(joined).split(";") if k})


def refuse_unmatchable_grouping(actuals: Actuals) -> None:
    """Refuse a bill no cost of which can be matched to a model line (the model's lines
    are keyed by service and usage type): grouped by account, region, tag or nothing, every
    model line would read "absent from the bill"; by USAGE_TYPE without SERVICE likewise,
    a usage type alone naming no service."""
    rows = actuals.rows
    if not len(rows) or rows["service"].astype(bool).any():
        return
    advice = "fetch it grouped by SERVICE and USAGE_TYPE (costmodel fetch-actuals does)"
    if not rows["usage_type"].astype(bool).any():
        grouped = other_group_keys(rows)
        raise InputError(
            f"{actuals.origin}: grouped by {', '.join(grouped) or 'nothing'}, not by SERVICE or "
            f"USAGE_TYPE: no cost can be matched to a model line; {advice}"
        )
    raise InputError(
        f"{actuals.origin}: grouped by USAGE_TYPE without SERVICE: a usage type alone names no "
        "service (TimedStorage-ByteHrs is S3, CloudWatch Logs and ECR), so no cost can be "
        f"matched to a model line; {advice}"
    )


# The metric every reconciliation is made of: a group without it would be money lost.
REQUIRED_METRIC = "UnblendedCost"
# How far two totals of the same money may differ [USD]: Cost Explorer amounts carry
# about ten decimals, so sums of groups and the ungrouped total agree well within a cent.
CONSERVATION_TOLERANCE_USD = 0.005


@dataclass(frozen=True, repr=False)
class Actuals(Result):
    """Actuals as read: the tidy rows and, per month, the totals they must conserve.

    Attributes
    ----------
    rows : DataFrame
        One row per period and group (see :func:`read`).
    controls : DataFrame
        One row per month: ``month``, ``groups`` (rows read), ``groups_total`` [USD, the
        Decimal sum of the group amounts as written in the file], ``control_total`` [USD,
        an independent total of the same money] and ``control_source`` (what that total
        is: Cost Explorer's ungrouped total, the console's ``Total costs($)`` column, or,
        when the file carries none, the groups' own sum, said so).
    origin : str
        The file name.
    empty_periods : tuple
        (start, end) of the periods the file lists without cost (no groups): days it
        covers at $0.
    """

    rows: pd.DataFrame
    controls: pd.DataFrame
    origin: str = "<memory>"
    # periods the file lists with no groups and no total (Cost Explorer's way of saying a
    # day or month cost nothing): (start, end) pairs, covered at $0, not missing
    empty_periods: tuple[tuple[pd.Timestamp, pd.Timestamp], ...] = ()

    def control(self, month: str) -> pd.Series:
        """The control row of ``month``."""
        found = self.controls.loc[self.controls["month"] == month]
        if found.empty:
            raise InputError(f"{self.origin}: no data for {month}")
        return found.iloc[0]

    def _title(self) -> str:
        return f"Actuals from {self.origin}"

    def _headline(self) -> list[tuple[str, str]]:
        months = sorted(self.controls["month"])
        span = f"{months[0]}..{months[-1]}" if months else "none"
        granularity = ", ".join(sorted(set(self.rows["granularity"]))) if "granularity" in self.rows else ""
        return [
            ("months", f"{span} ({len(months)})"),
            ("rows", f"{len(self.rows):,}"),
            ("granularity", granularity),
        ]

    def _tables(self) -> list[tuple[str, pd.DataFrame]]:
        return [
            ("controls, the bill of each month", self.controls.rename(columns={"control_total": "bill_usd"}))
        ]


def controls_table(
    rows: pd.DataFrame,
    group_sums: dict[str, Decimal],
    independent: dict[str, Decimal],
    source: str,
    origin: str,
) -> pd.DataFrame:
    """Per-month control table; groups that disagree with the independent total are refused."""
    counts = rows.groupby("month").size() if len(rows) else pd.Series(dtype=int)
    out = []
    for month in sorted(set(group_sums) | set(independent)):
        groups_total = group_sums.get(month, Decimal(0))
        if month in independent:
            control = independent[month]
            if abs(control - groups_total) > Decimal(str(CONSERVATION_TOLERANCE_USD)):
                raise InputError(
                    f"{origin}, {month}: the groups add up to {groups_total:.2f} USD but {source} "
                    f"says {control:.2f} USD: a page or group is missing, repeated or altered"
                )
            what = source
        else:
            control, what = groups_total, "sum of the groups as read (the file has no independent total)"
        out.append(
            {
                "month": month,
                "groups": int(counts.get(month, 0)),
                "groups_total": float(groups_total),
                "control_total": float(control),
                "control_source": what,
            }
        )
    return pd.DataFrame(out, columns=["month", "groups", "groups_total", "control_total", "control_source"])


def group_sums(rows: list[dict], amounts: list[Decimal]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for row, amount in zip(rows, amounts, strict=True):
        sums[row["month"]] = sums.get(row["month"], Decimal(0)) + amount
    return sums
