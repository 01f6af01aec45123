"""Failure drills: PostgreSQL restarted and Redis stopped under steady load, with production settings.

    flock /tmp/kindred-cpu.lock .venv/bin/python bench/drills.py

Uses its own PostgreSQL cluster `<version>/drill` on port 5433 and its own Redis on port 6380, and
creates or starts them when missing (and says so); the machine's main PostgreSQL (5432) and Redis
(6379) are never touched. Recreates the database `kindred_drill`, starts gunicorn on :8103, and:

1. PostgreSQL: under load, `pg_ctlcluster <version> drill restart`. Measures how long until requests
   succeed again without any action, counts failed requests and whether they were in flight, polls
   /healthz, checks no error page shows a traceback, and posts comments as members during the
   restart (each retried once if it failed, as a member would): each is saved once or refused with
   a message, never twice.
2. Redis: under load, Redis stopped. Pages must still render, members stay signed in, posting limits
   hold, allauth's log-in limit holds per process (README, "When Redis is down"); then Redis starts
   again and the cache is used again.

Prints the figures and PASS/FAIL lines; exits 1 if a check failed.
"""

import argparse
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import harness

PG_PORT = 5433
REDIS_PORT = 6380
WEB_PORT = 8103
# gunicorn's health listener (GUNICORN_HEALTH_BIND): answers while every request thread is busy.
HEALTH_PORT = 8104
LOAD_THREADS = 6
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"/|psycopg|OperationalError")


def pg_version() -> str:
    return sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]


def ensure_drill_postgres(version: str) -> None:
    clusters = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True).stdout
    if not any(line.split()[:2] == [version, "drill"] for line in clusters.splitlines()):
        print(f"Creating PostgreSQL cluster {version}/drill on port {PG_PORT} (trust on loopback, like main)")
        subprocess.run(["pg_createcluster", version, "drill", "--port", str(PG_PORT)], check=True)
        Path(f"/etc/postgresql/{version}/drill/pg_hba.conf").write_text(
            "local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n"
        )
        clusters = ""
    if not any(line.split()[:2] == [version, "drill"] and "online" in line for line in clusters.splitlines()):
        print(f"Starting PostgreSQL cluster {version}/drill")
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "drill", "start"],
            check=True,
        )


def redis_answers() -> bool:
    import redis

    try:
        return redis.Redis(port=REDIS_PORT, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def start_drill_redis() -> None:
    command = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--appendonly", "no", "--save"]
    subprocess.run(
        [*command, "", "--port", str(REDIS_PORT)],
        check=True,
        capture_output=True,
    )
    for _ in range(50):
        if redis_answers():
            return
        time.sleep(0.1)
    raise SystemExit(f"Redis on {REDIS_PORT} did not start")


@dataclass
class Hit:
    path: str
    started: float
    ended: float
    status: int  # 0: no HTTP answer (connection refused, reset, timed out)
    body: str = ""

    @property
    def ok(self) -> bool:
        return 0 < self.status < 500


class Load:
    """Threads requesting a few visitor and member pages in a loop, recording every request."""

    def __init__(self, paths: list[tuple[str, harness.Browser]]):
        self.paths, self.hits, self._stop = paths, [], threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(LOAD_THREADS)]

    def _run(self, n: int) -> None:
        i = n
        while not self._stop.is_set():
            path, browser = self.paths[i % len(self.paths)]
            i += 1
            self.hits.append(request(browser, "GET", path))

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join()


def request(browser: harness.Browser, method: str, path: str, data: dict | None = None) -> Hit:
    started = time.monotonic()
    try:
        response = browser.request(method, path, data)
    except OSError:
        return Hit(path, started, time.monotonic(), 0)
    return Hit(path, started, time.monotonic(), response.status, response.body)


