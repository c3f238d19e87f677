"""How results show: short reprs without float noise, compact HTML with the headline first,
tables MathJax leaves alone with their styles inline, charts that draw in a plain kernel."""

import re
import subprocess
import sys

import pandas as pd
import pytest

from costmodel.display import inline_styles
from costmodel.notebook import header, html_table, styled, styled_checks
from costmodel.output import money
from tests.test_notebooks import raw_total

SAMPLE = "data/actuals/ce-2026-06..2026-10.json"
NOISE = re.compile(r"(?<![\d.,$])\d+\.\d{3,}")  # 7947.905000000001, 1972.3999999999996


@pytest.fixture(scope="module")
def results(production, catalog):
    from costmodel import actuals, forecast, reconcile, whatif

    bill = actuals.read_actuals(SAMPLE)
    return {
        "rec": reconcile.month(bill, production, "2026-10", catalog),
        "whatif": whatif.compare(production, {"eks.node_count": 5}, catalog),
        "standby": whatif.cold_standby(production, catalog),
        "forecast": forecast.forecast(bill, months=3),
        "bill": bill,
        "arch": production,
        "catalog": catalog,
    }


@pytest.mark.parametrize("name", ["rec", "whatif", "standby", "forecast", "bill", "arch", "catalog"])
def test_every_result_has_a_short_repr_without_float_noise(results, name):
    text = repr(results[name])
    assert text.startswith("<") and len(text) < 700, text
    assert not NOISE.findall(text), text
    assert "DataFrame" not in text and "\n" not in text


@pytest.mark.parametrize("name", ["rec", "whatif", "standby", "forecast", "bill", "arch", "catalog"])
def test_every_result_shows_a_compact_html_summary(results, name):
    html = results[name]._repr_html_()
    assert "<style" not in html and "tex2jax_ignore" in html
    assert not NOISE.findall(re.sub(r"<[^>]+>", " ", html)), name
    assert html.count("<tr") <= 40  # a summary: the headline and the first rows, not the whole table


def test_a_reconciled_month_shows_the_bill_first(results):
    rec = results["rec"]
    # the bill: the sample file's own October amounts, summed as written
    bill = money(raw_total("2026-10-01"))
    assert repr(rec).startswith(f"<ReconciledMonth 2026-10: actual (the bill) {bill};")
    html = rec._repr_html_()
    assert html.index(bill) < html.index("<thead")  # headline figures before any table


def test_totals_are_plain_floats(results):
    result = results["whatif"]
    assert all(type(v) is float for v in (result.base_total, result.scenario_total, result.difference))
    # 2 more c5.2xlarge nodes at $0.34/h x 730 h = $496.40, and their root volumes:
    # 2 x 20 GB x $0.08 per GB-month = $3.20 ... the difference is what the line items add
    assert result.difference == pytest.approx(result.line_items["difference"].sum())
    assert repr(result).count("$") >= 3 and "np.float64" not in repr(result)


def test_charts_draw_in_a_plain_kernel_without_pyplot_or_magic():
    """The README's chart calls in a kernel that never ran %matplotlib: IPython's own display
    formatter gets a PNG, pyplot is never imported and the backend is left alone."""
    code = (
        "import sys, matplotlib; matplotlib.use('pdf')\n"
        "import numpy as np, costmodel\n"
        "from costmodel import scaling\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "arch = costmodel.load_architecture()\n"
        "curve = scaling.cost_curve(arch, 'eks', load=np.linspace(1000, 30000, 40))\n"
        "proj = scaling.project(arch, months=6, growth=0.05)\n"
        "mc = scaling.monte_carlo(arch, months=6, growth=scaling.Normal(0.05, 0.02), n=50)\n"
        "shell = InteractiveShell.instance()\n"
        "for fig in (scaling.plot_cost_curve(curve), scaling.plot_projection_fan(mc, proj)):\n"
        "    data, _ = shell.display_formatter.format(fig)\n"
        "    print(sorted(data), data['image/png'][:4] == b'\\x89PNG')\n"
        "print('pyplot' if 'matplotlib.pyplot' in sys.modules else 'no pyplot', matplotlib.get_backend())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.splitlines() == [
        "['image/png', 'text/plain'] True",
        "['image/png', 'text/plain'] True",
        "no pyplot pdf",
    ], out.stderr


def test_tables_keep_their_styles_inline_and_tell_mathjax_to_leave_them_alone():
    frame = pd.DataFrame({"item": ["Control plane $73.00 + Worker nodes $900.00"], "difference": [-281.232]})
    html = html_table(styled(frame, highlight="difference"))
    assert "<style" not in html  # JupyterLab drops a <style> block of an untrusted notebook
    cell = re.search(r"<td[^>]*>-\$281\.23</td>", html).group(0)
    assert "color: #1b7f3a" in cell  # green: costs less, on the cell itself
    assert 'class="tex2jax_ignore mathjax_ignore"' in html
    shown = styled(frame)._repr_html_()  # what Jupyter shows is that HTML
    assert "<style" not in shown and "tex2jax_ignore" in shown


