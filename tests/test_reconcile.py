"""Reconciliation: conservation of money, the variance identity, and a hand-checked month."""

import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pandas as pd
import pytest

from costmodel.actuals import read_actuals
from costmodel.cli import main
from costmodel.reconcile import audit, internal_checks, month, months, trend
from tests.conftest import DATA

SAMPLE = Path(__file__).parent.parent / "data" / "actuals" / "ce-2026-06..2026-10.json"
REAL = [
    "ce_get_cost_and_usage.by_service.real_2i2c_2025-09_all.json",
    "ce_get_cost_and_usage.filtered_ec2_region.real_2019-11.json",
    "ce_console_costs_download.real_2022-03.period-row-only.csv",
]


@pytest.fixture(scope="module")
def sample():
    return read_actuals(SAMPLE)


def check_conserved(rec):
    table = rec.lines
    lines = table["actual"].sum()
    unmapped = rec.unmapped["actual"].sum()
    assert round(lines + unmapped, 2) == round(rec.input_total, 2)
    variances = (
        table["calendar_variance"]
        + table["volume_variance"]
        + table["rate_variance"]
        + table["bill_adjustment"]
    )
    assert ((table["actual"] - table["modelled"]) - variances).abs().max() < 1e-9
    # money that is not usage is its own step, never volume; usage is never one
    adjustments = table["category"].isin(["Credits", "Refunds", "Tax", "Support"])
    assert (table.loc[adjustments, "bill_adjustment"] == table.loc[adjustments, "actual"]).all()
    assert (
        (table.loc[adjustments, ["calendar_variance", "volume_variance", "rate_variance"]] == 0).all().all()
    )
    assert (table.loc[~adjustments, "bill_adjustment"] == 0).all()


def test_every_sample_month_conserves_money(sample, production, catalog):
    tables = months(sample, production, catalog)
    assert [t.month for t in tables] == ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    for table in tables:
        check_conserved(table)
        # the document's figures allocated over the categories add up to its $5,700
        assert table.lines["allocated"].sum() == pytest.approx(5700)
        assert table.totals["documented"] == pytest.approx(5700)
        assert table.totals["modelled"] == pytest.approx(7794.19)  # the golden hand sum


@pytest.mark.parametrize("name", REAL)
def test_real_samples_conserve_money(name, production, catalog):
    rows = read_actuals(DATA / "aws" / name)
    for m in rows.rows["month"].unique():
        check_conserved(month(rows, production, m, catalog))


def test_sample_effects_are_explained(sample, production, catalog):
    sept = month(sample, production, "2026-09", catalog).lines.set_index("category")
    # a third replica from 15 September: 16 days x 24 h = 384 h x $1.00 = $384 of volume
    assert sept.loc["RDS read replicas", "volume_variance"] == pytest.approx(384.0)
    # 720 h in September: 2 replicas x (720 - 730) h x $1.00 = -$20 calendar
    assert sept.loc["RDS read replicas", "calendar_variance"] == pytest.approx(-20.0)
    assert sept.loc["EKS nodes", "rate_variance"] < 0  # RIs from August
    assert "commitments" in sept.loc["EKS nodes", "explanation"]
    july_rec = month(sample, production, "2026-07", catalog)
    july = july_rec.lines.set_index("category")
    assert july.loc["Credits", "actual"] == pytest.approx(-300.0)
    # a credit is its own step from the model to the bill, not volume
    assert july.loc["Credits", "bill_adjustment"] == pytest.approx(-300.0)
    assert july.loc["Credits", "volume_variance"] == 0
    assert july_rec.unmapped.empty  # ECR, KMS, IPv4 are modelled; the support plan is its own line
    # the Developer plan: the greater of $29 and 3% of the month's usage, summed here from
    # the sample's own July usage groups
    import json

    from costmodel.data_files import data_path

    raw = json.loads(data_path("actuals", "ce-2026-06..2026-10.json").read_text())
    usage = sum(
        float(g["Metrics"]["UnblendedCost"]["Amount"])
        for page in raw["requests"][0]["pages"]
        for result in page["ResultsByTime"]
        if result["TimePeriod"]["Start"] == "2026-07-01"
        for g in result["Groups"]
        if g["Keys"][0] != "AWS Support (Developer)"
    )
    assert july.loc["Support", "actual"] == pytest.approx(max(29.0, 0.03 * usage))


