"""``python -m undersight.report``: the same as ``undersight report``."""

import sys

from undersight.cli import main

sys.exit(main(["report", *sys.argv[1:]]))