def test_inline_styles_moves_rules_by_id_and_keeps_the_others():
    markup = (
        '<style type="text/css">\n#T_a_row0_col0, #T_a_row1_col0 {\n  color: red;\n}\n'
        "#T_a th {\n  font-weight: bold;\n}\n</style>\n"
        '<table id="T_a"><tr><td id="T_a_row0_col0">1</td><td id="T_a_row1_col0">2</td></tr></table>'
    )
    out = inline_styles(markup)
    assert out.count('style="color: red;"') == 2
    assert "<style>#T_a th { font-weight: bold; }</style>" in out


def test_headers_are_words_with_units():
    assert [header(c) for c in ("calendar_variance", "savings_pct", "term_years", "monthly_cost")] == [
        "calendar hours",
        "savings",
        "term (years)",
        "monthly cost",
    ]
    html = styled(pd.DataFrame({"term_years": [3], "used_pct": [101.9]}))._repr_html_()
    assert ">term (years)<" in html and ">3<" in html and "3.0" not in html and ">101.9%<" in html


def test_savings_percentages_of_the_document_read_as_percentages():
    from costmodel.reconcile import internal_checks

    checks = internal_checks()
    savings = checks.loc[checks["check"] == "savings % of RDS PostgreSQL"].iloc[0]
    # 1 - 3,200 / 5,400 = 40.74% computed, 41% stated
    assert savings["unit"] == "%" and savings["computed"] == pytest.approx(40.7407, abs=1e-4)
    assert "$" not in savings["figures"] and "40.7%" in savings["figures"]
    html = styled_checks(checks)._repr_html_()
    assert ">40.7%<" in html and ">41.0%<" in html and "$40.74" not in html


def test_tornado_paints_cost_increases_red_and_names_drivers_in_words(production, catalog):
    from matplotlib.colors import to_hex

    from costmodel import scaling

    table = pd.DataFrame(
        {
            "assumption": ["load.hot_dataset_gb", "load.requests_per_pod"],
            "low_cost": [6000.0, 6500.0],  # hot dataset down: cheaper; fewer requests per pod: dearer
            "high_cost": [7000.0, 6129.0],  # the second's high side does not move the cost
        }
    )
    fig = scaling.plot_tornado(table, base=6129.0)
    ax = fig.axes[0]
    colours = [to_hex(p.get_facecolor()) for p in ax.patches]
    widths = [p.get_width() for p in ax.patches]
    # rows are drawn bottom-up: requests_per_pod first (one bar, +371 red), then hot dataset
    assert list(zip(widths, colours, strict=True)) == [
        (pytest.approx(371.0), "#b00020"),
        (pytest.approx(-129.0), "#1b7f3a"),
        (pytest.approx(871.0), "#b00020"),
    ]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [
        "requests one pod serves within the 500 ms target (requests/s)\n+25%: no change",
        "data kept in Redis (GB)",
    ]


def test_cost_by_group_keeps_tax_apart_and_names_the_reference_lines(production, catalog):
    from costmodel import actuals, reconcile
    from costmodel.report.charts import plot_cost_by_category

    tables = reconcile.months(actuals.read_actuals(SAMPLE), production, catalog)
    fig = plot_cost_by_category(reconcile.trend(tables), budget=10000)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Tax" not in legend and "other categories" not in legend
    assert legend[0] == "tax, support, credits (bill only)"
    assert legend[-2:] == ["documented $5,700", "budget $10,000"]
    # no label written over the bars: the only texts are the monthly totals
    assert all(t.get_text().startswith("$") for t in fig.axes[0].texts)


def test_cost_curve_titles_name_services_as_aws_does(production, catalog):
    import numpy as np

    from costmodel import scaling

    curve = scaling.cost_curve(production, "elasticache", np.linspace(10, 300, 30), catalog)
    assert scaling.plot_cost_curve(curve).axes[0].get_title() == "ElastiCache monthly cost vs load"


def test_money_axes_start_at_zero_and_legends_stay_off_the_bars(production, catalog, results):
    """A finance reader compares bar and line heights: an axis from $750 makes $800 -> $1,600
    look like x10. Legends inside the plot sat over the first months' bars."""
    import numpy as np

    from costmodel import scaling
    from costmodel.report.charts import plot_daily_cost, plot_forecast

    curve = scaling.cost_curve(production, "eks", np.linspace(1000, 30000, 60), catalog)
    daily = pd.DataFrame({"day": [1, 2, 3], "month": "2026-10", "cost": [620.0, 320.0, 310.0]})
    for ax in (scaling.plot_cost_curve(curve).axes[0], plot_daily_cost(daily, "2026-10").axes[0]):
        assert ax.get_ylim()[0] == 0
    # the curve's step labels say what they count
    subtitle = [
        t.get_text() for t in scaling.plot_cost_curve(curve).axes[0].texts if "labels:" in t.get_text()
    ]
    assert subtitle == ["list prices, 730 h; labels: worker nodes from each step"]
    legend = plot_forecast(results["forecast"], budget=10000).axes[0].get_legend()
    assert legend.get_bbox_to_anchor().x0 > legend.axes.bbox.x1  # right of the plot, not over a bar
