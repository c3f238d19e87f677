"""The account on the command line: ``discover``, ``drift``, ``calibrate`` and
``backtest-capacity`` (read-only AWS calls, or saved files offline)."""

from __future__ import annotations

import argparse

from costmodel.constants import CURRENCY
from costmodel.output import json_number, money, records, table_text, write_csv, write_json


def _metrics(args: argparse.Namespace, start: str, end: str) -> tuple[dict, str]:
    """Saved metrics (--metrics) or CloudWatch (--profile / the credentials chain), and a label."""
    from costmodel.calibration import cloudwatch

    if args.metrics:
        return cloudwatch.read(args.metrics), args.metrics
    payload = cloudwatch.fetch(start, end, args.profile, args.region, use_cache=not args.no_cache)
    if args.save_metrics:
        cloudwatch.save(payload, args.save_metrics)
    return payload, "GetMetricData"


# ---------------------------------------------------------------------------- discover
def cmd_discover(args: argparse.Namespace) -> None:
    from costmodel.account import discover, to_yaml
    from costmodel.files import atomic_write_text, check_writable

    if args.out:
        check_writable(args.out, "--out")  # before any AWS call
    found = discover(args.profile, args.region)
    text = to_yaml(found)
    if args.out:
        atomic_write_text(args.out, text)
    sections = {
        name: {k: {"value": v, "source": f.sources[k]} for k, v in f.values.items()}
        for name, f in found.sections.items()
        if f.values
    }
    if args.format == "json":
        write_json(
            {
                "out": args.out,
                "account": found.account,
                "region": found.region,
                "sections": sections,
                "not_read": found.not_read,
                "not_modelled": found.not_modelled,
            }
        )
    elif args.format == "csv":
        rows = [
            {"path": f"{s}.{k}", "value": v["value"], "source": v["source"]}
            for s, keys in sections.items()
            for k, v in keys.items()
        ]
        import pandas as pd

        write_csv(pd.DataFrame(rows, columns=["path", "value", "source"]))
    elif args.out:
        count = sum(len(keys) for keys in sections.values())
        print(f"wrote {args.out}: {count} values of account {found.account} ({found.region})")
        for title, items in (("could not read", found.not_read), ("runs, not modelled", found.not_modelled)):
            for item in items:
                print(f"  {title}: {item}")
    else:
        print(text, end="")


# ---------------------------------------------------------------------------- drift
PRICED_HOW = (
    "on-demand, 730 h; each difference priced on top of the ones above it, so they add up to the total"
)


def _shown(value: object) -> str:
    return "true" if value is True else "false" if value is False else str(value)


def cmd_drift(args: argparse.Namespace) -> int:
    from costmodel.account import drift
    from costmodel.architecture import load_architecture
    from costmodel.cli.common import catalog_from_args

    documented, running = load_architecture(args.documented), load_architecture(args.discovered)
    result = drift(documented, running, catalog_from_args(args))
    rows = [
        {
            "path": d.path,
            "documented": d.documented,
            "running": d.running,
            "monthly_cost_difference": None
            if d.monthly_cost_difference is None
            else json_number(d.monthly_cost_difference),
        }
        for d in result.differences
    ]
    if args.format == "json":
        payload = {
            "currency": CURRENCY,
            "differences": rows,
            "total_monthly_difference": json_number(result.total_monthly_difference),
            "undocumented": result.undocumented,
            "not_compared": result.not_compared,
            "priced": PRICED_HOW,
        }
        if result.unknown_lines:
            # the unknown differences were not read: of either sign, so neither bound
            payload |= {
                "total_is_lower_bound": False,
                "total_is_partial": True,
                "unknown_lines": result.unknown_lines,
            }
        write_json(payload)
    elif args.format == "csv":
        import pandas as pd

        write_csv(pd.DataFrame(rows, columns=["path", "documented", "running", "monthly_cost_difference"]))
    else:
        print(f"{documented.origin} (documented) against {running.origin} (running):")
        for d in result.differences:
            change = d.monthly_cost_difference
            cost = "cost unknown" if change is None else f"{'+' if change >= 0 else ''}{money(change)}/month"
            print(f"  {d.path}: documented {_shown(d.documented)}, running {_shown(d.running)}: {cost}")
        total = money(result.total_monthly_difference)
        if not result.differences:
            print("no drift: every documented key runs as documented")
        elif result.unknown_lines:
            print(
                f"{len(result.differences)} difference(s): the known ones {total}/month, "
                f"{result.unknown_lines} of unknown cost (not read: access denied), so no total "
                f"({PRICED_HOW})"
            )
        else:
            print(f"{len(result.differences)} difference(s), {total}/month ({PRICED_HOW})")
        for path, value in result.undocumented.items():
            print(f"  not documented: {path} = {_shown(value)}")
        if result.not_compared:
            print(f"  not compared (in one file only, no API states them): {', '.join(result.not_compared)}")
    return 1 if result.differences else 0


