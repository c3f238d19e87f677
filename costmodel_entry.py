"""The ``costmodel`` console script: :func:`costmodel.cli.main`, imported inside a ``try``.

This module lives outside the ``costmodel`` package on purpose, so that a Ctrl-C while the
command line loads is one line and exit 130, never a traceback (:mod:`costmodel.loading`).
``costmodel --help`` and ``--version`` load no pandas; :func:`costmodel.cli.main` loads it
after parsing, under the same guard, and answers a Ctrl-C after that itself, naming
anything already written.
"""

import os
import sys

# before numpy loads: the model's fits are small (a forecast's backtest fits dozens of short
# series), and BLAS threads on them only contend, five times slower on a busy 2-core machine
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def main() -> int:
    """Run the command line; a Ctrl-C while it loads is one line on stderr and exit 130."""
    from costmodel.loading import INTERRUPTED, MESSAGE, ctrl_c_ends_at_once  # imports nothing heavy

    debug = "--debug" in sys.argv[1:]
    try:
        with ctrl_c_ends_at_once(debug):
            from costmodel.cli import main as run
    except KeyboardInterrupt:  # raised by something loading, not by the signal handler
        if debug:
            raise
        sys.stderr.write(MESSAGE)
        return INTERRUPTED
    return run()


if __name__ == "__main__":
    sys.exit(main())
