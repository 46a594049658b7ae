"""``python -m undersight.synth``: the same as ``undersight synth``."""

import sys

from undersight.cli import main

sys.exit(main(["synth", *sys.argv[1:]]))
