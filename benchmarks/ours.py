"""Our assistant as the benchmarks build it: the same `Assistant.from_settings` every front end
uses, with everything that would reach outside this machine pinned (data in a temp folder, the model
on the local fake server or off)."""

from __future__ import annotations

from pathlib import Path

from assistant.answering.pipeline import Assistant
from assistant.settings import Settings, load_settings

FAKE_MODEL = "test-model"


def our_settings(
    data_dir: Path, embeddings: str, base_url: str | None = None, corpus_dir: Path | None = None
) -> Settings:
    """Extractive without `base_url`; LLM mode against the fake server with it."""
    # No key and no base URL from the environment: the model is the fake server or nothing.
    overrides: dict[str, object] = {
        "data_dir": data_dir,
        "embeddings": embeddings,
        "openai_api_key": None,
        "openai_base_url": base_url,
    }
    if corpus_dir is not None:
        overrides["corpus_dir"] = corpus_dir
    if base_url is None:
        overrides["llm"] = "none"
    else:
        overrides.update(llm="auto", model=FAKE_MODEL)
    return load_settings(**overrides)


def our_assistant(
    data_dir: Path, embeddings: str, base_url: str | None = None, corpus_dir: Path | None = None
) -> Assistant:
    return Assistant.from_settings(our_settings(data_dir, embeddings, base_url, corpus_dir))
