"""The load calibrated from CloudWatch, and held to the billed hours.

Example::

    from costmodel import calibration
    metrics = calibration.cloudwatch.read("data/cloudwatch/cw-2026-08..2026-10.json.gz")
    result = calibration.calibrate(metrics, arch, "2026-08-01", "2026-10-01")
    result.fits                     # each relation: value, 95% interval, R², metric, source
    calibration.write_load_file(result, "load.yaml")
    calibration.backtest(arch, result.load, metrics, lineitems.open_files(cur), "2026-10")
"""

from costmodel.calibration import cloudwatch
from costmodel.calibration.backtesting import Backtest, ServiceHours, backtest, calibrated
from costmodel.calibration.capacity_headroom import Headroom, headroom
from costmodel.calibration.fit import Fit
from costmodel.calibration.loadfile import Calibration, calibrate, read_load_file, write_load_file

__all__ = [
    "Backtest",
    "Calibration",
    "Fit",
    "Headroom",
    "ServiceHours",
    "backtest",
    "calibrate",
    "calibrated",
    "cloudwatch",
    "headroom",
    "read_load_file",
    "write_load_file",
]
