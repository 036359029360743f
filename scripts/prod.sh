#!/usr/bin/env bash
# `make prod`: the production stack on this machine, from the files a server uses (Procfile,
# config.settings.production): gunicorn, a benchmarks worker, a jobs worker (imports, exports,
# notifications) and beat, against PostgreSQL and Redis, run by honcho until Ctrl-C.
#
# Everything comes from the environment, as on a server. What is not set gets a local default:
# the database PROD_DB_NAME (telecom_prod, created if missing) on 127.0.0.1:5432, Redis database
# PROD_REDIS_DB (1) on 127.0.0.1:6379, http://127.0.0.1:PROD_PORT (8000). A secret key is made
# once for this machine and kept in PROD_ENV_FILE (.env.prod, ignored by git, never committed).
# PROD_SEED=0 skips loading the seed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() {
  for _ in $(seq 1 30); do answers "$1" && return 0; sleep 1; done
  echo "$2 does not answer on 127.0.0.1:$1" >&2
  return 1
}
# Local services only: a server points DATABASE_URL and CELERY_BROKER_URL at its own.
if [ -z "${DATABASE_URL:-}" ] && ! answers 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
  wait_for 5432 PostgreSQL
fi
if [ -z "${CELERY_BROKER_URL:-}" ] && ! answers 6379; then
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/prod.log || true
  wait_for 6379 Redis
fi

ENV_FILE="${PROD_ENV_FILE:-.env.prod}"
if [ ! -f "$ENV_FILE" ] && [ -z "${DJANGO_SECRET_KEY:-}" ]; then
  (umask 077; python -c 'import secrets; print("DJANGO_SECRET_KEY", secrets.token_urlsafe(50), sep="=")' > "$ENV_FILE")
  echo "made a secret key for this machine in $ENV_FILE (keep it out of git)"
fi
if [ -f "$ENV_FILE" ]; then set -a; source "$ENV_FILE"; set +a; fi

DB_NAME="${PROD_DB_NAME:-telecom_prod}"
VAR_DIR="${PROD_VAR_DIR:-$PWD/var/prod}"
mkdir -p "$VAR_DIR/media"
export DJANGO_SETTINGS_MODULE=config.settings.production
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/$DB_NAME}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/${PROD_REDIS_DB:-1}}"
export DJANGO_ALLOWED_HOSTS="${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}"
# No TLS on loopback: a server sits behind a load balancer that terminates it.
export DJANGO_SECURE_SSL_REDIRECT="${DJANGO_SECURE_SSL_REDIRECT:-false}"
export DJANGO_MEDIA_ROOT="${DJANGO_MEDIA_ROOT:-$VAR_DIR/media}"
export CELERY_BEAT_SCHEDULE_FILE="${CELERY_BEAT_SCHEDULE_FILE:-$VAR_DIR/celerybeat-schedule}"
export BIND_HOST="${BIND_HOST:-127.0.0.1}"
export WEB_PORT="${PROD_PORT:-8000}"
export WEB_CONCURRENCY="${WEB_CONCURRENCY:-2}"

if [ "${DATABASE_URL}" = "postgresql://postgres@127.0.0.1:5432/$DB_NAME" ]; then
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE \"$DB_NAME\"" >/dev/null
fi

# honcho reads only the env file named here (never a stray .env); the environment is already set.
if [ -f "$ENV_FILE" ]; then ENV_ARGS=(-e "$ENV_FILE"); else ENV_ARGS=(-e /dev/null); fi
# The Procfile's release line (migrate, collectstatic), then the seed, then every long-running process.
honcho -f Procfile "${ENV_ARGS[@]}" start release
python manage.py migrate --check >/dev/null  # the release line did its work
python manage.py check --deploy --fail-level ERROR >/dev/null
if [ "${PROD_SEED:-1}" = 1 ]; then python manage.py load_seed; fi
echo "Serving on http://$BIND_HOST:$WEB_PORT/ (health at /healthz)"
exec honcho -f Procfile "${ENV_ARGS[@]}" start web benchmarks jobs beat
