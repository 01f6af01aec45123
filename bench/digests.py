"""Digest benchmark: a weekly digest for 100,000 members on PostgreSQL, sent to a local SMTP sink.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kindred_scale .venv/bin/python bench/digests.py --members 100000

Creates the database if it is missing and migrates it. When it holds fewer scale members than
`--members`, it loads them with `seed_scale --reset` and content scaled to the members (`--reset`
forces a fresh load). It then clears this week's weekly deliveries and every weekly member's last
digest time, so each run sends the same week, and runs `send_digests --frequency weekly` (the real
command, with the immediate tasks backend, so every batch runs in this process; with `--workers N`,
N `db_worker` processes on the database backend send the batches instead) against an
aiosmtpd sink on loopback in a separate process. It prints members per second, SQL queries per
1,000 members, peak memory (maximum resident set size) and how many emails the sink received.
See bench/README.md.
"""

import argparse
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Content per member for a digest-sized load: enough recent activity that most digests have
# something in every section, with far fewer posts than the full seed_scale.
PER_MEMBER = {"questions": 0.5, "answers": 1.5, "comments": 1.0, "updates": 0.5}
ARTICLES = 500


def run_sink(port: int) -> None:
    """The SMTP sink process: accept everything, count it, print the counts when told to stop."""
    from aiosmtpd.controller import Controller

    class Counting:
        messages = 0
        recipients = 0

        async def handle_DATA(self, server, session, envelope):
            self.messages += 1
            self.recipients += len(envelope.rcpt_tos)
            return "250 Message accepted for delivery"

    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stopped = []
    signal.signal(signal.SIGTERM, lambda *_: stopped.append(True))
    while not stopped:
        time.sleep(0.2)
    controller.stop()
    print(f"{handler.messages} {handler.recipients}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_database(url: str) -> None:
    parsed = urlparse(url)
    args = ["-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432), "-U", parsed.username or "postgres"]
    created = subprocess.run(
        ["createdb", *args, parsed.path.lstrip("/")],
        capture_output=True,
        text=True,
    )
    if created.returncode == 0:
        print(f"created database {parsed.path.lstrip('/')}")
    elif "already exists" not in created.stderr:
        sys.exit(created.stderr)


def _peak_memory_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100_000, help="members to load (default 100000)")
    parser.add_argument("--reset", action="store_true", help="reload the scale data even if enough is there")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="send through this many `db_worker` processes (TASKS_BACKEND=database) instead of inline",
    )
    parser.add_argument("--sink", type=int, help=argparse.SUPPRESS)  # the SMTP sink's own process
    options = parser.parse_args()
    if options.sink:
        run_sink(options.sink)
        return

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/kindred_scale")
    port = free_port()
    # Production-like settings, mail to the sink; every task runs inline in this process, or in the
    # worker processes with --workers.
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        TASKS_BACKEND="database" if options.workers else "immediate",
        EMAIL_URL=f"smtp://127.0.0.1:{port}",
        SITE_URL="https://kindred.example.org",
    )
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdefghijklmnop")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    prepare_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import DigestDelivery, EmailPreferences
    from demo import scale

    call_command("migrate", verbosity=0)
    if options.reset or scale.existing_members() < options.members:
        print(f"loading {options.members:,} members and their content", flush=True)
        counts = {kind: int(options.members * share) for kind, share in PER_MEMBER.items()}
        call_command("seed_scale", reset=True, members=options.members, articles=ARTICLES, **counts)
    else:
        print(f"reusing {scale.existing_members():,} scale members")

    DigestDelivery.objects.filter(frequency="weekly").delete()
    weekly = EmailPreferences.objects.filter(digest_frequency="weekly").update(last_digest_at=None)

    sink = subprocess.Popen([sys.executable, __file__, "--sink", str(port)], stdout=subprocess.PIPE, text=True)
    assert sink.stdout.readline().strip() == "ready"  # noqa: S101 (the sink must be up before sending)

    queries = 0

    def count_queries(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--queue-name", "email", "--worker-id", f"bench-{n}"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(options.workers)
    ]
    memory_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with connection.execute_wrapper(count_queries):
        call_command("send_digests", frequency="weekly")
    waiting = DigestDelivery.objects.filter(frequency="weekly", status__in=["pending", "retry"])
    while workers and waiting.exists():
        time.sleep(0.5)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    worker_peaks = [_peak_memory_kb(worker.pid) for worker in workers]
    for worker in workers:
        worker.terminate()
        worker.wait(timeout=30)

    sink.send_signal(signal.SIGTERM)
    messages, _recipients = (int(x) for x in sink.communicate(timeout=30)[0].split())
    outcomes = Counter(DigestDelivery.objects.filter(frequency="weekly").values_list("status", flat=True))
    reasons = Counter(
        DigestDelivery.objects.filter(frequency="weekly", status="skipped").values_list("reason", flat=True)
    )
    print(f"\nweekly digest for {weekly:,} weekly members in {elapsed:.1f} s: {weekly / elapsed:,.0f} members/s")
    if workers:
        print(f"  sent by {len(workers)} db_worker processes; their queries are not counted here")
        print(f"  peak memory (max RSS) per worker: {', '.join(f'{kb / 1024:,.0f} MB' for kb in worker_peaks)}")
    else:
        print(f"  SQL queries: {queries:,} in all, {queries / weekly * 1000:,.0f} per 1,000 members")
        print(f"  peak memory (max RSS): {peak / 1024:,.0f} MB (before sending: {memory_before / 1024:,.0f} MB)")
    print(f"  deliveries: {dict(outcomes)}")
    for reason, count in reasons.most_common():
        print(f"    skipped {count:>7,}: {reason}")
    print(f"  emails received by the sink: {messages:,} (sent according to the database: {outcomes['sent']:,})")


if __name__ == "__main__":
    main()
