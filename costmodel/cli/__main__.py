"""``python -m costmodel.cli``: the console script."""

import sys

from costmodel.cli import main

sys.exit(main())
