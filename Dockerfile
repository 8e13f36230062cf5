# The claimwatch worker image (used by docker-compose.yml).
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY streams ./streams
RUN pip install .
EXPOSE 6066
USER nobody
ENTRYPOINT ["claimwatch"]
CMD ["worker"]
