from urllib.parse import quote


def url(database: dict) -> str:
    """DATABASE_URL for a subprocess that must use the same database as the test: the test database
    on CI's server, or on the embedded one (config/embedded_db.py), which listens on a Unix socket."""
    user = quote(database["USER"], safe="")
    if database["PASSWORD"]:
        user += ":" + quote(database["PASSWORD"], safe="")
    name = quote(database["NAME"], safe="")
    host, port = database["HOST"], database["PORT"]
    if host.startswith("/"):
        query = f"?host={quote(host, safe='/')}" + (f"&port={port}" if port else "")
        return f"postgresql://{user}@/{name}{query}"
    return f"postgresql://{user}@{host}:{port or 5432}/{name}"
