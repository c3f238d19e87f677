"""Shipped data: price snapshot, architectures, documented estimate (see README.md here)."""
