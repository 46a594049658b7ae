"""Build: the extractor's hot modules compiled to C with mypyc, where possible.

``pip install .`` and ``pip install -e .`` compile the modules in
``COMPILED`` with mypyc (pinned in pyproject.toml's ``[build-system]``) into
extension modules next to their sources (``src/undersight/**/*.so`` in an
editable install), which Python then imports instead of the ``.py`` files.
Results are identical; extraction is about 1.5x faster.

The compiled modules are optional. Without mypyc or a working C compiler, or
with ``UNDERSIGHT_NO_COMPILE=1`` in the environment, the install still
succeeds with the pure-Python modules (a warning says why; ``pip -v`` shows
it). :func:`undersight.extract.pipeline.compiled_modules` tells which
modules run compiled.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent

# The modules every message passes through (src/undersight/hot_modules.txt, the
# one list), compiled together: one shared library, so calls between them are
# native calls.
COMPILED = [
    f"src/{line.strip().replace('.', '/')}.py"
    for line in (ROOT / "src" / "undersight" / "hot_modules.txt").read_text("utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
# mypyc type-checks what it compiles; third-party packages are taken as
# untyped, whether or not the build environment has them (the same C code).
MYPY_OPTIONS = [
    "--no-site-packages",
    "--ignore-missing-imports",
    "--follow-imports=silent",
    "--python-version=3.11",
    "--cache-dir=build/mypy-cache",
]
# Stands in for the compiled modules until build_ext knows whether it can make
# them: a distribution with extension modules runs build_ext.
PLACEHOLDER = Extension("undersight._compiled_placeholder", sources=[])


def _warn(message: str) -> None:
    print(f"undersight: {message}; installing the pure-Python modules", file=sys.stderr)


def _remove_outputs(command: build_ext) -> None:
    """Delete compiled modules, in place and in the build folder: what a
    failed build left (a module without its shared library does not import),
    or an earlier build's, which would shadow the pure-Python modules."""
    names = [path[len("src/") : -len(".py")].replace("/", ".") for path in COMPILED]
    inplace = command.inplace
    for name in [*names, "undersight__mypyc"]:
        for command.inplace in (True, False):  # beside the sources, in build/
            path = Path(command.get_ext_fullpath(name))
            if path.exists():
                path.unlink()
    command.inplace = inplace


@functools.cache
def _mypyc_extensions() -> list[Extension]:
    """The compiled modules' extensions, or none where mypyc cannot make them."""
    if os.environ.get("UNDERSIGHT_NO_COMPILE", "") not in ("", "0"):
        _warn("UNDERSIGHT_NO_COMPILE is set")
        return []
    started = time.monotonic()
    try:
        from mypyc.build import mypycify

        extensions = mypycify([*MYPY_OPTIONS, *COMPILED], opt_level="3", group_name="undersight")
    except (Exception, SystemExit) as exc:  # mypy reports errors by exiting
        _warn(f"mypyc could not translate the modules ({exc!r})")
        return []
    elapsed = time.monotonic() - started
    print(
        f"undersight: mypyc translated {len(COMPILED)} modules in {elapsed:.0f} s", file=sys.stderr
    )
    return extensions


class OptionalBuildExt(build_ext):
    """Compile with mypyc; on any failure, warn and keep the pure-Python modules."""

    def finalize_options(self) -> None:
        # (mypyc translates in about a second, so it does so for each of the
        # build steps pip runs, metadata included: each is its own process)
        self._mypyc_extensions = _mypyc_extensions()
        if self._mypyc_extensions:
            self.distribution.ext_modules = list(self._mypyc_extensions)
        super().finalize_options()
        # without them the placeholder stays, so that run() clears old builds
        self.extensions = [e for e in self.extensions if e is not PLACEHOLDER]

    def run(self) -> None:
        if not self._mypyc_extensions:
            _remove_outputs(self)
            return
        try:
            super().run()
        except Exception as exc:  # no compiler, no Python headers, a compile error
            _warn(f"compiling failed ({exc!r})")
            _remove_outputs(self)
            self.extensions = []


os.chdir(ROOT)  # mypyc takes the module paths relative to the project
setup(ext_modules=[PLACEHOLDER], cmdclass={"build_ext": OptionalBuildExt})
