"""Load benchmark: KM4B Forum under gunicorn against a bare Flask + Jinja page, with wrk.

    make bench                      # the full run: 100,000 posts on SQLite
    .venv/bin/python -m bench.run --posts 20000 --duration 5   # a quicker look

It generates the data, serves the forum with gunicorn (2 sync workers) and, in the same run,
the bare page of the same size (bench/bare.py), measures each page with wrk (requests/s,
p50/p99 latency, errors), a logged-in member's thread page (session cookie passed to wrk),
logged-in replies/s, and each worker's memory, and prints a Markdown table. Each page is
measured at the address it settles on: it must answer 200 itself (a redirect stops the run),
and its size is that response's body. Everything runs on 127.0.0.1 and stops by itself.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "benchmark password"


@dataclass
class Result:
    page: str
    url: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    bytes: int
    ratio: float = 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def forum_env(db_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "FORUM_DATABASE_URL": f"sqlite:///{db_path}",
        "FORUM_SECRET_KEY": secrets.token_hex(32),
        # The reply benchmark posts far faster than any person: limits would stop it.
        "FORUM_RATELIMIT_ENABLED": "false",
        "FORUM_GENERATED_PASSWORD": PASSWORD,
    }


def prepare(db_path: Path, env: dict[str, str], args: argparse.Namespace) -> None:
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run(
        [*flask, "forum", "generate", "--users", str(args.users), "--threads", str(args.threads),
         "--posts", str(args.posts), "--seed", "1"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    print(f"generated in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def serve(app: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {**env, "GUNICORN_WORKERS": "2", "GUNICORN_BIND": f"127.0.0.1:{port}",
           "GUNICORN_ACCESS_LOG": "/dev/null", "GUNICORN_LOG_LEVEL": "warning",
           "GUNICORN_MAX_REQUESTS": "0"}  # fmt: skip
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), app], cwd=ROOT, env=env
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{app} did not start on port {port}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def wrk(
    url: str,
    duration: int,
    connections: int,
    threads: int,
    script: str | None = None,
    env: dict[str, str] | None = None,
    cookie: str | None = None,
) -> dict[str, float]:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout",
           "10s"]  # fmt: skip
    if script:
        cmd += ["-s", script]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(
        [*cmd, url], capture_output=True, text=True, check=True, env=env or os.environ.copy()
    ).stdout
    return parse_wrk(out)


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(out: str) -> dict[str, float]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    p = {k: _ms(*re.match(r"([\d.]+)(\w+)", v).groups()) for k, v in latency.items()}  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return {"rps": rps, "p50": p.get("50", 0.0), "p99": p.get("99", 0.0), "errors": errors,
            "requests": requests}  # fmt: skip


def worker_memory(master: subprocess.Popen[bytes]) -> list[dict[str, float]]:
    """Return RSS, PSS and USS in MB of each gunicorn worker (children of the master)."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    result = []
    for pid in children:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        fields = {k: int(v) for k, v in re.findall(r"^(\w+):\s+(\d+) kB", rollup, re.M)}
        uss = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
        result.append({"rss": fields["Rss"] / 1024, "pss": fields["Pss"] / 1024, "uss": uss / 1024})
    return result


class Redirected(RuntimeError):
    """A benchmarked address answered with a redirect: wrk would measure the redirect."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        raise Redirected(
            f"{req.full_url} answers {code} to {newurl}: measure the page it settles on"
        )


def settled_page(url: str, cookie: str | None = None) -> bytes:
    """Return the body `url` answers with 200 itself; raise on a redirect or any other status."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.build_opener(_NoRedirect).open(request, timeout=30) as response:
        if response.status != 200:
            raise RuntimeError(f"{url} answers {response.status}, not 200")
        return bytes(response.read())


def page_urls(db_path: Path) -> dict[str, str]:
    with sqlite3.connect(db_path) as db:
        thread_id, slug, posts = db.execute(
            "SELECT id, slug, post_count FROM threads ORDER BY post_count DESC LIMIT 1"
        ).fetchone()
        board = db.execute("SELECT slug FROM boards ORDER BY number LIMIT 1").fetchone()[0]
        user = db.execute("SELECT username FROM users ORDER BY id LIMIT 1").fetchone()[0]
    last_page = (posts - 1) // 20 + 1
    return {
        "home /": "/",
        "board /b/…": f"/b/{board}",
        "thread, page 1": f"/t/{thread_id}/{slug}",
        f"thread, page {last_page} (last)": f"/t/{thread_id}/{slug}?page={last_page}",
        "profile /u/…": f"/u/{user}",
    }


def member_thread_page(base: str, db_path: Path) -> tuple[str, str]:
    """Log a member in; return (session cookie, path of the longest thread's first page)."""
    with sqlite3.connect(db_path) as db:
        username = db.execute("SELECT username FROM users ORDER BY id LIMIT 1").fetchone()[0]
        thread_id, slug = db.execute(
            "SELECT id, slug FROM threads ORDER BY post_count DESC LIMIT 1"
        ).fetchone()
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    token = _csrf(opener.open(f"{base}/login").read().decode())
    data = urllib.parse.urlencode({"csrf_token": token, "login": username, "password": PASSWORD})
    opener.open(f"{base}/login", data=data.encode())
    path = f"/t/{thread_id}/{slug}"
    opener.open(base + path).read()  # the first page with a form puts a CSRF token in the session
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    html = settled_page(base + path, cookie).decode()
    if f'action="/t/{thread_id}/reply"' not in html or "Log out" not in html:
        raise RuntimeError(f"{path} with the member's cookie is not a logged-in member's page")
    return cookie, path


