"""Print the pinned requirements of one optional extra in pyproject.toml, one per
line, so the Makefile can add an extra without reinstalling (and recompiling)
the package itself:  pip install $(python scripts/extra-requirements.py spark)"""

import sys
import tomllib
from pathlib import Path

pyproject = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
print("\n".join(pyproject["project"]["optional-dependencies"][sys.argv[1]]))
