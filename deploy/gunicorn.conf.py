"""gunicorn's settings for an app node of Pacte: `gunicorn -c deploy/gunicorn.conf.py pacte.wsgi`.

Read from the environment, with production's defaults: the address to bind, the number
of workers (two per core, plus one: the pages wait on PostgreSQL more than they compute),
timeouts shorter than nginx's, and an access log line per request carrying nginx's
request id (X-Request-ID) and never the query string (it holds searches).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
# A page answers in well under a second; past 30 s the worker is stuck: it is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
# On SIGTERM (a deploy, a node stopped) the requests under way end before the worker does.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT") or 30)
# nginx keeps its connections to the upstream alive (deploy/nginx/pacte.conf).
keepalive = 5
# A worker is replaced after this many requests: no slow leak outlives a day.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 2000)
max_requests_jitter = 200
# The app and its imports are loaded once, before the workers fork.
preload_app = True
# The request line without its query string, the status, the size, the time, the id.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = "%(t)s %(m)s %(U)s %(s)s %(B)s %(M)sms request_id=%({x-request-id}i)s"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Only nginx, on the same machine or the private network, talks to gunicorn.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "pacte-web"
# gunicorn 24+'s control socket (one path per user) would be shared by two nodes of one
# machine; systemd restarts and reloads the node (`systemctl reload` sends HUP).
control_socket_disable = True
