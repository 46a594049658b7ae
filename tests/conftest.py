"""Shared fixtures: the repository paths and the optional ../shared corpora."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DEV_SET = REPO / "tests" / "data" / "dev"


@pytest.fixture(scope="session")
def shared_real() -> Path:
    """``../shared/data/real``; tests needing it skip cleanly where it is absent."""
    path = SHARED / "data" / "real"
    if not path.is_dir():
        pytest.skip("../shared/data/real is not present (a user's clone has none)")
    return path


def postgres_admin_url() -> str:
    """The test server's URL (``make test`` starts one); skips, or fails under CI, without it."""
    import os

    url = os.environ.get("UNDERSIGHT_TEST_PG")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("UNDERSIGHT_TEST_PG is not set: CI must run the suite through `make test`")
        pytest.skip("no PostgreSQL test server (run the suite with `make test`)")
    return url


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database on the test server, dropped afterwards."""
    import uuid

    import psycopg

    admin = postgres_admin_url()
    name = f"undersight_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f"CREATE DATABASE \"{name}\" LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0")
    base, _, _ = admin.rpartition("/")
    yield f"{base}/{name}"
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["duckdb", "postgres"])
def store_url(request, tmp_path):
    """The same test against a real DuckDB file and a real PostgreSQL database."""
    if request.param == "duckdb":
        return str(tmp_path / "store.duckdb")
    return request.getfixturevalue("postgres_url")
