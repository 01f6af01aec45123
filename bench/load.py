"""Load benchmark: each page's throughput and latency through gunicorn, PostgreSQL and Redis, next to
Django's own floor (a bare view with a small template, same middleware, same server) in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kindred_load .venv/bin/python bench/load.py

The database must hold data already (`seed_scale`, or `seed_demo` for a quick look). The script
migrates it, collects static files, starts gunicorn with production settings (config/gunicorn.py) on a Redis
database of its own that it empties first, signs members in by writing sessions the way `login()`
does (allauth's log-in rate limit would otherwise stop the dozens of sessions the posting run
needs), and drives each page with wrk at a fixed concurrency: a short warm-up, then the measured
run. Every response is checked for the status the page should answer (200, or 302 after a
comment or a message is posted): anything else, including a member page answering with the log-in
redirect, is an error. See bench/RESULTS.md.

Private messages (issue 24) add three pages when the data holds conversations: the bench member's
inbox, their longest conversation (both read by the bench member alone: nobody else may open it), and
sending a message, each posting member into a conversation of their own that both sides have
accepted (the bench member into the long one), so no request rule or daily limit refuses it.
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CACHE_URL = "redis://127.0.0.1:6379/4"
# Posting spreads its comments over this many members, each allowed 50 a day: three rounds at 80
# posts a second are about 5,500 comments, 18 a member (with 60, a third round hit the limit).
POSTING_MEMBERS = 300
# Member pages are read by the first 60 of them, the bench member first, as in earlier sessions.
READING_MEMBERS = 60
# The row every page is also compared with: what any member page costs before doing anything.
MEMBER_FLOOR = "floor, signed-in member"

LUA = """
local sessions = {%(sessions)s}
local method, path, expected = "%(method)s", "%(path)s", %(expected)d
local threads = {}
unexpected = 0
first_unexpected = ""
sent = 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