# ---------------------------------------------------------------------------- calibrate
def cmd_calibrate(args: argparse.Namespace) -> None:
    from costmodel.architecture import load_architecture
    from costmodel.calibration import calibrate, write_load_file
    from costmodel.calibration.loadfile import fit_record
    from costmodel.files import check_writable

    if args.out:
        check_writable(args.out, "--out")
    arch = load_architecture(args.arch_file)
    payload, origin = _metrics(args, args.start, args.end)
    result = calibrate(payload, arch, args.start, args.end, origin)
    if args.out:
        write_load_file(result, args.out)
    fits = [fit_record(f) for f in result.fits]
    rooms = [vars(h) for h in result.headroom]
    if args.format == "json":
        write_json(
            {
                "start": result.start,
                "end": result.end,
                "out": args.out,
                "load": result.load,
                "fits": fits,
                "headroom": rooms,
            }
        )
        return
    if args.format == "csv":
        import pandas as pd

        write_csv(pd.DataFrame(fits))
        return
    import pandas as pd

    print(f"Calibrated from {result.source}:")
    by = {f.parameter: f.value for f in result.fits}
    start, length = int(by["daytime_start_utc"]), int(by["daytime_hours"])
    print(
        f"Daytime (found in the hourly profile): {start:02d}:00 to {(start + length) % 24:02d}:00 UTC, "
        "a half-sine; weekends scaled by weekend_factor"
    )
    shown = pd.DataFrame(fits)[["parameter", "value", "low", "high", "r2", "unit", "hours"]]
    for column in ("value", "low", "high", "r2"):  # plain numbers, not money
        shown[column] = [("-" if pd.isna(v) else f"{v:,.5g}") for v in shown[column]]
    in_load = shown["parameter"].isin(list(result.load)).map({True: "load", False: ""})
    print(table_text(shown.rename(columns={"low": "low_95", "high": "high_95"}).assign(section=in_load)))
    print("\nHeadroom (the next step at the fitted trend):")
    room = pd.DataFrame(rooms)
    room["load_growth_pct"] = [
        ("not within +1900%" if d == "load" else "(data growth)") if pd.isna(v) else f"+{v:g}%"
        for v, d in zip(room["load_growth_pct"], room["driver"], strict=True)
    ]
    room["month"] = room["month"].fillna("unknown: not reached within 10 years")
    print(table_text(room, max_width=70))
    if args.out:
        print(f"\nwrote {args.out} (its 'load' section: {', '.join(result.load)})")


# ---------------------------------------------------------------------------- backtest-capacity
def cmd_backtest_capacity(args: argparse.Namespace) -> None:
    import pandas as pd

    from costmodel.architecture import load_architecture
    from costmodel.calibration import backtest, read_load_file
    from costmodel.cli.lineitems import required_source
    from costmodel.inputs import parse_month

    month = parse_month(args.month, "--month")
    load, _ = read_load_file(args.load)
    source, athena = required_source(args)
    period = pd.Period(month, "M")
    payload, _ = _metrics(args, str(period.start_time.date()), str((period + 1).start_time.date()))
    result = backtest(load_architecture(args.arch_file), load, payload, source, month, athena)

    def rows(items: list) -> list[dict]:
        return [
            {
                "service": s.service,
                "predicted_hours": json_number(s.predicted_hours),
                "billed_hours": json_number(s.billed_hours),
                "error_pct": None if s.error_pct is None else json_number(s.error_pct),
                "hourly_mae": None if s.hourly_mae is None else json_number(s.hourly_mae),
                "basis": s.basis,
            }
            for s in items
        ]

    if args.format == "json":
        hours = result.hours.assign(hour=result.hours["hour"].dt.strftime("%Y-%m-%dT%H:%M"))
        write_json(
            {
                "month": month,
                "services": rows(result.services),
                "baselines": rows(result.baselines),
                "hours": records(hours),
            }
        )
    elif args.format == "csv":
        write_csv(result.hours)
    else:
        print(f"{month}: predicted against billed hours ({source.origin})")
        print(table_text(pd.DataFrame(rows(result.services)), max_width=70))
        print("\nBaselines (EKS node-hours; hourly_mae in nodes per hour):")
        print(table_text(pd.DataFrame(rows(result.baselines)), max_width=70))


__all__ = ["cmd_backtest_capacity", "cmd_calibrate", "cmd_discover", "cmd_drift"]
