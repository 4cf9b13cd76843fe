"""Create the PostgreSQL database named in a URL if it does not exist yet (used by `make bench`)."""

import sys
from urllib.parse import urlparse

import psycopg
from psycopg import sql


def main(url: str) -> None:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    maintenance = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


if __name__ == "__main__":
    main(sys.argv[1])
