"""A Ctrl-C while the command line loads its modules: one line and exit 130, at once.

Nothing is written while modules load, so the process can end there. A KeyboardInterrupt
would not do: raised inside numpy's import, pandas turns it into an ImportError ("Unable to
import required dependency numpy") with a traceback. This module imports nothing heavy: the
console script (``costmodel_entry``) uses it before anything else is loaded, and
:func:`costmodel.cli.main` while pandas and the command's modules load, after parsing.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C
MESSAGE = "costmodel: interrupted, nothing was written\n"


@contextmanager
def ctrl_c_ends_at_once(debug: bool) -> Iterator[None]:
    """Within the block (modules loading), a Ctrl-C ends the process with one line and 130
    (``debug``: a KeyboardInterrupt, its traceback on purpose). Only the main thread can
    handle signals: elsewhere the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupted_while_loading(signum: int, frame: FrameType | None) -> None:
        if debug:
            raise KeyboardInterrupt
        sys.stderr.write(MESSAGE)
        sys.stderr.flush()
        os._exit(INTERRUPTED)

    previous = signal.signal(signal.SIGINT, interrupted_while_loading)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


__all__ = ["INTERRUPTED", "MESSAGE", "ctrl_c_ends_at_once"]
