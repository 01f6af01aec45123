from contextlib import contextmanager

from django.db import connection


@contextmanager
def planned_each_time():
    """Statements run inside are planned by PostgreSQL for their own parameters every time.

    The site keeps statements prepared (DATABASE_PREPARED_STATEMENTS), and PostgreSQL may then settle
    on one generic plan for any parameters. Where the parameters decide the best plan (what a member
    searched for; a conversation of 6,000 messages among ones of 20), the generic plan is slow:
    bench/RESULTS.md has the figures."""
    connection.ensure_connection()
    saved = connection.connection.prepare_threshold
    connection.connection.prepare_threshold = None
    try:
        yield
    finally:
        connection.connection.prepare_threshold = saved