def hand_response():
    def g(service, usage_type, amount, quantity, unit):
        return {
            "Keys": [service, usage_type],
            "Metrics": {
                "UnblendedCost": {"Amount": amount, "Unit": "USD"},
                "UsageQuantity": {"Amount": quantity, "Unit": unit},
            },
        }

    period = {"Start": "2026-10-01", "End": "2026-11-01"}
    usage = {
        "GroupDefinitions": [
            {"Type": "DIMENSION", "Key": "SERVICE"},
            {"Type": "DIMENSION", "Key": "USAGE_TYPE"},
        ],
        "ResultsByTime": [
            {
                "TimePeriod": period,
                "Total": {},
                "Estimated": False,
                "Groups": [
                    g(
                        "Amazon Elastic Compute Cloud - Compute",
                        "BoxUsage:c5.2xlarge",
                        "465.12",
                        "3600",
                        "Hrs",
                    ),
                    g(
                        "Amazon Elastic Compute Cloud - Compute",
                        "HeavyUsage:c5.2xlarge",
                        "477.648",
                        "2232",
                        "Hrs",
                    ),
                    g(
                        "Amazon Relational Database Service",
                        "USE1-RDS:Multi-AZ-GP3-Storage",
                        "220",
                        "1000",
                        "GB-Mo",
                    ),
                    g("Amazon Simple Storage Service", "Requests-Tier1", "12.50", "2500000", "Requests"),
                    g("Amazon EC2 Container Registry (ECR)", "TimedStorage-ByteHrs", "15.30", "153", "GB-Mo"),
                ],
            }
        ],
    }
    special = {
        "GroupDefinitions": [
            {"Type": "DIMENSION", "Key": "RECORD_TYPE"},
            {"Type": "DIMENSION", "Key": "SERVICE"},
        ],
        "ResultsByTime": [
            {
                "TimePeriod": period,
                "Total": {},
                "Estimated": False,
                "Groups": [
                    {
                        "Keys": ["Credit", "Amazon Relational Database Service"],
                        "Metrics": {"UnblendedCost": {"Amount": "-100", "Unit": "USD"}},
                    }
                ],
            }
        ],
    }
    return {"requests": [{"request": {}, "pages": [usage]}, {"request": {}, "pages": [special]}]}


def test_hand_checked_month(production, catalog):
    rows = read_actuals(hand_response(), origin="hand.json")
    table = month(rows, production, "2026-10", catalog)
    line = table.lines.set_index("category")
    assert table.hours_in_month == 744
    nodes = line.loc["EKS nodes"]
    # Qm = 3 x 730 = 2,190 h at Pm = $0.34; H = 744; Qa = 3,600 h (the RI fee's hours are not usage)
    # calendar = (2,190 x 744/730 - 2,190) x 0.34 = 42 x 0.34 = 14.28
    # volume   = (3,600 - 2,232) x 0.34 = 465.12
    # rate     = (465.12 + 477.648) - 3,600 x 0.34 = 942.768 - 1,224 = -281.232
    assert nodes["calendar_variance"] == pytest.approx(14.28)
    assert nodes["volume_variance"] == pytest.approx(465.12)
    assert nodes["rate_variance"] == pytest.approx(-281.232)
    assert nodes["actual_quantity"] == pytest.approx(3600)
    assert nodes["actual"] - nodes["modelled"] == pytest.approx(942.768 - 744.60)
    storage = line.loc["RDS storage"]
    # primary Multi-AZ: 1,000 GB-Mo at $0.23 = $230 billed $220 -> rate -10, volume 0
    assert storage["rate_variance"] == pytest.approx(-10.0)
    assert storage["volume_variance"] == pytest.approx(0.0)
    assert storage["calendar_variance"] == 0
    assert (storage["modelled_quantity"], storage["actual_quantity"]) == (1000, 1000)
    # the replicas' Single-AZ storage (2 x 1,000 GB x $0.115 = $230) is absent -> volume -230
    assert line.loc["RDS replica storage", "volume_variance"] == pytest.approx(-230.0)
    requests = line.loc["S3 requests"]
    # Requests-Tier1: 2,500,000 requests = 2,500 (1K) vs 2,000 modelled x $0.005 = +2.50;
    # the other modelled request lines (SIA PUT 0.30 + SIA GET 0.01 + GET 0.20 + Glacier
    # transitions 3.00 + SIA retrievals 50 GB x 0.01 = 0.50 -> 4.01) are absent:
    # volume 2.50 - 4.01 = -1.51, rate 0
    assert requests["volume_variance"] == pytest.approx(-1.51)
    assert requests["rate_variance"] == pytest.approx(0.0, abs=1e-9)
    # the credit is its own step (bill adjustment), not volume
    assert line.loc["Credits", "actual"] == -100 and line.loc["Credits", "bill_adjustment"] == -100
    assert line.loc["Credits", "volume_variance"] == 0
    # ECR is modelled (150 GB x $0.10 = $15.00): 153 GB on the bill -> volume +0.30, rate 0
    ecr = line.loc["ECR"]
    assert (ecr["modelled"], ecr["actual"]) == (pytest.approx(15.0), pytest.approx(15.30))
    assert ecr["volume_variance"] == pytest.approx(0.30) and ecr["rate_variance"] == pytest.approx(
        0.0, abs=1e-9
    )
    assert table.unmapped.empty
    # input total 465.12 + 477.648 + 220 + 12.50 + 15.30 - 100 = 1,090.568
    assert table.input_total == pytest.approx(1090.568)
    check_conserved(table)