request = function()
  sent = sent + 1
  local session = sessions[(sent + id * 7) %% #sessions + 1]
  local headers = {}
  if session.cookie ~= "" then headers["Cookie"] = session.cookie end
  -- A session may carry a path of its own (each member sends into their own conversation).
  local target = session.path ~= "" and session.path or path
  if method == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    local body = "csrfmiddlewaretoken=" .. session.token ..
      "&text=Thinking+of+you+this+week%%2C+message+%(run)s-" .. id .. "-" .. sent
    return wrk.format("POST", target, headers, body)
  end
  return wrk.format(method, target, headers)
end

response = function(status, headers, body)
  if status ~= expected then
    unexpected = unexpected + 1
    if first_unexpected == "" then
      first_unexpected = tostring(status) .. " " .. (headers["Location"] or "") .. " " ..
        (string.match(body, 'class="alert[^"]*"[^>]*>([^<]*)') or string.match(body, "<h1[^>]*>([^<]*)") or "")
    end
  end
end

function done(summary, latency, requests)
  local total, example = 0, ""
  for _, thread in ipairs(threads) do
    total = total + thread:get("unexpected")
    if example == "" then example = thread:get("first_unexpected") end
  end
  io.write(string.format("UNEXPECTED %%d %%s\\n", total, example))
  io.write(string.format("P50 %%f\\nP99 %%f\\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


# Production settings as every page benchmark runs them (bench/query_counts.py too).
BENCH_SETTINGS = {
    "DEBUG": "false",
    "SECURE_SSL_REDIRECT": "false",
    "BENCHMARK_FLOOR": "true",
    # Dozens of comments a second from a few members: the posting limits would refuse them.
    "POSTING_MIN_INTERVAL_SECONDS": "0",
    "PREMODERATION_FIRST_POSTS": "0",
    "EMAIL_URL": "dummymail://",
    # As in production: a comment enqueues its notification email for a worker instead of sending it.
    "TASKS_BACKEND": "database",
    "LOG_LEVEL": "WARNING",
}


def server_env(database_url: str, port: int) -> dict[str, str]:
    return {
        **os.environ,
        **BENCH_SETTINGS,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "CACHE_URL": CACHE_URL,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }


@dataclass(frozen=True)
class Session:
    cookie: str  # the Cookie header
    token: str  # the form's CSRF token
    path: str = ""  # where this member's requests go, when not the page's own path


def signed_in(member) -> Session:
    """A session for `member`, written the way `login()` writes one."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(member.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = member.get_session_auth_hash()
    store.create()
    # Django accepts the unmasked CSRF secret as the form's token.
    token = secrets.token_hex(16)
    return Session(f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={token}", token)


def member_sessions(count: int) -> list[Session]:
    """Sessions of `count` verified members, the bench member first."""
    from django.utils import timezone

    from accounts.models import User
    from bench.pages import bench_member

    first = bench_member()
    others = User.objects.filter(
        emailaddress__verified=True, is_active=True, banned_at=None, suspended_until=None, is_staff=False
    ).exclude(pk=first.pk)
    # The newest members are the quiet end of seed_scale's power law; the busiest ones have already
    # posted more than a day's limit, and every comment of theirs would be refused. Members who
    # commented in the last day (an earlier run's posters) are left out for the same reason.
    others = others.exclude(comments__created_at__gte=timezone.now() - timedelta(days=1))
    others = others.order_by("-pk")[: count - 1]
    return [signed_in(member) for member in [first, *others]]


def messaging_pages(member, page_class) -> tuple[list, dict[str, list[Session]]]:
    """The inbox and the longest conversation of `member` (the bench member), and sending a message,
    with the sessions each is driven by; nothing when the data holds no conversation of theirs."""
    from django.db.models import Count, Exists, OuterRef, Q
    from django.urls import reverse

    from accounts.models import User
    from community.models import Block
    from messaging.models import Conversation, Participant

    longest = (
        Conversation.objects.filter(participants__member=member, participants__hidden_at=None)
        .annotate(n=Count("messages"))
        .order_by("-n", "pk")
        .first()
    )
    if longest is None:
        print("No conversation of the bench member's: private message pages left out (seed_scale --messages).")
        return [], {}
    sender = Q(
        member__is_active=True,
        member__banned_at=None,
        member__suspended_until=None,
        member__is_staff=False,
        member__emailaddress__verified=True,
    )
    accepted = Q(state=Participant.State.ACCEPTED, hidden_at=None)
    theirs = Participant.objects.filter(accepted, conversation_id=OuterRef("conversation_id"), member__is_active=True)
    theirs = theirs.exclude(member_id=OuterRef("member_id"))
    blocked = Block.objects.filter(
        Q(blocker_id=OuterRef("conversation__member_low_id"), blocked_id=OuterRef("conversation__member_high_id"))
        | Q(blocker_id=OuterRef("conversation__member_high_id"), blocked_id=OuterRef("conversation__member_low_id"))
    )
    # One conversation per member, accepted on both sides, with someone who may still receive it.
    places = (
        Participant.objects.filter(accepted, sender, Exists(theirs))
        .exclude(Exists(blocked))
        .exclude(member=member)
        .order_by("-member_id", "conversation_id")
        .distinct("member_id")
        .values_list("member_id", "conversation_id")[: POSTING_MEMBERS - 1]
    )
    members = {m.pk: m for m in User.objects.filter(pk__in=[member_id for member_id, _ in places])}
    conversation_path = reverse("conversation_detail", args=[longest.pk])
    bench = signed_in(member)
    senders = [replace(bench, path=conversation_path)] + [
        replace(signed_in(members[member_id]), path=reverse("conversation_detail", args=[conversation_id]))
        for member_id, conversation_id in places
    ]
    # The open page's "anything new?" check, in a conversation of the bench member's that nothing
    # sends into during the run, so each answer is the 204 that costs no database query.
    from messaging import live

    used = {conversation_id for _, conversation_id in places} | {longest.pk}
    quiet = (
        Conversation.objects.filter(
            participants__member=member, participants__hidden_at=None, participants__state=Participant.State.ACCEPTED
        )
        .filter(with_moderators=False)
        .exclude(pk__in=used)
        .order_by("-last_message_at", "pk")
        .first()
    )
    pages = [
        page_class("messages inbox, member", reverse("message_inbox"), member=True),
        page_class(f"long conversation ({longest.n:,} messages), member", conversation_path, member=True),
        page_class("send a message, member", conversation_path, member=True, method="POST", expected_status=302),
    ]
    chosen = {pages[0].name: [bench], pages[1].name: [bench], pages[2].name: senders}
    if quiet is not None:
        check = reverse("conversation_changes", args=[quiet.pk]) + f"?since={live.stamp_for(quiet)}"
        pages.append(page_class("messages: anything new? (204), member", check, member=True, expected_status=204))
        chosen[pages[-1].name] = [bench]
    return pages, chosen


def lua_script(page, sessions: list[Session]) -> str:
    chosen = sessions[:READING_MEMBERS] if page.member else [Session("", "")]
    if page.method == "POST":  # not the bench member, who is busy enough to reach the daily limit
        chosen = sessions[1:]
    return lua_for(page, chosen)


def lua_for(page, chosen: list[Session]) -> str:
    entries = ", ".join(f'{{cookie="{s.cookie}", token="{s.token}", path="{s.path}"}}' for s in chosen)
    return LUA % {
        "sessions": entries,
        "method": page.method,
        "path": page.path,
        "expected": page.expected_status,
        # Each wrk run starts counting again: a run mark keeps its comments from repeating the last run's.
        "run": secrets.token_hex(4),
    }


def run_wrk(url: str, script: Path, *, seconds: int, connections: int, threads: int) -> dict:
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = int(re.search(r"UNEXPECTED (\d+)", out).group(1))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket:
        errors += sum(int(n) for n in socket.groups())
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": float(re.search(r"P50 ([\d.]+)", out).group(1)),
        "p99": float(re.search(r"P99 ([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "errors": errors,
        "example": re.search(r"UNEXPECTED \d+ ?(.*)", out).group(1).strip(),
    }


def closing_connections() -> int:
    """TCP connections of this machine in TIME_WAIT (state 06 in /proc/net/tcp and tcp6)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            count += sum(1 for row in rows if row.split()[3:4] == ["06"])
    return count


def wait_for_free_ports(limit: int = 2000, timeout: float = 75) -> None:
    """gunicorn's sync workers close every connection, so wrk opens one per request, and each
    lingers in TIME_WAIT for a minute on the ports of the one client address. After the floor and
    the home page (40,000 connections) the ephemeral range (28,000 ports here) was full and the
    next page's connects waited: the article page showed p99 of 460-980 ms that gunicorn's own log
    did not (5 requests over 200 ms of 16,000). Each page now starts once they have closed."""
    deadline = time.monotonic() + timeout
    while closing_connections() > limit and time.monotonic() < deadline:
        time.sleep(1)


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=20, help="measured seconds per page")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured seconds per page first")
    parser.add_argument("--connections", type=int, default=10, help="concurrent users (wrk connections)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--port", type=int, default=8200)
    parser.add_argument(
        "--only", help="run only the floors and the pages whose name contains this (several: comma-separated)"
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="run every page this many times, floor included; report medians"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database holding seed_scale (or seed_demo) data.")

    env = server_env(database_url, args.port)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    subprocess.run(["redis-cli", "-n", CACHE_URL.rsplit("/", 1)[1], "flushdb"], check=True, capture_output=True)
    # Migrations first: a database seeded before the latest index would measure a page without it
    # (member search on a database without accounts 0011 read all 100,000 members, 1.2 s a search).
    for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
        subprocess.run([sys.executable, "manage.py", *command, "-v", "0"], cwd=ROOT, env=env, check=True)

    import django

    django.setup()
    from bench import pages as bench_pages

    member = bench_pages.bench_member()
    extra_pages, page_sessions = messaging_pages(member, bench_pages.Page)
    pages = bench_pages.pick(member=member) + extra_pages
    if args.only:
        wanted = [part.strip() for part in args.only.split(",") if part.strip()]
        pages = [page for page in pages if page.name.startswith("floor") or any(w in page.name for w in wanted)]
    sessions = member_sessions(POSTING_MEMBERS)

    log = Path(tempfile.gettempdir()) / "kindred-load-gunicorn.log"
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{args.port}"
    # One list of runs per page. This machine's speed drifts by 10-20% within minutes: with several
    # rounds each page's share is taken against the floor of its own round, and medians are shown.
    runs = {page.name: [] for page in pages}
    try:
        wait_until_up(base + "/healthz")
        with tempfile.TemporaryDirectory() as folder:
            for round_number in range(1, args.rounds + 1):
                for page in pages:
                    script = Path(folder) / "page.lua"
                    wrk = {"connections": args.connections, "threads": args.threads}
                    wait_for_free_ports()
                    for seconds in (args.warmup, args.seconds):
                        own = page_sessions.get(page.name)
                        script.write_text(lua_for(page, own) if own else lua_script(page, sessions))
                        row = run_wrk(base + page.path, script, seconds=seconds, **wrk)
                    row["share"] = row["rps"] / runs[pages[0].name][-1]["rps"] if page is not pages[0] else 1.0
                    runs[page.name].append(row)
                    print(
                        f"  round {round_number}, {page.name}: {row['rps']:.0f} req/s, p99 {row['p99']:.0f} ms, "
                        f"{row['errors']} errors",
                        flush=True,
                    )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    print()
    rounds = f"median of {args.rounds} rounds" if args.rounds > 1 else "one round"
    print(f"{args.connections} concurrent connections, {args.seconds} s per page, {rounds}, {os.cpu_count()} cores")
    # Each page's share of the signed-in floor too, against the floor of its own round.
    member_floor = runs.get(MEMBER_FLOOR)
    for page in pages:
        for number, row in enumerate(runs[page.name]):
            row["member_share"] = row["rps"] / member_floor[number]["rps"] if member_floor else float("nan")
    print(
        f"{'page':<44} {'req/s':>8} {'of floor':>9} {'of member floor':>16} {'median ms':>10} {'p99 ms':>8} "
        f"{'errors':>7}"
    )
    for page in pages:
        rows = runs[page.name]
        rps, share, member_share, p50, p99 = (
            statistics.median(row[name] for row in rows) for name in ("rps", "share", "member_share", "p50", "p99")
        )
        errors = sum(row["errors"] for row in rows)
        print(f"{page.name:<44} {rps:>8.1f} {share:>9.0%} {member_share:>16.0%} {p50:>10.1f} {p99:>8.1f} {errors:>7}")
        if errors:
            example = next(row["example"] for row in rows if row["errors"])
            print(f"{'':<44} first unexpected answer: {example}")
    print(f"gunicorn's log: {log}")


if __name__ == "__main__":
    main()
