# The image every service of compose.yaml runs (web, workers, beat, release): the app and its
# runtime requirements, static files collected at build time so each web container serves them.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# Production settings refuse to load without their secrets; placeholders do for collecting files.
RUN DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=build-only \
    DATABASE_URL=postgresql://build@localhost/build CELERY_BROKER_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput --verbosity 0 \
 && python manage.py compilemessages --ignore=.venv --verbosity 0
RUN useradd --system --uid 10001 app && mkdir -p /data/media && chown app /data/media
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--no-control-socket"]