def test_missing_month_is_an_error(sample, production, catalog):
    from costmodel.errors import InputError

    with pytest.raises(InputError, match="no actuals for month 2025-01; the file has 2026-06"):
        month(sample, production, "2025-01", catalog)


def test_trend(sample, production, catalog):
    tables = months(sample, production, catalog)
    frame = trend(tables)
    for t in tables:
        assert frame.loc["Total", t.month] == pytest.approx(t.input_total)


def test_months_at_once_equal_each_month_alone(sample, production, catalog):
    # EKS 1.33 leaves standard support on 2026-07-29: June is standard, July mixed and the
    # later months extended, so months() prices three estimates and maps each group's rows
    # at once; every month must come out as month() alone gives it.
    arch = production.with_changes({"eks.kubernetes_version": "1.33"})
    together = months(sample, arch, catalog)
    for rec in together:
        alone = month(sample, arch, rec.month, catalog)
        pd.testing.assert_frame_equal(rec.lines, alone.lines)
        pd.testing.assert_frame_equal(rec.unmapped, alone.unmapped)
        assert (rec.totals, rec.input_total) == (alone.totals, alone.input_total)
    extended_hours = {
        r.month: r.lines.set_index("category").loc["EKS control plane", "modelled"] for r in together
    }
    # 730 h x $0.10 standard; 730 h x $0.60 extended; July: 28 of 31 days standard
    assert extended_hours["2026-06"] == pytest.approx(73.0)
    assert extended_hours["2026-08"] == pytest.approx(438.0)
    assert extended_hours["2026-07"] == pytest.approx(730 * (0.10 + 0.50 * 3 / 31))


def test_months_between_reconciles_only_those_months(sample, production, catalog):
    chosen = months(sample, production, catalog, between=("2026-07", "2026-08"))
    assert [t.month for t in chosen] == ["2026-07", "2026-08"]
    assert months(sample, production, catalog, between=("2027-01", "2027-12")) == []


def test_audit_finds_the_documents_inconsistencies():
    checks = internal_checks().set_index("check")
    # 73 + 900 + 127 = 1,100; 1,600 + 1,400 + 200 = 3,200; groups add up to 5,700
    assert checks.loc["Compute (EKS) lines add up to its total", "consistent"]
    assert checks.loc["breakdown groups add up to the total", "consistent"]
    # 1 - 4,550 / 7,650 = 40.5%, stated as 40%
    assert not checks.loc["savings % of Total", "consistent"]
    assert checks.loc["savings % of Total", "computed"] == pytest.approx(40.52, abs=0.01)
    # $5,700 = $4,550 + 73 + 127 + 600 + 150 + 200
    assert checks.loc["$5,700 = the table's $4,550 reserved + the lines the table leaves out", "consistent"]


def test_audit_against_list_prices(production, catalog):
    lines = audit(production, catalog).set_index(["group", "item"])
    nodes = lines.loc[("Compute (EKS)", "Worker nodes")]
    # $900 / ($0.34 x 730) = 3.63 nodes on demand; / $156.22 (1yr NU) = 5.8 nodes
    assert "3.63 running" in nodes["corresponds_to"] and "5.8 instances" in nodes["corresponds_to"]
    backup = lines.loc[("Database (RDS)", "Backup storage")]
    assert "2,105 GB-Mo" in backup["corresponds_to"]  # $200 / $0.095 = 2,105 GB charged


def run(*argv):
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(list(argv))
    return code, out.getvalue()