def log_in_members(base: str, db_path: Path, count: int) -> list[tuple[str, str, str]]:
    """Log `count` generated members in; return (cookie, csrf token, reply path) for each."""
    with sqlite3.connect(db_path) as db:
        users = [
            r[0] for r in db.execute("SELECT username FROM users ORDER BY id LIMIT ?", (count,))
        ]
        threads = [r[0] for r in db.execute("SELECT id FROM threads ORDER BY id LIMIT 3")]
    out = []
    for n, username in enumerate(users):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        token = _csrf(opener.open(f"{base}/login").read().decode())
        data = urllib.parse.urlencode(
            {"csrf_token": token, "login": username, "password": PASSWORD}
        )
        opener.open(f"{base}/login", data=data.encode())
        thread_id = threads[n % len(threads)]
        token = _csrf(opener.open(f"{base}/t/{thread_id}").read().decode())
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        out.append((cookie, token, f"/t/{thread_id}/reply"))
    return out


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def count_posts(db_path: Path) -> int:
    with sqlite3.connect(db_path) as db:
        return int(db.execute("SELECT count(*) FROM posts").fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2000)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="forum-bench-"))
    db_path = workdir / "forum.sqlite3"
    env = forum_env(db_path)
    prepare(db_path, env, args)
    bare_port, forum_port = free_port(), free_port()
    bare = serve("bench.bare:app", bare_port, env)
    forum = serve("wsgi:app", forum_port, env)
    try:
        results = measure(args, db_path, env, bare_port, forum_port, forum, bare)
    finally:
        stop(forum)
        stop(bare)
        shutil.rmtree(workdir, ignore_errors=True)
    report(results, args)


def measure(args, db_path, env, bare_port, forum_port, forum, bare):  # type: ignore[no-untyped-def]
    base = f"http://127.0.0.1:{forum_port}"
    run = lambda url, **kw: wrk(url, args.duration, args.connections, 2, **kw)  # noqa: E731
    pages: list[Result] = []
    bare_url = f"http://127.0.0.1:{bare_port}/"
    run(bare_url)  # warm-up
    for name, url in [("bare Flask + Jinja page", bare_url),
                      ("bare plain string", f"http://127.0.0.1:{bare_port}/plain")]:  # fmt: skip
        size = len(settled_page(url))
        m = run(url)
        pages.append(Result(name, url, m["rps"], m["p50"], m["p99"], int(m["errors"]), size))
    urls = page_urls(db_path)
    sizes = {path: len(settled_page(base + path)) for path in urls.values()}  # before any load
    cookie, member_path = member_thread_page(base, db_path)
    for name, path in urls.items():
        run(base + path)  # warm-up
        m = run(base + path)
        pages.append(
            Result(name, path, m["rps"], m["p50"], m["p99"], int(m["errors"]), sizes[path])
        )
    size = len(settled_page(base + member_path, cookie))
    run(base + member_path, cookie=cookie)  # warm-up
    m = run(base + member_path, cookie=cookie)
    pages.append(Result("thread, page 1, member (reply form)", member_path, m["rps"], m["p50"],
                        m["p99"], int(m["errors"]), size))  # fmt: skip
    for r in pages:
        r.ratio = r.rps / pages[0].rps
    replies = measure_replies(args, db_path, base)
    # After pages and replies: every worker has rendered, written and loaded all it will.
    memory = {"forum": worker_memory(forum), "bare": worker_memory(bare)}
    return {"pages": [asdict(r) for r in pages], "memory": memory, "replies": replies}


def measure_replies(args, db_path, base):  # type: ignore[no-untyped-def]
    credentials = log_in_members(base, db_path, 4)
    cred_file = db_path.parent / "credentials.tsv"
    cred_file.write_text("".join("\t".join(c) + "\n" for c in credentials))
    before = count_posts(db_path)
    m = wrk(base + "/", args.duration, 4, 4, script=str(ROOT / "bench" / "replies.lua"),
            env={**os.environ, "BENCH_CREDENTIALS": str(cred_file)})  # fmt: skip
    stored = count_posts(db_path) - before
    return {"rps": m["rps"], "p50": m["p50"], "p99": m["p99"], "errors": m["errors"],
            "requests": m["requests"], "stored": stored}  # fmt: skip


def report(results, args) -> None:  # type: ignore[no-untyped-def]
    print(f"\n{args.posts:,} posts, {args.threads:,} threads, {args.users} users; SQLite; "
          f"gunicorn 2 sync workers; wrk {args.connections} connections, "
          f"{args.duration} s a page\n")  # fmt: skip
    print("| page | requests/s | vs bare page | p50 ms | p99 ms | errors | bytes |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results["pages"]:
        print(f"| {r['page']} | {r['rps']:,.0f} | {r['ratio']:.0%} | {r['p50_ms']:.2f} | "
              f"{r['p99_ms']:.2f} | {r['errors']} | {r['bytes']:,} |")  # fmt: skip
    rep = results["replies"]
    print(f"\nreplies, 4 logged-in clients: {rep['rps']:.0f}/s, p50 {rep['p50']:.1f} ms, "
          f"p99 {rep['p99']:.1f} ms, {rep['errors']} errors; {rep['requests']} sent, "
          f"{rep['stored']} stored")  # fmt: skip
    for server, workers in results["memory"].items():
        for n, m in enumerate(workers, 1):
            print(f"{server} worker {n}: RSS {m['rss']:.1f} MB, PSS {m['pss']:.1f} MB, "
                  f"USS {m['uss']:.1f} MB")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
