"""gunicorn settings for serving FieldSync: `gunicorn wsgi:app` in the repo root reads this file
(or name it: `gunicorn -c gunicorn.conf.py wsgi:app`); command-line flags override it."""

import json
import logging
import multiprocessing
import os
import shutil
import tempfile
import time

bind = [f"0.0.0.0:{os.environ.get('PORT', '8000')}"]

# Threads, not one process per request: a phone on a weak network that trickles a 10 MB photo
# holds one thread while the body arrives, not a whole worker. With sync workers, as many slow
# uploads as workers stall the server for everyone.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2, 8)))
# A request uses at most one database connection, so 8 workers x 12 threads stay under
# PostgreSQL's default max_connections (100); an upload gives its connection back while the
# body arrives, so slow phones hold threads, never connections.
threads = 12

# With threads this is the worker's heartbeat, not a request deadline: a worker whose main
# loop is stuck this long is killed and replaced. Long uploads are not cut by it.
timeout = 60
# On a restart, requests in flight (a push commits in well under a second) get this long.
graceful_timeout = 30
# Phones sync in bursts (upload, push, pull): keeping the connection between them saves TLS
# and TCP set-up; idle ones are closed after this long so they do not pile up.
keepalive = 5

# The API needs short request lines and few headers; anything larger is refused before the
# app sees it (the body's own limits are FIELDSYNC_MAX_JSON_BYTES / _MAX_MEDIA_BYTES).
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

# Each worker starts its own app (and, with FIELDSYNC_SCHEDULER=1, its own alert jobs).
preload_app = False
# The heartbeat file in memory, not on a disk that may stall under load (containers).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

errorlog = "-"

# Logs: one JSON object a line unless FIELDSYNC_LOG_FORMAT=text. The app writes one access line
# per request itself (with its request id, user and a redacted path), so gunicorn's own access
# log is off in JSON mode; gunicorn's lifecycle lines are JSON too, through the formatter below
# (kept here so that the master never imports the app: a HUP must still load new code).
os.environ.setdefault("FIELDSYNC_LOG_FORMAT", "json")


class GunicornJsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
                 + f".{int(record.msecs):03d}Z", "level": record.levelname,
                 "logger": record.name, "message": record.getMessage()}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


if os.environ["FIELDSYNC_LOG_FORMAT"] == "json":
    accesslog = None
    logconfig_dict = {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"json": {"()": GunicornJsonFormatter}},
        "handlers": {"error_console": {"class": "logging.StreamHandler", "formatter": "json",
                                       "stream": "ext://sys.stderr"}},
        "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["error_console"],
                                       "propagate": False},
                    "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False}},
        "root": {"level": "INFO", "handlers": []},
    }
else:
    accesslog = "-"

# Metrics: each worker keeps its counts in files under PROMETHEUS_MULTIPROC_DIR, so whichever
# worker answers GET /metrics reports all of them. It must be set before a worker imports the
# app. Files of an earlier run would be added in, so a given directory is emptied at start (not
# on a HUP reload: the same master's live workers still write there); without one, a fresh
# directory in memory is made and removed at exit.
_METRICS_OWNER = "FIELDSYNC_METRICS_DIR_MASTER"
if os.environ.get(_METRICS_OWNER) != str(os.getpid()):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
        for name in os.listdir(os.environ["PROMETHEUS_MULTIPROC_DIR"]):
            if name.endswith(".db"):
                os.remove(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], name))
    else:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(
            prefix="fieldsync-metrics-", dir=worker_tmp_dir)
        os.environ["FIELDSYNC_METRICS_DIR_CREATED"] = "1"
    os.environ[_METRICS_OWNER] = str(os.getpid())


def child_exit(server, worker):
    # Live-only gauges drop the dead worker; its counters stay in the totals.
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if os.environ.get("FIELDSYNC_METRICS_DIR_CREATED") == "1":
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
