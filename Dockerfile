# The assistant's web app, CPU-only: BM25 retrieval and extractive answers out of the box, model
# answers with OPENAI_API_KEY or OPENAI_BASE_URL. Not built in the project's CI (no Docker there):
# see DEPLOY.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GRADIO_ANALYTICS_ENABLED=False \
    GRADIO_SERVER_NAME=0.0.0.0 \
    GRADIO_SERVER_PORT=7860 \
    ASSISTANT_CORPUS_DIR=/app/corpus \
    ASSISTANT_PROMPTS_DIR=/app/prompts \
    ASSISTANT_DATA_DIR=/data

WORKDIR /app
RUN useradd --create-home --uid 10001 assistant && mkdir /data && chown assistant:assistant /data

# Dependencies first, so editing the corpus or prompts does not reinstall them. No `local` extra:
# it pulls torch; the image stays small and CPU-only (BM25, or OpenAI embeddings with a key).
COPY pyproject.toml README.md ./
COPY assistant ./assistant
RUN pip install '.[postgres]'
COPY app.py ./
COPY corpus ./corpus
COPY prompts ./prompts

USER assistant
VOLUME /data
EXPOSE 7860
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:7860/healthz', timeout=4)"]
CMD ["python", "app.py"]
