"""Two web servers and two task workers on one PostgreSQL and one Redis, as two machines would run.

    flock /tmp/kindred-cpu.lock .venv/bin/python bench/multi_machine.py

Recreates the PostgreSQL database `kindred_ops` (--database-url), empties Redis database 7
(--cache-url), starts gunicorn on 127.0.0.1:8101 ("machine A") and 127.0.0.1:8102 ("machine B")
and two `db_worker --queue-name email` processes, all with production settings, and shows:

1. a member signed in on A is signed in on B, and signing out on B signs out on A;
2. failed log-ins on A count on B: the sixth try on B is refused, even with the right password;
3. `send_digests --frequency weekly` split into batches, with both workers taking batches, sends
   each member's digest exactly once (counted by a local SMTP sink), and a rerun sends nothing.

Prints PASS/FAIL lines and exits 1 if anything failed. Every process it starts is stopped on exit.
"""

import argparse
import subprocess
import sys
import tempfile
import time
import urllib.parse

import harness

DIGEST_MEMBERS = 40
BATCH_SIZE = 4


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/kindred_ops")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--ports", type=int, nargs=2, default=[8101, 8102])
    return parser.parse_args()


def recreate_database(url: str) -> None:
    parts = urllib.parse.urlparse(url)
    name, host, port, user = parts.path.lstrip("/"), parts.hostname, str(parts.port or 5432), parts.username
    for command in (["dropdb", "--if-exists", name], ["createdb", name]):
        subprocess.run([*command[:1], "-h", host, "-p", port, "-U", user, *command[1:]], check=True)


def main() -> int:
    args = parse_args()
    port_a, port_b = args.ports
    report = harness.Report()
    recreate_database(args.database_url)
    import redis

    redis.Redis.from_url(args.cache_url).flushdb()

    with harness.SmtpSink() as sink, harness.Processes() as processes:
        env = harness.production_env(
            database_url=args.database_url,
            cache_url=args.cache_url,
            email_url=sink.url,
            media_root=tempfile.mkdtemp(prefix="kindred-media-"),
        )
        env["DIGEST_BATCH_SIZE"] = str(BATCH_SIZE)
        harness.manage(env, "migrate", "--no-input", "-v", "0")
        harness.manage(env, "collectstatic", "--no-input", "-v", "0")
        harness.use_env_for_django(env)
        from tests.articles.factories import PublishedArticleFactory

        # Something new for everyone's weekly digest.
        PublishedArticleFactory(title="Living well between scans")
        walker, guarded = harness.create_members(["walker@example.com", "guarded@example.com"])
        digest_members = harness.create_members([f"digest-{n}@example.com" for n in range(DIGEST_MEMBERS)])

        processes.gunicorn("web-a", port_a, env)
        processes.gunicorn("web-b", port_b, env)
        # Polling every 0.2 s instead of db_worker's 1 s: the 11 batches take about 3 s, and once one
        # worker took all of them while the other slept between polls (correct, but no proof of sharing).
        for n in (1, 2):
            worker = ["db_worker", "--queue-name", "email", "--worker-id", f"worker-{n}", "--interval", "0.2"]
            processes.start(f"worker-{n}", [harness.PYTHON, "manage.py", *worker], env)
        harness.wait_for_http(port_a)
        harness.wait_for_http(port_b)
        print(f"Machine A: gunicorn on :{port_a}; machine B: gunicorn on :{port_b}; workers worker-1, worker-2")
        print(f"Shared: {args.database_url} and {args.cache_url}; logs in {processes.logs}\n", flush=True)

        check_sessions(report, walker, port_a, port_b)
        check_rate_limit(report, guarded, port_a, port_b)
        check_digests(report, sink, env, expected={m.email for m in [walker, guarded, *digest_members]})
    print(f"\n{'All checks passed.' if not report.failed else f'{report.failed} check(s) FAILED.'}")
    return 1 if report.failed else 0


def check_sessions(report, member, port_a, port_b):
    on_a = harness.Browser(port_a)
    signed_in = on_a.log_in(member.email)
    report.check(signed_in.status == 302, f"{member.email} signs in on A (answer {signed_in.status})")
    on_b = on_a.at(port_b)
    page = on_b.get("/notifications/")
    report.check(
        page.status == 200 and member.display_name in page.body,
        f"A's session cookie opens the member's notifications page on B (answer {page.status})",
    )
    visitor = harness.Browser(port_b).get("/notifications/")
    report.check(visitor.status == 302, "without that cookie B sends the visitor to the log-in page")
    on_b.post("/accounts/logout/", {})
    after = on_b.at(port_a).get("/notifications/")
    report.check(after.status == 302, f"signing out on B ends the session on A too (answer {after.status})")


def check_rate_limit(report, member, port_a, port_b):
    # ACCOUNT_RATE_LIMITS: at most 5 failed log-ins per address in 5 minutes, site-wide.
    on_a = harness.Browser(port_a)
    refused_on_a = 0
    for _ in range(5):
        page = on_a.log_in(member.email, "not the password")
        refused_on_a += page.status == 200 and "Too many failed login attempts" not in page.body
    report.check(refused_on_a == 5, f"5 wrong passwords on A are each refused as wrong ({refused_on_a}/5)")
    on_b = harness.Browser(port_b)
    page = on_b.log_in(member.email)
    report.check(
        page.status == 200 and "Too many failed login attempts" in page.body,
        "on B the sixth try is refused as too many failed attempts, even with the right password",
    )


def check_digests(report, sink, env, expected: set[str]):
    from django_tasks_db.models import DBTaskResult

    from accounts.models import DigestDelivery

    started = time.monotonic()
    print("\n" + harness.manage(env, "send_digests", "--frequency", "weekly").strip(), flush=True)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        waiting = DBTaskResult.objects.filter(task_path__endswith="send_digest_batch").exclude(
            status__in=["SUCCESSFUL", "FAILED"]
        )
        if not waiting.exists() and sum(sink.received.values()) >= len(expected):
            break
        time.sleep(0.5)
    # Anything still arriving late would show up as a duplicate below.
    time.sleep(2)
    elapsed = time.monotonic() - started
    batches = DBTaskResult.objects.filter(task_path__endswith="send_digest_batch")
    per_worker: dict[str, int] = {}
    for worker_ids in batches.values_list("worker_ids", flat=True):
        for worker in worker_ids:
            per_worker[worker] = per_worker.get(worker, 0) + 1
    failed = batches.filter(status="FAILED").count()
    print(
        f"{batches.count()} batches of up to {BATCH_SIZE} in {elapsed:.1f} s; taken by worker: "
        + ", ".join(f"{worker} {count}" for worker, count in sorted(per_worker.items()))
    )
    report.check(len(per_worker) == 2 and failed == 0, "both workers took batches and none failed")
    duplicates = {address: n for address, n in sink.received.items() if n > 1}
    report.check(not duplicates, f"no address received two digests ({len(duplicates)} did)")
    report.check(
        set(sink.received) == expected,
        f"every due member received one: {len(sink.received)} of {len(expected)} addresses, "
        f"{sum(sink.received.values())} messages",
    )
    sent_rows = DigestDelivery.objects.filter(status=DigestDelivery.Status.SENT).count()
    report.check(sent_rows == len(expected), f"{sent_rows} deliveries recorded as sent")

    before = sum(sink.received.values())
    print(harness.manage(env, "send_digests", "--frequency", "weekly").strip(), flush=True)
    time.sleep(3)
    report.check(sum(sink.received.values()) == before, "running send_digests again in the same week sends nothing")


if __name__ == "__main__":
    sys.exit(main())
