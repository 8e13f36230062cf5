# The claimwatch worker image (used by docker-compose.yml).
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
COPY pyproject.toml setup.py README.md ./
COPY schemas ./schemas
COPY streams ./streams
# A C compiler for the compiled consensus kernel (setup.py), removed in the same layer.
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
    && pip install . \
    && apt-get purge -y gcc libc6-dev && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*
EXPOSE 6066
USER nobody
ENTRYPOINT ["claimwatch"]
CMD ["worker"]
