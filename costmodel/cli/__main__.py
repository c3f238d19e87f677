"""``python -m costmodel.cli``: the console script."""

import sys

from costmodel.cli import main

if __name__ == "__main__":  # imported (pkgutil.walk_packages), it must not run
    sys.exit(main())
