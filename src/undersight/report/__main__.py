"""``python -m undersight.report``: the same as ``undersight report``."""

import sys

from undersight.report.command import main

sys.exit(main())
