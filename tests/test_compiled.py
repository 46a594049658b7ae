"""The hot extraction modules, compiled by mypyc at install (setup.py): that
they are where the build can compile them, are not stale, and give exactly
what their pure-Python sources give."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DEV_SET, REPO
from undersight.extract.pipeline import compiled_modules, hot_modules

# Messages that take the unusual paths: a lone surrogate (no Rust automaton),
# entities, invisible and full-width characters, a range from zero.
ODD_TEXTS = [
    "出售 肉鸡 100元 \ud800 QQ 12345678",
    "a\ud800b selling rat $50 tg @abcdef",
    "&amp;&#36;5 &#x24;6 出售\u200b 肉鸡",
    "Ｑ：１２３４５６７８ 偽基站 ５萬",
    "0~5万 出售",
    "",
]

# Extracts every line of the files named in argv (and ODD_TEXTS) and prints
# the reprs; with "pure", undersight is imported from its .py sources only.
_SCRIPT = """
import importlib.machinery as m, json, sys

class PureSources:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] not in ("undersight", "undersight__mypyc"):
            return None
        for entry in path if path is not None else sys.path:
            finder = m.FileFinder(entry, (m.SourceFileLoader, m.SOURCE_SUFFIXES))
            spec = finder.find_spec(name)
            if spec is not None:
                return spec
        return None

if sys.argv[1] == "pure":
    sys.meta_path.insert(0, PureSources())
from undersight.extract.pipeline import Extractor, compiled_modules

if sys.argv[1] == "pure":
    assert not any(compiled_modules().values())
ex = Extractor(cache_size=0)
texts = json.loads(sys.argv[2])
for name in sys.argv[3:]:
    for line in open(name, encoding="utf-8"):
        record = json.loads(line)
        texts.append(record["text"])
for text in texts:
    print(repr(ex.extract(text, "2014-01-01")))
"""


def test_the_one_list_of_hot_modules_names_real_modules_that_setup_compiles():
    import importlib.util

    names = hot_modules()
    assert len(names) == len(set(names)) >= 8 and "undersight.extract.pipeline" in names
    for name in names:  # each an importable module with its source beside it
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin, name
        assert (REPO / "src" / f"{name.replace('.', '/')}.py").is_file(), name
    setup = (REPO / "setup.py").read_text(encoding="utf-8")
    assert '"hot_modules.txt"' in setup  # the build reads the same list ...
    assert not any(f"{n.replace('.', '/')}.py" in setup for n in names)  # ... and no copy of it
    assert set(compiled_modules()) == set(names)


def test_the_hot_modules_are_compiled():
    """Under CI they must be; elsewhere a build without a C compiler is fine."""
    missing = [name for name, compiled in compiled_modules().items() if not compiled]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(
                f"not compiled: {missing} (pip install -e . should build them, see setup.py)"
            )
        pytest.skip(f"not compiled here: {missing}")


def test_no_compiled_module_is_older_than_its_source():
    """An extension module beside an edited source would shadow the edit."""
    stale = []
    for name, compiled in compiled_modules().items():
        module = sys.modules[name]
        if compiled and module.__file__:
            built = Path(module.__file__)
            source = built.with_name(built.name.split(".")[0] + ".py")
            if source.is_file() and source.stat().st_mtime > built.stat().st_mtime:
                stale.append(str(source.relative_to(REPO) if REPO in source.parents else source))
    assert not stale, f"edited after the build: {stale}; rebuild with pip install -e ."


def test_compiled_and_pure_python_modules_extract_the_same():
    if not any(compiled_modules().values()):
        pytest.skip("nothing compiled here")
    files = [str(p) for p in sorted(DEV_SET.glob("*.jsonl"))]
    files.append(str(REPO / "tests" / "data" / "holdout3" / "holdout3.jsonl"))
    outputs = []
    for mode in ("compiled", "pure"):
        done = subprocess.run(
            [sys.executable, "-c", _SCRIPT, mode, json.dumps(ODD_TEXTS), *files],
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.append(done.stdout.splitlines())
    compiled, pure = outputs
    assert len(compiled) > 900
    assert compiled == pure
