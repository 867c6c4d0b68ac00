"""PostgreSQL servers for tests: an existing one, or a private throwaway cluster.

``ExistingServer`` wraps a server given by URL (a superuser is needed to create
and drop databases). ``TempCluster`` runs ``initdb`` + ``pg_ctl`` into a
temporary directory, listening only on 127.0.0.1 with its unix socket inside
that directory, and removes everything again on ``stop()``.

Both hand out SQLAlchemy URLs of the form
``postgresql+psycopg://user@127.0.0.1:PORT/dbname``.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url

from .net import free_port

DRIVER = "postgresql+psycopg"
SUPERUSER = "postgres"
FALLBACK_OS_USER = "peerscope-pg"

_counter = itertools.count(1)


class PostgresUnavailable(Exception):
    """No way to obtain a PostgreSQL server on this machine."""


class PostgresServer:
    """Common interface: URLs for databases and creating/dropping them."""

    def __init__(self, base_url: URL, admin_db: str = "postgres") -> None:
        self._base = base_url.set(drivername=DRIVER)
        self.admin_db = admin_db

    # -- URLs ---------------------------------------------------------------
    def url(self, dbname: str) -> str:
        """SQLAlchemy URL (with password, if any) for database ``dbname``."""
        return self._base.set(database=dbname).render_as_string(hide_password=False)

    @property
    def host(self) -> str | None:
        return self._base.host

    @property
    def port(self) -> int | None:
        return self._base.port

    # -- administration -----------------------------------------------------
    def connect_admin(self, dbname: str | None = None) -> psycopg.Connection:
        """An autocommit psycopg connection (to the admin database by default)."""
        url = self._base
        kwargs: dict[str, Any] = {
            k: (v[0] if isinstance(v, tuple) else v) for k, v in url.query.items()
        }
        if url.host:
            kwargs["host"] = url.host
        if url.port:
            kwargs["port"] = url.port
        if url.username:
            kwargs["user"] = url.username
        if url.password:
            kwargs["password"] = url.password
        kwargs.setdefault("connect_timeout", 10)
        return psycopg.connect(dbname=dbname or self.admin_db, autocommit=True, **kwargs)

    def check(self) -> str:
        """Connect once; return the server version string."""
        with self.connect_admin() as conn:
            row = conn.execute("select version()").fetchone()
        assert row is not None
        return str(row[0])

    @staticmethod
    def unique_name(prefix: str = "peerscope_test") -> str:
        name = f"{prefix}_{os.getpid()}_{next(_counter)}_{uuid.uuid4().hex[:8]}"
        return name[:63].lower()

    def create_database(self, name: str | None = None) -> str:
        """Create an empty database (unique name by default); return its URL."""
        name = name or self.unique_name()
        with self.connect_admin() as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
                    sql.Identifier(name)
                )
            )
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop ``name``, disconnecting any sessions still using it."""
        with self.connect_admin() as conn:
            if conn.info.server_version >= 130000:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(name)
                    )
                )
            else:
                conn.execute(
                    "select pg_terminate_backend(pid) from pg_stat_activity "
                    "where datname = %s and pid <> pg_backend_pid()",
                    (name,),
                )
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))

    def stop(self) -> None:  # pragma: no cover - overridden where meaningful
        """Nothing to stop for a server we did not start."""


class ExistingServer(PostgresServer):
    """A server given by URL, e.g. ``postgresql://user:pw@host:5432/postgres``."""

    def __init__(self, server_url: str) -> None:
        url = make_url(server_url)
        if not url.drivername.startswith("postgres"):
            raise ValueError(f"not a PostgreSQL URL: {url.render_as_string()}")
        super().__init__(url, admin_db=url.database or "postgres")


# ---------------------------------------------------------------------------
# private cluster
# ---------------------------------------------------------------------------


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", path)) or (0,)


