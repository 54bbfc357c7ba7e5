"""All configuration, read once from the environment and `.env`, then passed in explicitly."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from assistant.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# A web origin as a CSP source: scheme, host (optionally `*.`), optional port or `:*`. Nothing else.
ORIGIN = re.compile(r"https?://(\*\.)?[A-Za-z0-9.-]+(:(\d{1,5}|\*))?")


class Settings(BaseSettings):
    """Every knob of the assistant. Environment variables are `ASSISTANT_<NAME>` unless noted."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    corpus_dir: Path = PROJECT_ROOT / "corpus"
    prompts_dir: Path = PROJECT_ROOT / "prompts"
    data_dir: Path = Field(default=PROJECT_ROOT / ".assistant", description="Index cache and question log.")

    # The model. With neither key nor base URL the assistant answers extractively.
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "ASSISTANT_OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_BASE_URL", "ASSISTANT_OPENAI_BASE_URL")
    )
    llm: Literal["auto", "openai", "none"] = "auto"
    model: str = "gpt-4o-mini"
    llm_timeout_s: float = Field(default=6.0, gt=0, description="Network timeout of one model request.")
    llm_max_retries: int = Field(default=1, ge=0, le=5, description="Client retries, with backoff.")
    llm_deadline_s: float = Field(
        default=8.0, gt=0, description="Past this, a model answer is abandoned for an extractive one."
    )
    max_answer_tokens: int = Field(default=350, ge=32, le=4096)
    temperature: float = Field(default=0.1, ge=0, le=2)
    # USD per million tokens, for the cost figure in answers and evals (gpt-4o-mini list price).
    price_prompt_per_mtok: float = Field(default=0.15, ge=0)
    price_completion_per_mtok: float = Field(default=0.60, ge=0)

    # Retrieval.
    embeddings: Literal["auto", "openai", "local", "none"] = "auto"
    openai_embedding_model: str = "text-embedding-3-small"
    top_k: int = Field(default=4, ge=1, le=20, description="Passages retrieved per question.")
    chunk_tokens: int = Field(default=200, ge=40, le=2000)
    passage_token_budget: int = Field(
        default=900, ge=100, description="Tokens of passages sent to the model."
    )
    # Smallest share of a question's (idf-weighted) terms the passages must contain before we answer.
    # Chosen by `assistant calibrate` on the dev sets; tests check it still matches. Since the
    # out-of-scope comparison weighs the words only the other side uses (`answering/scope.py`), every
    # floor up to 0.42 decides the dev sets equally well: 0.21 is the middle of that run.
    min_evidence: float = Field(default=0.21, ge=0, le=1)
    # With an embedding model: the least cosine similarity between the question and the closest
    # corpus sentence or written question before we answer. Chosen the same way, with embeddings.
    # The out-of-scope comparison (`answering/scope.py`) now decides most off-topic questions, so
    # every floor up to 0.27 decides the dev sets equally well; the top of that run because
    # gibberish ("blorp flarn snizzle?") comes as close as 0.23-0.26 and must still be turned away.
    min_closeness: float = Field(default=0.27, ge=0, le=1)

    # Where tiktoken finds its encodings; unset: the ones llama-index ships (no download).
    tiktoken_cache_dir: Path | None = Field(
        default=None, validation_alias=AliasChoices("TIKTOKEN_CACHE_DIR", "ASSISTANT_TIKTOKEN_CACHE_DIR")
    )

    # Input limits.
    max_question_chars: int = Field(default=2000, ge=10)
    max_history_turns: int = Field(default=20, ge=0)

    # Web: the chat page, the embeddable widget and what protects them. Where to listen uses
    # Gradio's own variables, so the usual deployment recipes apply unchanged.
    title: str = Field(default="Runner's core coach", min_length=1, max_length=80)
    server_name: str = Field(
        default="127.0.0.1", validation_alias=AliasChoices("GRADIO_SERVER_NAME", "ASSISTANT_SERVER_NAME")
    )
    server_port: int = Field(
        default=7860,
        ge=0,
        le=65535,
        validation_alias=AliasChoices("GRADIO_SERVER_PORT", "ASSISTANT_SERVER_PORT"),
    )
    root_path: str = Field(
        default="",
        description="Public path prefix behind a proxy, e.g. /assistant.",
        validation_alias=AliasChoices("GRADIO_ROOT_PATH", "ASSISTANT_ROOT_PATH"),
    )
    # Blog origins allowed to frame /embed (comma-separated); the page's own origin always is.
    allowed_origins: Annotated[list[str], NoDecode] = ["http://localhost:*", "http://127.0.0.1:*"]
    # A burst of 10, then one every 6 s: a reader working through a topic is never refused (the
    # 6th and 7th quick questions were, at 5 and 10 s), a script hammering the page is.
    rate_limit_per_minute: float = Field(default=10, gt=0, description="Questions per client per minute.")
    rate_limit_burst: int = Field(default=10, ge=1, description="Questions a client may ask in a row.")
    # The one brand colour of the page, the embed and the widget (a widget's data-color overrides it
    # on that blog); text on and beside it is darkened or lightened to stay readable (web/brand.py).
    brand_color: str = Field(default="#c2410c", pattern=r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
    trusted_proxies: int = Field(default=0, ge=0, le=5, description="Proxies that append X-Forwarded-For.")
    daily_llm_token_budget: int = Field(
        default=500_000, ge=0, description="Model tokens a day; past it answers are extractive. 0: no cap."
    )
    max_conversation_turns: int = Field(default=40, ge=1, description="Questions per chat before a restart.")
    web_concurrency: int = Field(
        default=8, ge=1, le=64, description="Retrievals and extractive answers computed at the same time."
    )
    # Answers in progress at once per view. Most of them wait on the model's stream, which holds no
    # thread (assistant.web.service), so this is far above web_concurrency: 2 s model answers for 100
    # readers at once need 100 here.
    web_streams: int = Field(default=200, ge=1, le=1_000, description="Answers in progress at once.")
    # What one anonymous client may hold of the server (assistant/web/guard.py). A question is at most
    # 2,000 characters and the chat history stays on the server, so no real request comes near 64 KiB.
    max_request_bytes: int = Field(default=65_536, ge=4_096, le=10_485_760)
    queue_max_size: int = Field(default=100, ge=1, le=1_000, description="Answers waiting per view.")
    max_open_events_per_client: int = Field(
        default=16, ge=1, le=1_000, description="Unfinished requests per address (a shared NAT needs room)."
    )
    events_per_minute: float = Field(default=120, gt=0, description="Requests per address per minute.")
    event_burst: int = Field(default=40, ge=1, description="Requests an address may make in a row.")

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def split_origins(cls, value: object) -> object:
        """Accept `https://a.example, https://b.example` and refuse anything that is not an origin,
        since each one is copied into a Content-Security-Policy header."""
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        for origin in value if isinstance(value, list) else []:
            if not isinstance(origin, str) or not ORIGIN.fullmatch(origin):
                raise ValueError(f"{origin!r} is not an origin like https://blog.example.com")
        return value

    # Question log: SQLite in data_dir unless DATABASE_URL names a PostgreSQL (replicas share one).
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "ASSISTANT_DATABASE_URL")
    )
    # Key for hashing readers' addresses; replicas on several machines should share one.
    # Unset: one is generated and kept in data_dir.
    client_hash_salt: SecretStr | None = None
    log_retention_days: int = Field(
        default=90, ge=0, description="Days questions and feedback are kept (purged at start). 0: forever."
    )
    # Records held in memory while the data folder's disk refuses the outbox (full, failing). About
    # 10 kB each at the default question length: a few MB at most, an hour of a busy site.
    log_memory_backlog: int = Field(
        default=1000, ge=0, description="Question-log records held in memory when the disk refuses them."
    )

    def has_model_server(self) -> bool:
        """Whether a model can be reached at all: an OpenAI key or an OpenAI-compatible server."""
        return bool(self.openai_api_key or self.openai_base_url)

    def llm_enabled(self) -> bool:
        """Whether answers are generated by a model (otherwise they are extractive)."""
        return self.llm != "none" and self.has_model_server()

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning validation errors into one readable `ConfigError`."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in issue['loc']) or 'settings'}: {issue['msg']}"
            for issue in error.errors()
        )
        raise ConfigError(f"Invalid configuration: {problems}") from None
