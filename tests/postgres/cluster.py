"""A throwaway PostgreSQL cluster for tests: Debian's server binaries, initdb into a temp folder,
pg_ctl on 127.0.0.1 with a free port, trust auth. The server refuses to run as root, so as root
every server command runs as the ``postgres`` system user (runuser) on a folder it owns."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.api.live import free_port


def server_bin() -> Path | None:
    """The newest installed /usr/lib/postgresql/<v>/bin holding initdb and pg_ctl."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


@dataclass
class Cluster:
    bin_dir: Path
    root: Path
    port: int
    as_user: str | None

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_user:
            cmd = ["runuser", "-u", self.as_user, "--", *cmd]
        # An upper bound only: on the loaded 2-core VM a niced initdb took over 120 s.
        return subprocess.run(["nice", "-n", "19", *cmd], capture_output=True, text=True, check=check, timeout=900)

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "copilot", "-E", "UTF8", "--no-sync")
        opts = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.root / "server.log"), "-w", "-t", "600",
                  "start")

    def stop(self) -> None:
        """Stop the server and delete its folder (each session used to leave one in /tmp)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, db: str = "postgres") -> str:
        return f"postgresql://copilot@127.0.0.1:{self.port}/{db}"

    def new_database(self) -> str:
        """A fresh empty database; returns its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def start_cluster() -> Cluster:
    bin_dir = server_bin()
    if bin_dir is None:
        raise FileNotFoundError("no PostgreSQL server binaries (.ci/run installs Debian's postgresql package)")
    root = Path(tempfile.mkdtemp(prefix="copilot-pg-"))
    as_user = None
    if os.geteuid() == 0:
        as_user = "postgres"
        shutil.chown(root, user=as_user)
        os.chmod(root, 0o700)
    cluster = Cluster(bin_dir, root, free_port(), as_user)
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    return cluster
