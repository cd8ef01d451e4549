"""The TechEmpower benchmark app on Flask: jsonify, Jinja2 templates with autoescaping, and
psycopg2 through a thread-safe connection pool (gunicorn tfb's `app:app`)."""

import os
from contextlib import contextmanager
from operator import itemgetter
from random import randint

from flask import Flask, jsonify, render_template, request
from psycopg2.pool import ThreadedConnectionPool

app = Flask(__name__)
pool = ThreadedConnectionPool(
    1,
    int(os.environ.get("DB_POOL", "16")),
    os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tfb"),
)

SELECT_WORLD = "SELECT id, randomnumber FROM world WHERE id = %s"
UPDATE_WORLDS = (
    "UPDATE world SET randomnumber = v.n FROM unnest(%s::int[], %s::int[]) AS v(id, n) "
    "WHERE world.id = v.id"
)


@contextmanager
def cursor():
    """Borrow a pooled connection for one request; commit on success."""
    conn = pool.getconn()
    try:
        with conn, conn.cursor() as cur:
            yield cur
    finally:
        pool.putconn(conn)


def query_count():
    """Parse the queries parameter: missing or malformed means 1, clamped to 1..500."""
    try:
        n = int(request.args.get("queries", "1"))
    except ValueError:
        return 1
    return min(max(n, 1), 500)


def random_worlds(cur, n):
    worlds = []
    for _ in range(n):
        cur.execute(SELECT_WORLD, (randint(1, 10000),))
        row = cur.fetchone()
        worlds.append({"id": row[0], "randomNumber": row[1]})
    return worlds


@app.route("/plaintext")
def plaintext():
    return "Hello, World!", 200, {"Content-Type": "text/plain"}


@app.route("/json")
def json():
    return jsonify(message="Hello, World!")


@app.route("/db")
def db():
    with cursor() as cur:
        return jsonify(random_worlds(cur, 1)[0])


@app.route("/queries")
def queries():
    with cursor() as cur:
        return jsonify(random_worlds(cur, query_count()))


@app.route("/fortunes")
def fortunes():
    with cursor() as cur:
        cur.execute("SELECT id, message FROM fortune")
        rows = cur.fetchall()
    rows.append((0, "Additional fortune added at request time."))
    rows.sort(key=itemgetter(1))
    return render_template("fortunes.html", fortunes=[{"id": i, "message": m} for i, m in rows])


@app.route("/updates")
def updates():
    with cursor() as cur:
        worlds = random_worlds(cur, query_count())
        for w in worlds:
            w["randomNumber"] = randint(1, 10000)
        # One statement updates every row; ordering by id keeps concurrent updates from
        # deadlocking on each other's row locks.
        ordered = sorted(worlds, key=itemgetter("id"))
        cur.execute(UPDATE_WORLDS, ([w["id"] for w in ordered], [w["randomNumber"] for w in ordered]))
    return jsonify(worlds)