def test_reconcile_json_contract():
    code, out = run("reconcile", "--actuals", str(SAMPLE), "--month", "2026-10", "--format", "json")
    payload = json.loads(out)
    assert code == 0 and len(payload["months"]) == 1
    m = payload["months"][0]
    assert {"month", "hours_in_month", "estimated", "totals", "lines", "unmapped"} <= set(m)
    assert set(m["totals"]) == {"documented", "modelled", "actual"}
    keys = {
        "category",
        "usage_types",
        "documented",
        "modelled",
        "modelled_quantity",
        "actual",
        "actual_quantity",
        "calendar_variance",
        "volume_variance",
        "rate_variance",
        "bill_adjustment",
        "explanation",
    }
    assert all(keys <= set(line) for line in m["lines"])
    assert all(set(u) == {"service", "usage_type", "actual"} for u in m["unmapped"])
    total = sum(line["actual"] for line in m["lines"]) + sum(u["actual"] for u in m["unmapped"])
    assert round(total, 2) == round(m["totals"]["actual"], 2)


def test_reconcile_without_actuals_prints_the_audit():
    code, out = run("reconcile")
    assert code == 0 and "Documented estimate audit" in out and "INCONSISTENT" in out
    code, out = run("reconcile", "--format", "json")
    assert {"internal_checks", "against_list_prices"} <= set(json.loads(out)["documented_audit"])


def test_service_level_data_is_compared_in_total(production, catalog):
    """A response grouped by SERVICE only (real 2i2c data, 3 days of September 2025)."""
    rows = read_actuals(DATA / "aws" / "ce_get_cost_and_usage.by_service.real_2i2c_2025-09_all.json")
    # 2i2c's cluster paid standard support: model a version in standard support in 2025-09
    current = production.with_changes({"eks.kubernetes_version": "1.33"})
    table = month(rows, current, "2025-09", catalog)
    assert table.hours_in_month == 72  # 1-4 September, End exclusive
    eks = table.lines.set_index("category").loc[
        "Amazon Elastic Container Service for Kubernetes (service total)"
    ]
    # the real bill: 3 x $2.40 = $7.20 = 1 cluster x 72 h x $0.10, exactly the model on 72 h:
    # calendar = (730 x 72/730 - 730) x 0.10 = -65.80; volume = 7.20 - 7.20 = 0; rate 0
    assert eks["actual"] == pytest.approx(7.20)
    assert eks["calendar_variance"] == pytest.approx(-65.80)
    assert abs(eks["volume_variance"]) < 1e-9 and abs(eks["rate_variance"]) < 1e-9
    assert "no usage types" in eks["explanation"]
    # allocated documented figures follow their categories into the service total
    assert table.lines["allocated"].sum() == pytest.approx(5700)
    # so do stated ones, when each category merged had one: "EKS control plane: $73" and
    # "EKS nodes: $900" are each their service's only category; S3's categories state none
    documented = table.lines.set_index("category")["documented"]
    assert documented["Amazon Elastic Container Service for Kubernetes (service total)"] == 73
    assert documented["Amazon Elastic Compute Cloud - Compute (service total)"] == 900
    assert pd.isna(documented["Amazon Simple Storage Service (service total)"])
    check_conserved(table)


def test_console_csv_reconciles_by_service(production, catalog):
    rows = read_actuals(DATA / "aws" / "ce_console_costs_download.real_2022-03.period-row-only.csv")
    rec = month(rows, production, "2022-03", catalog)
    table = rec.lines.set_index("category")
    # the 2022-03-01 row: EC2-Instances 3.4704, Tax 53.33
    assert table.loc["Amazon Elastic Compute Cloud - Compute (service total)", "actual"] == pytest.approx(
        3.4704
    )
    assert table.loc["Tax", "actual"] == pytest.approx(53.33)
    assert table.loc["ElastiCache nodes", "explanation"] == "modelled but absent from the bill"
    # the support plan is a line of its own (a step beside tax), no longer unmapped
    assert "AWS Support (Developer)" not in set(rec.unmapped["service"])
    assert table.loc["Support", "bill_adjustment"] == table.loc["Support", "actual"] > 0
    assert table.loc["Tax", "bill_adjustment"] == pytest.approx(53.33)
    assert table.loc["Tax", "volume_variance"] == 0


