"""The sentence-transformers embedder as a Chroma embedding function.

Only the index's Chroma side imports this (and so chromadb): answering from a current passage
snapshot (``assistant.index``) never does. Chroma's default embedding function downloads a
model, so every collection is created and opened with this one explicitly.
"""

from __future__ import annotations

from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from assistant.embeddings import SentenceEmbedder


@register_embedding_function
class ChromaEmbedding(EmbeddingFunction[Documents]):
    """Embeds passages with ``embedder``; its config rebuilds the same embedder."""

    def __init__(self, embedder: SentenceEmbedder) -> None:
        self.embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:
        return self.embedder.embed_passages(list(input))

    @staticmethod
    def name() -> str:
        return "assistant-sentence-transformers"

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return self.embedder.get_config()

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbedding:
        return ChromaEmbedding(SentenceEmbedder(**config))
