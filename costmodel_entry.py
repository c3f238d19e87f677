"""The ``costmodel`` console script: :func:`costmodel.cli.main`, imported inside a ``try``.

This module lives outside the ``costmodel`` package on purpose: importing anything in the
package first imports the package itself (pandas and the model, about a second), and a
Ctrl-C in that second must also be one line and exit 130, never a traceback. The command
line handles a Ctrl-C after that itself (:func:`costmodel.cli.main`).
"""

import os
import signal
import sys
from types import FrameType

INTERRUPTED = 130  # 128 + SIGINT
# before numpy loads: the model's fits are small (a forecast's backtest fits dozens of short
# series), and BLAS threads on them only contend, five times slower on a busy 2-core machine
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _interrupted_while_loading(signum: int, frame: FrameType | None) -> None:
    """Nothing is written while modules load, so the process can end at once. A
    KeyboardInterrupt would not do: raised inside numpy's import, pandas turns it into an
    ImportError ("Unable to import required dependency numpy") with a traceback."""
    if "--debug" in sys.argv[1:]:
        raise KeyboardInterrupt
    sys.stderr.write("costmodel: interrupted, nothing was written\n")
    sys.stderr.flush()
    os._exit(INTERRUPTED)


def main() -> int:
    """Run the command line; a Ctrl-C while it loads is one line on stderr and exit 130
    (after that, :func:`costmodel.cli.main` answers it, naming anything already written)."""
    previous = signal.signal(signal.SIGINT, _interrupted_while_loading)
    try:
        from costmodel.cli import main as run
    except KeyboardInterrupt:  # raised by something loading, not by the signal handler
        if "--debug" in sys.argv[1:]:
            raise
        print("costmodel: interrupted, nothing was written", file=sys.stderr)
        return INTERRUPTED
    finally:
        signal.signal(signal.SIGINT, previous)
    return run()


if __name__ == "__main__":
    sys.exit(main())