class HealthPoller(threading.Thread):
    def __init__(self, port: int, interval: float = 0.25):
        super().__init__(daemon=True)
        self.port, self.interval, self.seen, self._stop = port, interval, [], threading.Event()

    def run(self):
        browser = harness.Browser(self.port, timeout=15)
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                response = browser.get("/healthz")
                self.seen.append((started, time.monotonic(), response.status, response.body))
            except OSError as error:
                self.seen.append((started, time.monotonic(), 0, str(error)))
            self._stop.wait(self.interval)

    def stop(self):
        self._stop.set()
        self.join()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * p), len(ordered) - 1)] if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-version", default=pg_version())
    args = parser.parse_args()
    report = harness.Report()

    ensure_drill_postgres(args.pg_version)
    if not redis_answers():
        print(f"Starting the drill Redis on port {REDIS_PORT}")
        start_drill_redis()
    database_url = f"postgres://postgres@127.0.0.1:{PG_PORT}/kindred_drill"
    for command in (["dropdb", "--if-exists"], ["createdb"]):
        subprocess.run([*command, "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "kindred_drill"], check=True)
    import redis

    redis.Redis(port=REDIS_PORT).flushdb()

    with harness.Processes() as processes:
        env = harness.production_env(
            database_url=database_url,
            cache_url=f"redis://127.0.0.1:{REDIS_PORT}/0",
            email_url="dummymail://",
            media_root=tempfile.mkdtemp(prefix="kindred-media-"),
        )
        harness.manage(env, "migrate", "--no-input", "-v", "0")
        harness.manage(env, "collectstatic", "--no-input", "-v", "0")
        harness.use_env_for_django(env)
        from tests.articles.factories import PublishedArticleFactory

        article = PublishedArticleFactory(title="Questions to ask at your next appointment")
        reader, limited, poster = harness.create_members(
            ["reader@example.com", "limited@example.com", "poster@example.com"]
        )
        commenters = harness.create_members([f"commenter-{n}@example.com" for n in range(8)])

        processes.gunicorn("web", WEB_PORT, {**env, "GUNICORN_HEALTH_BIND": f"127.0.0.1:{HEALTH_PORT}"})
        harness.wait_for_http(WEB_PORT)
        print(f"gunicorn :{WEB_PORT} on {database_url} and Redis :{REDIS_PORT}; logs in {processes.logs}\n")
        member = harness.Browser(WEB_PORT)
        member.log_in(reader.email)
        visitor = harness.Browser(WEB_PORT)
        pages = [
            ("/", visitor),
            ("/articles/", visitor),
            (article.get_absolute_url(), visitor),
            ("/questions/", visitor),
            ("/activities/", member),
            ("/notifications/", member),
        ]
        postgres_drill(report, args.pg_version, pages, member, article, commenters)
        print()
        redis_drill(report, pages, member, reader, limited, poster, article)
        if "Traceback" in processes.log("web"):
            print("(the gunicorn log has tracebacks: expected for requests cut by the restart, see above)")
    print(f"\n{'All checks passed.' if not report.failed else f'{report.failed} check(s) FAILED.'}")
    return 1 if report.failed else 0


def postgres_drill(report, version, pages, member, article, commenters):
    print(f"== PostgreSQL {version}/drill restarted under load ({LOAD_THREADS} client threads)")
    site_poller, listener_poller = HealthPoller(WEB_PORT), HealthPoller(HEALTH_PORT)
    comment_url = f"{article.get_absolute_url()}comments/"
    browsers = []
    for commenter in commenters:
        browser = harness.Browser(WEB_PORT, timeout=60)
        browser.log_in(commenter.email)
        browsers.append(browser)
    attempts: list[tuple[str, harness.Browser, Hit]] = []

    def post_comments(restart_started: float):
        # One comment every 0.4 s from just before the restart until well after it.
        for n, browser in enumerate(browsers):
            time.sleep(max(restart_started + 0.4 * n - 0.2 - time.monotonic(), 0))
            text = f"Comment {n} written while the database restarts, drill {int(time.time())}."
            attempts.append((text, browser, request(browser, "POST", comment_url, {"text": text})))

    with Load(pages) as load:
        site_poller.start()
        listener_poller.start()
        time.sleep(6)
        restart_started = time.monotonic()
        posting = threading.Thread(target=post_comments, args=(restart_started,))
        posting.start()
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "drill", "restart"],
            check=True,
        )
        restart_done = time.monotonic()
        time.sleep(15)
        posting.join()
    site_poller.stop()
    listener_poller.stop()

    hits = load.hits
    before = [h for h in hits if h.ended < restart_started]
    failed = [h for h in hits if not h.ok]
    in_flight = [h for h in failed if h.started < restart_done]
    # Recovered: every member page asked for while the restart ran has been answered, and none that
    # started later failed. Visitor pages come from the page cache and never needed the database.
    member_paths = {path for path, browser in pages if browser is member}
    during = [h for h in hits if h.path in member_paths and restart_started <= h.started <= restart_done]
    later_failures = [h.ended for h in failed if h.started > restart_done]
    recovered_at = max([h.ended for h in during] + later_failures, default=float("nan"))
    print(f"Baseline: {len(before)} requests in the 6 s before the restart")
    print(
        f"Every member page asked for during the restart was answered {recovered_at - restart_started:.2f} s "
        f"after it began, with no action taken; `pg_ctlcluster restart` itself returned after "
        f"{restart_done - restart_started:.2f} s"
    )
    print(
        f"{len(hits)} requests in all; {len(failed)} failed; slowest member page during the restart: "
        f"{max((h.ended - h.started for h in during), default=0):.2f} s"
    )
    for hit in failed:
        print(
            f"  failed: {hit.path} {hit.status or 'no answer'}, started {hit.started - restart_started:+.2f} s, "
            f"answered after {hit.ended - hit.started:.2f} s"
        )
    report.check(all(h.ok for h in before), "every request before the restart succeeded")
    report.check(recovered_at - restart_started < 10, "member pages answered again within 10 s, without any action")
    report.check(
        len(failed) == len(in_flight),
        f"only requests in flight during the restart failed ({len(in_flight)} of {len(failed)})",
    )
    bad_pages = [h for h in failed if h.status and TRACEBACK.search(h.body)]
    report.check(not bad_pages, f"no error page shows a traceback or database detail ({len(bad_pages)} did)")
    friendly = [h for h in failed if h.status == 500 and "Something went wrong on our side" in h.body]
    report.check(
        len(friendly) == len([h for h in failed if h.status == 500]),
        f"every 500 is the site's own error page ({len(friendly)})",
    )

    back_at = max(recovered_at, restart_done)
    for name, poller in (("/healthz on the site", site_poller), ("the health listener", listener_poller)):
        # The restart, from its start until `pg_ctlcluster` returned with the database accepting again.
        outage = [s for s in poller.seen if restart_started <= s[0] <= restart_done]
        statuses = [s[2] for s in outage]
        print(
            f"{name} during the outage: "
            + ", ".join(f"{status or 'no answer'} x{statuses.count(status)}" for status in sorted(set(statuses)))
            + f"; slowest answer {max((s[1] - s[0] for s in outage), default=0):.2f} s"
        )
    # The site's own /healthz queues behind requests waiting for the database when every thread is
    # busy (printed above, not checked); the listener is what a load balancer should ask.
    listener_statuses = [s[2] for s in listener_poller.seen if restart_started <= s[0] <= restart_done]
    report.check(503 in listener_statuses, "the health listener answered 503 while the database was down")
    report.check(
        all(s[2] == 200 for p in (site_poller, listener_poller) for s in p.seen if s[0] > back_at + 1),
        "/healthz answers 200 again once requests succeed, on the site and on the listener",
    )
    comments_drill(report, attempts, comment_url)


