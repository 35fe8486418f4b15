"""gunicorn settings for `make serve` and for production (docs/deploy.md):

    gunicorn -c deploy/gunicorn.conf.py spp_site.wsgi

Threaded workers (gthread): a worker process runs WEB_THREADS requests at once, and its main thread
keeps accepting and watching idle connections. A connection that sends nothing holds a thread for
5 s at most, then waits without one; one stuck in its headers or body holds one thread until the
client goes away (gunicorn has no deadline for a request), not a whole worker: with the sync
worker, two such connections stalled both workers. In production nginx stands in front and passes
on only complete requests (docs/deploy.md); `make serve` has gunicorn alone.

Environment: WEB_BIND (127.0.0.1:8000; several comma-separated), WEB_WORKERS (the number of CPU
cores), WEB_THREADS (8), WEB_TIMEOUT (30 s), WEB_CERTFILE/WEB_KEYFILE (TLS, only for the local
security audit: production terminates TLS in nginx).
"""

import os

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000").split(",")
worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS") or os.cpu_count() or 2)
threads = int(os.environ.get("WEB_THREADS") or 8)
# A worker that stops reporting for this long is restarted; a request may take as long as it needs.
timeout = int(os.environ.get("WEB_TIMEOUT") or 30)
graceful_timeout = 30
keepalive = 5
# gunicorn >= 25 opens a control socket at one fixed path per user; several instances on one machine
# (make serve, the audit, tests) would fight over it, and nothing here uses it.
control_socket_disable = True
# No access log: the site logs one line per request itself, with its request id (spp_site/logs.py).
# gunicorn's own messages (workers started, stopped, timed out) go to stderr.
accesslog = None
certfile = os.environ.get("WEB_CERTFILE") or None
keyfile = os.environ.get("WEB_KEYFILE") or None
