"""Shipped data of costmodel: price snapshot, architectures, documented estimate (see README.md here)."""