def comments_drill(report, attempts, comment_url):
    from django.db import connection

    from community.models import Comment

    connection.close()  # this script's own connection did not survive the restart either

    saved_once = refused = 0
    print("Comments posted during the restart (first try; a failed try is sent again, as a member would):")
    for text, browser, first in attempts:
        outcome = f"{first.status or 'no answer'}"
        if not first.ok:
            again = request(browser, "POST", comment_url, {"text": text})
            outcome += f", again: {again.status or 'no answer'}"
            message = re.search(r"(You are posting very quickly|You posted exactly this)[^<.]*", again.body)
            if message:
                outcome += f" ({message.group(0)})"
        stored = Comment.objects.filter(text=text).count()
        saved_once += stored == 1
        refused += stored == 0
        print(f"  {text[:9]} {first.ended - first.started:5.2f} s: {outcome}; stored {stored} time(s)")
        report.check(stored <= 1, f"{text[:9]} is never stored twice")
    print(f"  {saved_once} saved once, {refused} not saved")


def redis_drill(report, pages, member, reader, limited, poster, article):
    from community.models import Comment

    print(f"== Redis :{REDIS_PORT} stopped under load")
    subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"], check=False)
    stopped = time.monotonic()
    with Load(pages) as load:
        time.sleep(8)
        health = member.get("/healthz")
        own_page = member.get("/notifications/")
        # Failed log-ins for one address, each on a new connection (so spread over gunicorn's workers).
        tries = 0
        while tries < 20:
            tries += 1
            page = harness.Browser(WEB_PORT).log_in(limited.email, "not the password")
            if "Too many failed login attempts" in page.body:
                break
        # Posting limits are counted in the database.
        writer = harness.Browser(WEB_PORT)
        writer.log_in(poster.email)
        url = f"{article.get_absolute_url()}comments/"
        first = request(writer, "POST", url, {"text": "First thought while Redis is away."})
        second = request(writer, "POST", url, {"text": "Second thought right after."})
    hits = [h for h in load.hits if h.started >= stopped]
    failed = [h for h in hits if not h.ok]
    latencies = [h.ended - h.started for h in hits]
    print(
        f"{len(hits)} requests in 8 s without Redis, {len(failed)} failed; median "
        f"{percentile(latencies, 0.5) * 1000:.0f} ms, p99 {percentile(latencies, 0.99) * 1000:.0f} ms"
    )
    report.check(not failed and bool(hits), "every page rendered without Redis")
    report.check(
        own_page.status == 200 and reader.display_name in own_page.body,
        "the member stayed signed in (session from the database)",
    )
    report.check(
        health.status == 200 and '"cache": "unavailable"' in health.body,
        f"/healthz: {health.status} {health.body}",
    )
    report.check(
        "Too many failed login attempts" in page.body,
        f"failed log-ins for one address refused from try {tries} (5 per gunicorn worker process; a worker "
        "that gunicorn recycles after max_requests starts from zero)",
    )
    report.check(
        first.status == 302 and second.status == 400 and "posting very quickly" in second.body,
        "posting limit held: the second comment within 15 s was refused with a message",
    )
    report.check(Comment.objects.filter(author=poster).count() == 1, "the refused comment was not stored")

    start_drill_redis()
    time.sleep(6)  # config/cache.py tries Redis again 5 s after a failure
    member.get("/notifications/")
    health = member.get("/healthz")
    import redis

    keys = redis.Redis(port=REDIS_PORT).dbsize()
    report.check(
        health.status == 200 and '"cache": "ok"' in health.body and keys > 0,
        f"Redis started again: /healthz {health.body}, {keys} keys cached again, nothing restarted",
    )


if __name__ == "__main__":
    sys.exit(main())
