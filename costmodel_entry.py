"""The ``costmodel`` console script: :func:`costmodel.cli.main`, imported inside a ``try``.

This module lives outside the ``costmodel`` package on purpose: importing anything in the
package first imports the package itself (pandas and the model, about a second), and a
Ctrl-C in that second must also be one line and exit 130, never a traceback. The command
line handles a Ctrl-C after that itself (:func:`costmodel.cli.main`).
"""

import sys

INTERRUPTED = 130  # 128 + SIGINT


def main() -> int:
    """Run the command line; a Ctrl-C while it loads is one line on stderr and exit 130."""
    try:
        from costmodel.cli import main as run

        return run()
    except KeyboardInterrupt:
        if "--debug" in sys.argv[1:]:
            raise
        print("costmodel: interrupted, nothing was written", file=sys.stderr)
        return INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
