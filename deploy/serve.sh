#!/usr/bin/env bash
# The production set-up on this machine (`make serve`): collect the static files, compile the
# translations, apply the migrations, then run gunicorn with deploy/gunicorn.conf.py and DEBUG
# off. What a real site sets in its environment, this fills in for a local run over plain HTTP
# on http://127.0.0.1:$PORT; a variable already set is kept. DATABASE_URL must be set: `make
# serve` runs this under the embedded PostgreSQL (homenet.embedded_db run) unless it is.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}

: "${DATABASE_URL:?DATABASE_URL must be set (make serve starts the embedded PostgreSQL)}"
export PORT=${PORT:-8000}
export DEBUG=false
# A secret key generated once and kept in var/secret_key, so sessions survive a restart.
if [[ -z "${SECRET_KEY:-}" ]]; then
	mkdir -p var
	if [[ ! -s var/secret_key ]]; then
		(umask 077 && head -c 48 /dev/urandom | base64 -w0 >var/secret_key)
	fi
	SECRET_KEY=$(<var/secret_key)
	export SECRET_KEY
fi
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
export SITE_URL=${SITE_URL:-http://127.0.0.1:$PORT}
# Plain HTTP: no redirect to https, cookies not Secure, no HSTS (a browser would remember it).
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-false}
export SESSION_COOKIE_SECURE=${SESSION_COOKIE_SECURE:-false}
export CSRF_COOKIE_SECURE=${CSRF_COOKIE_SECURE:-false}
export SECURE_HSTS_SECONDS=${SECURE_HSTS_SECONDS:-0}
export SECURE_HSTS_PRELOAD=${SECURE_HSTS_PRELOAD:-false}

"$BIN/python" manage.py collectstatic --no-input -v0
"$BIN/python" manage.py compilemessages --ignore=.venv -v0
"$BIN/python" manage.py migrate --no-input -v0
echo "Serving with DEBUG off on $SITE_URL (gunicorn and the mail worker; Ctrl-C stops both)"
# With DEBUG off mail waits in the database queue: the worker sends it (README, Mail).
"$BIN/python" manage.py db_worker --no-reload &
worker=$!
trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null' EXIT
"$BIN/python" -m gunicorn -c deploy/gunicorn.conf.py homenet.wsgi