def find_pg_bindir() -> Path | None:
    """Directory holding ``initdb`` and ``pg_ctl`` (newest version first)."""
    candidates: list[Path] = []
    env_dir = os.environ.get("PEERSCOPE_PG_BINDIR")
    if env_dir:
        candidates.append(Path(env_dir))
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for pattern in ("/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin", "/usr/local/pgsql/bin"):
        for found in sorted(glob.glob(pattern), key=_version_key, reverse=True):
            candidates.append(Path(found))
    for bindir in candidates:
        if all(os.access(bindir / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            return bindir
    return None


def _ensure_os_user() -> pwd.struct_passwd:
    """A non-root account to own the cluster when running as root."""
    for name in (SUPERUSER, FALLBACK_OS_USER):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            pass
    useradd = shutil.which("useradd")
    if not useradd:
        raise PostgresUnavailable(
            "running as root, there is no 'postgres' user to run initdb as, and "
            "'useradd' is not available to create one"
        )
    nologin = shutil.which("nologin") or "/bin/false"
    subprocess.run(
        [useradd, "--system", "--user-group", "--no-create-home", "--shell", nologin,
         FALLBACK_OS_USER],
        check=True,
        capture_output=True,
    )
    return pwd.getpwnam(FALLBACK_OS_USER)


class TempCluster(PostgresServer):
    """A private PostgreSQL cluster in a temporary directory."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self._stopped = False
        self._started = False
        self._as_user: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            self._as_user = _ensure_os_user()
        # /tmp is world-traversable; a TMPDIR under /root might not be.
        parent = "/tmp" if self._as_user and os.path.isdir("/tmp") else None
        self.root = Path(tempfile.mkdtemp(prefix="peerscope-pg-", dir=parent))
        self.datadir = self.root / "data"
        self.logfile = self.root / "postgres.log"
        if self._as_user:
            os.chown(self.root, self._as_user.pw_uid, self._as_user.pw_gid)
        super().__init__(URL.create(DRIVER, username=SUPERUSER, host="127.0.0.1", port=0))
        atexit.register(self.stop)

    # -- process helpers ----------------------------------------------------
    def _run(self, args: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        kwargs: dict[str, Any] = {}
        if self._as_user:
            runuser = shutil.which("runuser")
            if runuser:
                cmd = [runuser, "-u", self._as_user.pw_name, "--", *cmd]
            else:
                kwargs.update(user=self._as_user.pw_uid, group=self._as_user.pw_gid,
                              extra_groups=[])
        env = dict(os.environ, LC_ALL="C", LANG="C")
        env.pop("PGDATA", None)
        if self._as_user:
            env["HOME"] = str(self.root)
        return subprocess.run(
            cmd,
            cwd=self.root,  # the cluster user may not be able to read our cwd
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
            **kwargs,
        )

    def _log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    # -- lifecycle ----------------------------------------------------------
    def start(self, attempts: int = 3) -> None:
        res = self._run(
            ["initdb", "-D", str(self.datadir), "-U", SUPERUSER, "--auth=trust",
             "--encoding=UTF8", "--locale=C", "--no-sync"]
        )
        if res.returncode != 0:
            raise RuntimeError(f"initdb failed ({res.returncode}):\n{res.stdout}\n{res.stderr}")

        last_error = ""
        for _ in range(attempts):
            port = free_port()
            self._write_config(port)
            res = self._run(
                ["pg_ctl", "-D", str(self.datadir), "-l", str(self.logfile),
                 "-w", "-t", "60", "start"],
                timeout=90,
            )
            if res.returncode == 0:
                self._base = self._base.set(port=port)
                self._started = True
                self.check()
                return
            last_error = f"{res.stdout}\n{res.stderr}\n--- server log ---\n{self._log_tail()}"
            if "already in use" not in last_error:
                break
        raise RuntimeError(f"could not start PostgreSQL:\n{last_error}")

    def _write_config(self, port: int) -> None:
        # postgresql.auto.conf is read last, so these win; rewritten per attempt.
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(port),
            "unix_socket_directories": f"'{self.root}'",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "200",
            "log_min_messages": "warning",
            "logging_collector": "off",
        }
        path = self.datadir / "postgresql.auto.conf"
        path.write_text("".join(f"{k} = {v}\n" for k, v in settings.items()))
        if self._as_user:
            os.chown(path, self._as_user.pw_uid, self._as_user.pw_gid)

    def _postmaster_pid(self) -> int | None:
        try:
            return int((self.datadir / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self) -> None:
        """Stop the server (fast shutdown, then kill) and delete its directory."""
        if self._stopped:
            return
        self._stopped = True
        try:
            pid = self._postmaster_pid()
            if pid is not None:
                try:
                    self._run(["pg_ctl", "-D", str(self.datadir), "-m", "fast", "-w",
                               "-t", "30", "stop"], timeout=45)
                except subprocess.TimeoutExpired:
                    pass
                _kill_and_wait(pid)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie nobody reaps (e.g. no init in a container) counts as gone
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _kill_and_wait(pid: int, timeout: float = 10.0) -> None:
    """Make sure the postmaster ``pid`` is gone (SIGQUIT, then SIGKILL)."""
    for sig in (None, signal.SIGQUIT, signal.SIGKILL):
        if sig is not None and _alive(pid):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                return
        deadline = time.monotonic() + timeout
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if not _alive(pid):
            return


def start_temp_cluster() -> TempCluster:
    """Find the server binaries and start a private cluster.

    Raises :class:`PostgresUnavailable` when there are no binaries (or no
    usable account to run them as); other failures raise ``RuntimeError``.
    """
    bindir = find_pg_bindir()
    if bindir is None:
        raise PostgresUnavailable(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found on "
            "PATH or under /usr/lib/postgresql/*/bin"
        )
    cluster = TempCluster(bindir)
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    return cluster