def test_line_quantities_satisfy_the_contract_formulas(sample, production, catalog):
    """Where a line reports quantities, the DESIGN.md formulas hold from the line's own fields."""
    checked = 0
    for table in months(sample, production, catalog):
        h = table.hours_in_month
        for line in table.lines.to_dict("records"):
            qm, qa = line["modelled_quantity"], line["actual_quantity"]
            if pd.isna(qm) or pd.isna(qa) or not qm:
                continue
            pm = line["modelled"] / qm
            scale = h / 730 if line["unit"] in ("Hrs", "LCU-Hrs") else 1.0
            assert line["calendar_variance"] == pytest.approx((qm * scale - qm) * pm, abs=1e-6)
            assert line["volume_variance"] == pytest.approx((qa - qm * scale) * pm, abs=1e-6)
            assert line["rate_variance"] == pytest.approx(line["actual"] - qa * pm, abs=1e-6)
            checked += 1
    assert checked >= 50  # most lines of the five months carry quantities


def test_documented_shows_only_what_the_document_states_and_allocations_apart(sample, production, catalog):
    """The document states "Data transfer: $127/month" for two model categories: it is no
    documented figure of either (null), and its pro-rata split is the allocated column."""
    rec = month(sample, production, "2026-10", catalog)
    lines = rec.lines.set_index("category")
    transfer = lines.loc[["Data transfer out", "Inter-AZ transfer"]]
    assert transfer["documented"].isna().all()
    # split by modelled cost: out 1,411 GB x $0.09 - 100 GB free x $0.09 = $117.99, inter-AZ
    # 4,000 GB x $0.01 = $40.00: 127 x 117.99 / 157.99 = $94.85 and 127 x 40 / 157.99 = $32.15
    assert transfer.loc["Data transfer out", "allocated"] == pytest.approx(127 * 117.99 / 157.99)
    assert transfer.loc["Inter-AZ transfer", "allocated"] == pytest.approx(127 * 40 / 157.99)
    # a line of the document that is one category's alone is stated as the document says it
    assert lines.loc["RDS primary", "documented"] == 1600  # "Primary instance: $1,600/month"
    assert lines.loc["RDS primary", "allocated"] == 1600
    assert rec.totals["documented"] == pytest.approx(5700)  # the document's total, allocated in full
    _, out = run("reconcile", "--actuals", str(SAMPLE), "--month", "2026-10", "--format", "json")
    payload = json.loads(out)
    line = next(x for x in payload["months"][0]["lines"] if x["category"] == "Data transfer out")
    assert line["documented"] is None and line["allocated"] == pytest.approx(127 * 117.99 / 157.99, abs=1e-6)


# --- conserve(): each guard on its own (issue 21: every guard could be deleted unseen)
def _conserve_inputs(costs=(10.0, 5.0), categories=("EKS nodes", "")):
    from costmodel.actuals.controls import Actuals

    rows = pd.DataFrame(
        {
            "unblended_cost": list(costs),
            "source": "bill.json",
            "service": "svc",
            "usage_type": ["a", "b"],
        }
    )
    mapped = rows.assign(category=list(categories))
    table = pd.DataFrame({"actual": [costs[0]]})
    unmapped = pd.DataFrame({"actual": [costs[1]]})
    controls = pd.DataFrame(
        {"month": ["2026-10"], "groups": [2], "control_total": [sum(costs)], "control_source": ["CE total"]}
    )
    return table, unmapped, mapped, rows, Actuals(rows=rows, controls=controls, origin="bill.json")


def test_conserve_returns_the_independent_total_when_everything_adds_up():
    from costmodel.reconcile.variance import conserve

    table, unmapped, mapped, rows, actuals = _conserve_inputs()
    assert conserve(table, unmapped, mapped, rows, "2026-10", actuals) == 15.0


def test_conserve_refuses_a_row_without_cost():
    from costmodel.errors import InputError
    from costmodel.reconcile.variance import conserve

    table, unmapped, mapped, rows, actuals = _conserve_inputs()
    rows.loc[1, "unblended_cost"] = float("nan")
    with pytest.raises(InputError, match="bill.json: 2026-10 'svc' 'b' has no UnblendedCost"):
        conserve(table, unmapped, mapped, rows, "2026-10", actuals)


def test_conserve_refuses_a_row_lost_in_mapping():
    from costmodel.errors import ConservationError
    from costmodel.reconcile.variance import conserve

    table, unmapped, mapped, rows, actuals = _conserve_inputs()
    with pytest.raises(ConservationError, match="2 rows read but 1 in lines and 0 unmapped"):
        conserve(table, unmapped, mapped.iloc[:1], rows, "2026-10", actuals)


