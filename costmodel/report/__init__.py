"""The monthly cost report (self-contained HTML) and its charts."""

from costmodel.report.build import build_report, render, report_context

__all__ = ["build_report", "render", "report_context"]
