# eport-fx for self-hosting: one small machine, SQLite in a volume by default.
#   docker build -t eportfx . && docker run -p 8000:8000 -v eportfx:/app/instance eportfx
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 EPORTFX_HOST=0.0.0.0 EPORTFX_PORT=8000
COPY pyproject.toml ./
COPY app.py cli.py settings.py ./
COPY blueprints ./blueprints
COPY db ./db
COPY templates ./templates
COPY static ./static
RUN pip install --no-cache-dir -e . && useradd --create-home eportfx && mkdir -p instance && chown eportfx instance
USER eportfx
VOLUME ["/app/instance"]
EXPOSE 8000
# migrate (idempotent) then serve; `docker run ... eportfx seed-demo` adds the demo data
CMD ["sh", "-c", "eportfx init-db && exec eportfx serve"]
