# The clinic's one image: web (gunicorn), worker and beat differ only by command.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_COMPILE_BYTECODE=1 \
    PATH=/opt/venv/bin:$PATH

WORKDIR /app
RUN pip install --no-cache-dir uv==0.13.8
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
# collectstatic needs settings that load; these values exist only for this build step.
ENV STATIC_ROOT=/app/staticfiles
RUN DEBUG=false SECRET_KEY=collectstatic-only VAR_DIR=/tmp/build-var \
    python manage.py collectstatic --no-input \
    && useradd --system --home /app clinic && mkdir -p /app/var && chown clinic /app/var

USER clinic
EXPOSE 8000
CMD ["gunicorn", "clinic.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
