"""gunicorn settings for serving FieldSync: `gunicorn wsgi:app` in the repo root reads this file
(or name it: `gunicorn -c gunicorn.conf.py wsgi:app`); command-line flags override it."""

import multiprocessing
import os

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

accesslog = "-"
errorlog = "-"
