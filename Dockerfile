# factcheck application image: one process type, configured by FACTCHECK_* environment variables.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md alembic.ini ./
COPY alembic ./alembic
COPY templates ./templates
COPY src ./src
RUN pip install . && useradd --create-home --uid 10001 factcheck
USER factcheck

EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2).status == 200 else 1)"
# Migrations are applied on start; several replicas may start at once (alembic takes no lock, so
# production deployments with many replicas run `factcheck db upgrade` once as a release step).
CMD ["sh", "-c", "factcheck db upgrade && factcheck serve --host 0.0.0.0 --port 8000 --workers ${FACTCHECK_WEB_WORKERS:-2}"]
