"""The one formatting scheme (issue 11): a column's kind comes from its unit, and every kind
reads the way a finance reviewer writes it. Expected strings are written by hand."""

import numpy as np
import pandas as pd
import pytest

from costmodel.formatting import COUNT, PCT, RATE, USD, format_value, kind_of
from costmodel.notebook import styled
from costmodel.output import rate, table_text


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (1234.5, USD, "$1,234.50"),
        (-281.232, USD, "-$281.23"),
        (16.425, USD, "$16.43"),  # half up, as by hand (float 16.425 is 16.42499...)
        (40.5, PCT, "40.5%"),
        (-12.25, PCT, "-12.2%"),
        (3.0, COUNT, "3"),
        (2000000.0, COUNT, "2,000,000"),
        (float("nan"), USD, "unknown"),
        (None, PCT, "unknown"),
        (True, "text", "yes"),
        (np.bool_(False), "text", "no"),
        (float("nan"), "text", ""),
    ],
)
def test_each_kind_reads_as_a_finance_table_writes_it(value, kind, text):
    assert format_value(value, kind) == text


@pytest.mark.parametrize(
    ("price", "text"),
    [
        (2.0, "$2.00"),  # cents at least: never "$2"
        (0.1, "$0.10"),
        (0.411, "$0.411"),  # the published digits, never rounded to cents
        (0.0004, "$0.0004"),
        (0.0000166667, "$0.0000166667"),
        (0.34 * 0.9, "$0.306"),  # float noise of a derived price dropped
        (1460.0, "$1,460.00"),
    ],
)
def test_unit_prices_keep_their_published_digits(price, text):
    assert rate(price) == text
    assert format_value(price, RATE) == text


@pytest.mark.parametrize(
    ("column", "kind"),
    [
        ("savings_pct", PCT),  # a percentage, although its name holds "savings"
        ("coverage_pct", PCT),
        ("budget_usd", USD),  # any *_usd column is money
        ("monthly_cost", USD),
        ("break_even_months", "months"),
        ("node_count", COUNT),
        ("unit_price", RATE),
    ],
)
def test_the_kind_comes_from_the_unit_not_from_words_in_the_name(column, kind):
    assert kind_of(column, pd.Series([1.0])) == kind


def test_a_text_column_named_like_money_stays_text():
    assert kind_of("cost_explanation", pd.Series(["more nodes"])) == "text"


def test_cli_table_aligns_text_left_numbers_right_and_hides_the_index():
    frame = pd.DataFrame({"category": ["EKS nodes", "RDS"], "difference": [-281.232, 1460.0]})
    lines = table_text(frame).splitlines()
    assert lines == [
        "category  difference",
        "EKS nodes   -$281.23",
        "RDS        $1,460.00",
    ]


def test_notebook_styler_uses_the_same_scheme_and_shows_no_nan():
    frame = pd.DataFrame(
        {"item": ["RI", "SP"], "savings_pct": [37.06, float("nan")], "upfront": [0.0, 4867.0]}
    )
    html = styled(frame).to_html()
    assert "37.1%" in html and "$4,867.00" in html and "unknown" in html
    assert "nan" not in html.lower().replace("unknown", "")
    assert "$37" not in html  # a percentage never gets a dollar sign


# Numeric columns that are plain quantities in the unit their table states (GB, requests/s,
# nodes on average, a load factor): every other numeric column must have a kind.
PLAIN = {
    "quantity",
    "modelled_quantity",
    "actual_quantity",
    "value",
    "load",
    "load_factor",
    "capacity",
    "eks_nodes",
    "rds_storage_gb",
    "msk_storage_gb",
    "low_value",
    "high_value",
}


def public_tables(production, catalog):
    import numpy as np

    from costmodel import commitments, scaling, whatif
    from costmodel.actuals import read_actuals
    from costmodel.documented import compare
    from costmodel.estimation import estimate
    from costmodel.reconcile import months
    from costmodel.report import analysis

    actuals = read_actuals("data/actuals/ce-2026-06..2026-10.json")
    rec = months(actuals, production, catalog)[-1]
    items = estimate(production, catalog)
    history = scaling.hourly_nodes(production, start="2026-10-01", days=7, factor=1.4)
    recommendation = commitments.recommend(
        history, service="ec2", term="1yr", payment="no_upfront", catalog=catalog
    )
    return {
        "estimate": items,
        "compare": compare(items),
        "documented_table": commitments.documented_table(production, catalog),
        "options": commitments.options(production, catalog),
        "recommend": pd.DataFrame([recommendation]),
        "project": scaling.project(production, months=3, catalog=catalog),
        "monte_carlo": scaling.monte_carlo(production, months=3, n=50, catalog=catalog),
        "tornado": scaling.tornado(production, catalog=catalog),
        "cost_curve": scaling.cost_curve(production, "eks", np.linspace(1000, 9000, 5), catalog),
        "whatif": whatif.compare(production, {"eks.node_count": 5}, catalog).line_items,
        "reconciled lines": rec.lines,
        "waterfall": analysis.waterfall(rec),
        "ri_coverage": analysis.ri_coverage(actuals.rows, "2026-10", catalog),
        "opportunities": analysis.opportunities(production, catalog),
    }


def test_every_numeric_column_of_every_public_table_has_a_unit(production, catalog):
    missing = {
        name: [
            c
            for c in table.columns
            if kind_of(str(c), table[c]) == "number" and c not in PLAIN and table[c].dtype != bool
        ]
        for name, table in public_tables(production, catalog).items()
    }
    assert not {k: v for k, v in missing.items() if v}, "give these a unit in costmodel.formatting"


def test_a_share_reads_as_a_percentage():
    assert format_value(0.114, kind_of("unknown_share")) == "11.4%"
    assert format_value(0.6294, kind_of("break_even_utilization")) == "62.9%"
