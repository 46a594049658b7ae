"""``python -m undersight.synth``: see :mod:`undersight.synth.cli`."""

from undersight.synth.cli import main

raise SystemExit(main())
