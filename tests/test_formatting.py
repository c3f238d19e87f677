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
