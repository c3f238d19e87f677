"""The load curve's daytime window is found in the data, never assumed (07:00-21:00 UTC was
hard-coded: a service whose users are eight hours west was fitted a wrong peak)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from costmodel.calibration import cloudwatch
from costmodel.calibration.fit import daytime, load_curve
from costmodel.cli import main
from tests.test_calibration import METRICS, WINDOW


def _by_name(fits):
    return {f.parameter: f for f in fits}


def test_a_window_past_midnight_utc_is_found_and_the_peak_recovered():
    """SYNTHETIC: 4 weeks of February 2026, trough 1,000 requests/s, a weekday daytime
    amplitude of 3,000 from 15:00 to 05:00 UTC (US evening traffic), halved at weekends,
    noise sd 50. By construction the weekday peak is 1,000 + 3,000 = 4,000 requests/s."""
    hours = pd.date_range("2026-02-01", periods=28 * 24, freq="h")
    weekend = np.where(hours.day_of_week >= 5, 0.5, 1.0)
    load = 1000 + 3000 * daytime(hours, 15, 14) * weekend
    noisy = load + np.random.default_rng(7).normal(0, 50, len(hours))
    fits = _by_name(load_curve(pd.Series(noisy, index=hours), "synthetic"))
    assert (fits["daytime_start_utc"].value, fits["daytime_hours"].value) == (15, 14)
    # within 1% (the noise moves a 95% interval off the truth one draw in twenty)
    assert fits["requests_per_s_peak"].value == pytest.approx(4000, rel=0.01)
    assert fits["requests_per_s_trough"].value == pytest.approx(1000, rel=0.01)
    assert fits["weekend_factor"].value == pytest.approx(0.5, rel=0.02)


def test_the_sample_window_is_the_generator_s():
    """samples/cloudwatch.py draws a daytime half-sine from 07:00 to 21:00 UTC."""
    from costmodel.architecture import load_architecture
    from costmodel.calibration import calibrate

    fits = _by_name(calibrate(cloudwatch.read(METRICS), load_architecture(), *WINDOW).fits)
    assert (fits["daytime_start_utc"].value, fits["daytime_hours"].value) == (7, 14)
    assert fits["daytime_start_utc"].low is None  # a grid choice: no interval claimed


def test_calibrate_prints_the_window_it_found_and_the_days_it_read(capsys):
    assert main(["calibrate", "--metrics", METRICS, "--start", WINDOW[0], "--end", WINDOW[1]]) == 0
    out = capsys.readouterr().out
    assert "Daytime (found in the hourly profile): 07:00 to 21:00 UTC" in out
    assert "2026-08-01 to 2026-09-30 (--end 2026-10-01 is exclusive)" in out
    assert "beyond 10 years" not in out and "unknown: not reached within 10 years" in out


@pytest.mark.parametrize("start", [0, 20])
def test_daytime_wraps_past_midnight(start):
    shape = daytime(np.arange(24), start, 10)
    assert shape[start] == 0 and shape[(start + 5) % 24] == pytest.approx(1.0)
    assert (shape > 0).sum() == 9
