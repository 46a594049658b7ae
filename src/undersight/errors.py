"""The error a user can cause: the command line prints it as one line and exits 2."""

from __future__ import annotations


class UserError(Exception):
    """A bad argument, path or input, named in one line (exit status 2)."""
