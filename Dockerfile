# eport-fx for self-hosting: one small machine, SQLite in a volume by default.
#   docker build -t eportfx . && docker run -p 8000:8000 -v eportfx:/app/instance eportfx
# Two stages: the first installs the project (not editable) and its dependencies under /install; the
# image keeps only that, without the source tree or pip's build files.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml app.py cli.py serving.py settings.py ./
COPY blueprints ./blueprints
COPY db ./db
COPY templates ./templates
COPY static ./static
COPY translations ./translations
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    EPORTFX_HOST=0.0.0.0 EPORTFX_PORT=8000 EPORTFX_INSTANCE=/app/instance
COPY --from=build /install /usr/local
COPY deploy/healthcheck.py /usr/local/lib/eportfx/healthcheck.py
RUN useradd --system --uid 10001 --create-home --home-dir /app eportfx \
    && mkdir /app/instance && chown 10001:10001 /app/instance
USER 10001
WORKDIR /app
VOLUME ["/app/instance"]
EXPOSE 8000
# /healthz: 200 when the database answers at the newest schema (the image has no curl)
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/usr/local/lib/eportfx/healthcheck.py"]
# migrate (idempotent) then serve; `docker run ... eportfx seed-demo` adds the demo data
CMD ["sh", "-c", "eportfx init-db && exec eportfx serve"]
