"""gunicorn settings, read from the environment: `gunicorn -c gunicorn.conf.py wsgi:app`.

Workers keep no state of their own (sessions are signed cookies, rate-limit counters live
in Redis when FORUM_RATELIMIT_STORAGE_URL is set), so any number of them, on any number
of hosts, can serve behind a reverse proxy. Without Redis the counters would live in each
worker, which would count on its own: gunicorn then refuses to start more than one worker
(forum.ratelimits.shared_storage_problem says why).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then, so a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "500"))
# One line per request, and errors, on stderr.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# Load the app once in the master: workers share its memory pages (copy on write).
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"


def _refuse_per_process_rate_limits(server, app):  # noqa: ANN001
    from forum.ratelimits import shared_storage_problem

    problem = shared_storage_problem(server.cfg.workers, getattr(app, "config", {}))
    if problem:
        # gunicorn prints a RuntimeError's message and exits with status 1.
        raise RuntimeError(problem)


def on_starting(server):  # noqa: ANN001
    # Before any worker starts; a preloaded app is loaded by now.
    if server.cfg.preload_app:
        _refuse_per_process_rate_limits(server, server.app.wsgi())


def pre_fork(server, worker):  # noqa: ANN001, ARG001
    # Move what the master loaded out of the garbage collector's reach: collections in a
    # worker then never touch (and so never copy) the pages it shares with the master.
    import gc

    gc.freeze()


def post_fork(server, worker):  # noqa: ANN001
    app = worker.app.wsgi()
    if not server.cfg.preload_app:
        # Each worker loads its own app: the first to find the problem fails to boot, and
        # gunicorn stops.
        _refuse_per_process_rate_limits(server, app)
    # Connections opened in the master (e.g. by preloading) must not be shared by workers.
    if "sqlalchemy" not in getattr(app, "extensions", {}):
        return
    from forum.db import db

    with app.app_context():
        db.engine.dispose(close=False)