def test_conserve_refuses_fewer_rows_than_the_file_had():
    from costmodel.errors import ConservationError
    from costmodel.reconcile.variance import conserve

    table, unmapped, mapped, rows, actuals = _conserve_inputs()
    actuals.controls.loc[0, "groups"] = 3
    with pytest.raises(ConservationError, match="3 groups read but 2 reconciled"):
        conserve(table, unmapped, mapped, rows, "2026-10", actuals)


@pytest.mark.parametrize(
    ("moved", "refused"),
    # the tolerance is half a cent: 0.004 off still conserves, 0.006 does not (either way)
    [(0.004, False), (-0.004, False), (0.006, True), (-0.006, True)],
)
def test_conserve_refuses_money_made_or_lost_beyond_half_a_cent(moved, refused):
    from costmodel.errors import ConservationError
    from costmodel.reconcile.variance import conserve

    table, unmapped, mapped, rows, actuals = _conserve_inputs()
    actuals.controls.loc[0, "control_total"] = 15.0 + moved
    if refused:
        with pytest.raises(ConservationError, match="add up to 15.00 USD but CE total is"):
            conserve(table, unmapped, mapped, rows, "2026-10", actuals)
    else:
        assert conserve(table, unmapped, mapped, rows, "2026-10", actuals) == 15.0 + moved


def test_a_bill_row_without_quantity_is_inferred_at_list_price_only_when_it_can_be():
    # issue 21: quantity inference survived every mutation. Four sub-lines, $100 actual each:
    #   priced at $0.50 and on the bill, no quantity -> inferred: 100 / 0.50 = 200 units
    #   no model price -> nothing to infer from: 0, not inferred
    #   no bill usage type (not on the bill) -> 0, not inferred
    #   a quantity of 10 Hrs given -> kept as is (factor 1 for Hrs to Hrs), not inferred
    from costmodel.reconcile.variance import _quantities

    sub = pd.DataFrame(
        {
            "ce_unit": ["Hrs", "Hrs", "Hrs", "Hrs"],
            "unit": ["Hrs", "Hrs", "Hrs", "Hrs"],
            "Qa_raw": [float("nan"), float("nan"), float("nan"), 10.0],
            "actual_usage_types": [["A"], ["B"], [], ["D"]],
            "Pm": [0.5, 0.0, 0.5, 0.5],
            "Ca": [100.0, 100.0, 100.0, 100.0],
        }
    )
    out = _quantities(sub)
    assert out["Qa"].tolist() == [200.0, 0.0, 0.0, 10.0]
    assert out["quantity_inferred"].tolist() == [True, False, False, False]


def test_bare_rows_are_refused_since_they_carry_no_total_to_conserve(sample, production, catalog):
    """Issue 21: reconcile.month(DataFrame) used to skip the control totals, so a lost page
    reconciled without a word; only Actuals (rows with controls) reconcile now."""
    from costmodel.errors import InputError

    for function in (month, months):
        # the refusal names the function refusing, then the argument and what it must be
        with pytest.raises(
            InputError,
            match=rf"^reconcile\.{function.__name__}: actual must be the Actuals of costmodel\.actuals\.read_actuals",
        ):
            function(sample.rows, production, catalog=catalog) if function is months else function(
                sample.rows, production, "2026-10", catalog
            )


def test_the_catalog_given_prices_the_model(sample, production, catalog):
    rows = catalog.rows
    ecr = rows["service_code"].eq("AmazonECR") & rows["usage_type"].str.endswith("TimedStorage-ByteHrs")
    dearer = catalog.with_rows(rows.assign(price=rows["price"].mask(ecr, 0.20)))
    # 150 GB of images at the given catalog's $0.20/GB-Mo = $30.00 (the snapshot's $0.10: $15.00)
    alone = month(sample, production, "2026-10", dearer).lines.set_index("category")
    assert alone.loc["ECR", "modelled"] == pytest.approx(30.0)
    for rec in months(sample, production, dearer):
        assert rec.lines.set_index("category").loc["ECR", "modelled"] == pytest.approx(30.0)


def test_an_explanation_writes_the_rate_as_money(sample, production, catalog):
    rec = month(sample, production, "2026-10", catalog)
    eks = rec.lines.set_index("category").loc["EKS nodes", "explanation"]
    # the RI: 2,232 covered hours x $0.34/h on demand - $477.648 RI fee = $281.232 saved
    assert "rate -$281.23 (commitments, credits or discounts)" in eks
