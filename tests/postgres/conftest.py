"""One throwaway PostgreSQL cluster per test session; a fresh database per test."""

from __future__ import annotations

import pytest

from tests.postgres.cluster import Cluster, server_bin, start_cluster


@pytest.fixture(scope="session")
def pg_cluster():
    if server_bin() is None:
        pytest.skip("PostgreSQL server binaries are not installed (.ci/run installs Debian's postgresql)")
    cluster: Cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster) -> str:
    return pg_cluster.new_database()
