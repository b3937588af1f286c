# syntax=docker/dockerfile:1
# Build stage: compile wheels for the node and its pinned dependencies.
FROM python:3.11-slim AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends build-essential && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY app ./app
COPY catalog ./catalog
COPY policy ./policy
COPY migrations ./migrations
COPY contracts_templates ./contracts_templates
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

# Run stage: only the wheels, an unprivileged user, migrations before gunicorn starts.
FROM python:3.11-slim AS run
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DXNODE_ENV=production \
    DXNODE_INSTANCE_PATH=/home/dxnode/instance
RUN useradd --create-home --uid 10001 dxnode
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels
USER dxnode
WORKDIR /home/dxnode
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz').status != 200)"
CMD ["sh", "-c", "dxnode db upgrade && exec gunicorn --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-4} --threads 4 --access-logfile - app.wsgi:app"]
