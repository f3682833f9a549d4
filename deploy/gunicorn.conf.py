"""gunicorn settings for HomeNet Registry: `gunicorn -c deploy/gunicorn.conf.py homenet.wsgi`.

Every value can be changed from the environment (GUNICORN_*), or on the command line, which wins.
gunicorn alone cannot protect the site from slow clients: a client that sends its request or
reads its answer slowly still holds a thread. Production puts a buffering proxy (nginx,
deploy/nginx.conf) in front, which reads whole requests and answers before gunicorn sees them.
"""

import multiprocessing
import os

# Where to listen: GUNICORN_BIND, else 127.0.0.1:$PORT (8000); nginx proxies to it.
bind = [os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"]

# Processes from the CPU count (2 x cores + 1), each with threads: a thread waiting on a slow
# client or on PostgreSQL does not block the others, and idle keep-alive connections wait in the
# worker's event loop rather than in a thread (gthread).
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS") or 4)

# A request that takes longer than this is killed and its worker restarted (the largest import
# takes about 20 s to confirm). Workers finish their requests for up to graceful_timeout on a
# restart (SIGHUP) or stop (SIGTERM).
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
graceful_timeout = 30
# Seconds an idle keep-alive connection stays open: short, so idle clients do not pile up.
keepalive = 5
# Requests with a request line or headers larger than these are refused before Django runs.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Restart each worker after about this many requests, so a slow leak cannot grow forever.
max_requests = 2000
max_requests_jitter = 200
# The workers' heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Trust X-Forwarded-Proto/For only from the proxy on this machine (gunicorn's default).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Errors on stderr; one access line per request on stdout unless GUNICORN_ACCESS_LOG=off.
errorlog = "-"
accesslog = None if os.environ.get("GUNICORN_ACCESS_LOG") == "off" else "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "homenet"
# No control socket in the home folder: several instances (and the tests) would share its path.
control_socket_disable = True
