"""What bench/multi_machine.py and bench/drills.py share: production-like processes that are always
cleaned up, a small HTTP client that signs in like a browser, and an SMTP sink that counts mail."""

import asyncio
import collections
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PASSWORD = "bench-password-for-loopback-only-2026"  # noqa: S105 (throwaway bench members)


def production_env(*, database_url: str, cache_url: str, email_url: str, media_root: str) -> dict[str, str]:
    """What an operator sets on every machine (README, "More than one machine"), over plain HTTP on
    loopback: the only relaxation is SECURE_SSL_REDIRECT, which a TLS proxy would make moot."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CACHE_"))}
    env.update(
        DEBUG="false",
        SECRET_KEY="bench-" + "k" * 60,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database_url,
        CACHE_URL=cache_url,
        EMAIL_URL=email_url,
        TASKS_BACKEND="database",
        MEDIA_ROOT=media_root,
        SITE_URL="http://127.0.0.1",
        LOG_LEVEL="WARNING",
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="2",
        PYTHONUNBUFFERED="1",
    )
    return env


def use_env_for_django(env: dict[str, str]) -> None:
    """Set up Django in this process on the same database, to prepare data and read results."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Processes:
    """Child processes in their own process groups, stopped on any exit (normal, error, Ctrl+C, kill)."""

    def __init__(self):
        self.children: list[tuple[str, subprocess.Popen]] = []
        self.logs = Path(tempfile.mkdtemp(prefix="kindred-bench-"))
        signal.signal(signal.SIGTERM, self._exit_on_signal)
        signal.signal(signal.SIGHUP, self._exit_on_signal)

    @staticmethod
    def _exit_on_signal(signum, frame):
        raise SystemExit(128 + signum)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop_all()

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("wb")
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.children.append((name, process))
        return process

    def gunicorn(self, name: str, port: int, env: dict[str, str]) -> subprocess.Popen:
        return self.start(
            name, [GUNICORN, "-c", "config/gunicorn.py", "config.wsgi"], {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
        )

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for _, process in self.children:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for _, process in self.children:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.children.clear()


class Response:
    def __init__(self, status: int, headers, body: str):
        self.status, self.headers, self.body = status, headers, body

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class Browser:
    """Keeps cookies like a browser behind a TLS proxy would (the Secure flag is the proxy's business
    here: everything is plain HTTP on loopback)."""

    def __init__(self, port: int, timeout: float = 30):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}

    def at(self, port: int) -> "Browser":
        """The same browser (same cookies) talking to another server."""
        other = Browser(port, self.timeout)
        other.cookies = self.cookies
        return other

    def request(self, method: str, path: str, data: dict | None = None) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        # One public host name whatever the server, as behind a load balancer (allauth keys its
        # per-address log-in limit by host name too).
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(response.status, response.headers, text)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Response:
        if "csrftoken" not in self.cookies:
            self.get("/accounts/login/")
        return self.request("POST", path, data)

    def log_in(self, email: str, password: str = PASSWORD) -> Response:
        self.get("/accounts/login/")
        return self.post("/accounts/login/", {"login": email, "password": password})


def wait_for_http(port: int, path: str = "/healthz", timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if Browser(port, timeout=2).get(path).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"Nothing answered 200 on 127.0.0.1:{port}{path} within {timeout} s")


class SmtpSink:
    """A local SMTP server (aiosmtpd) that accepts everything and counts messages per recipient."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.received: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.received.update(address.lower() for address in envelope.rcpt_tos)
        await asyncio.sleep(0)
        return "250 Message accepted"

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self):
        self._controller.start()
        return self

    def __exit__(self, *exc):
        self._controller.stop()


class Report:
    def __init__(self):
        self.failed = 0

    def check(self, ok: bool, what: str) -> bool:
        print(f"{'PASS' if ok else 'FAIL'}  {what}", flush=True)
        self.failed += not ok
        return ok


def create_members(emails: list[str], **fields) -> list:
    """Members who have verified their address and signed in recently (so digests are due)."""
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from accounts.models import User

    members = []
    for email in emails:
        member = User.objects.create_user(
            email, PASSWORD, display_name=email.split("@")[0], last_login=timezone.now(), **fields
        )
        EmailAddress.objects.create(user=member, email=email, verified=True, primary=True)
        members.append(member)
    return members
