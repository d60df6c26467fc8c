"""The vector index: chunks embedded into a Chroma collection, kept in step with the corpus.

Embedded ``PersistentClient`` at ``index/`` by default; ``chroma_url`` switches to an
``HttpClient`` against a ``chroma run`` server so several app instances share one index.
The collection records which model built it, and every chunk its content hash, so a
changed corpus re-embeds only what changed and a mismatched index is never answered from.
"""

from __future__ import annotations

import contextlib
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.client import SharedSystemClient
from chromadb.api.models.Collection import Collection
from chromadb.api.types import GetResult
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError
from filelock import FileLock, Timeout

from assistant.chunks import Chunk
from assistant.embeddings import SentenceEmbedder
from assistant.settings import Settings

_MODEL_KEY = "embedding_model"
_MARKER = ".assistant-index"
_KEEP = frozenset({"README.md", ".index.lock", _MARKER, "query-encoder", ".query-encoder.lock"})
"""Kept by ``--rebuild``: the marker, and the query encoder's export, which checks itself
against the model."""


class IndexProblem(RuntimeError):
    """Base for index problems a user can meet; the message says what to do."""


class IndexMissingError(IndexProblem):
    pass


class IndexMismatchError(IndexProblem):
    pass


class IndexUnavailableError(IndexProblem):
    pass


class NotAnIndexError(IndexProblem):
    """``--rebuild`` was pointed at a folder that holds something other than our index."""


@dataclass(frozen=True)
class DenseVectors:
    """Every passage vector of the index, held in memory for exact cosine similarity.

    The article has tens of passages, so one matrix product (microseconds) scores all of them;
    asking Chroma for all ``n`` nearest neighbours cost milliseconds per question.
    """

    ids: tuple[str, ...]
    matrix: np.ndarray

    def similarities(self, query_vector: Any) -> dict[str, float]:
        """Cosine similarity of the (normalised) query to every passage."""
        scores = self.matrix @ np.asarray(query_vector, dtype=np.float32)
        return dict(zip(self.ids, scores.tolist(), strict=True))


@dataclass(frozen=True)
class SyncReport:
    added: int
    updated: int
    deleted: int
    unchanged: int
    rebuilt: bool
    query_encoder: str = ""
    """Where the query encoder was exported to by this run ("" when it was current)."""

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.deleted)


class VectorIndex:
    def __init__(self, settings: Settings, embedder: SentenceEmbedder) -> None:
        self._settings = settings
        self._embedder = embedder

    @property
    def location(self) -> str:
        return self._settings.chroma_url or str(self._settings.index_dir)

    @cached_property
    def client(self) -> ClientAPI:
        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        url = self._settings.chroma_url
        if url:
            parsed = urlparse(url)
            try:
                return chromadb.HttpClient(
                    host=parsed.hostname or "127.0.0.1",
                    port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                    ssl=parsed.scheme == "https",
                    settings=chroma_settings,
                )
            except Exception as exc:  # chromadb raises plain Exception/ValueError when down
                raise IndexUnavailableError(
                    f"the Chroma server at {url} is not reachable ({exc})"
                ) from exc
        self._settings.index_dir.mkdir(parents=True, exist_ok=True)
        try:
            return chromadb.PersistentClient(
                path=str(self._settings.index_dir), settings=chroma_settings
            )
        except Exception as exc:  # a damaged or unreadable folder, whatever chromadb raises
            raise IndexUnavailableError(
                f"the index in {self.location} cannot be read ({type(exc).__name__}); "
                "run `assistant index --rebuild` to build it again"
            ) from exc

    def _wipe_local(self) -> None:
        """Remove a local index that may be too damaged to open (README and lock stay).

        Only a folder this tool made is emptied: it has the marker file, or holds nothing but
        Chroma's own files (an index built before the marker existed).
        """
        folder = self._settings.index_dir
        contents = [path for path in folder.iterdir() if path.name not in _KEEP]
        if not (folder / _MARKER).is_file() and not all(map(_chroma_file, contents)):
            raise NotAnIndexError(
                f"{folder} is not an index built by `assistant index` (it has no {_MARKER} "
                "file and holds other files); nothing was deleted. Point ASSISTANT_INDEX_DIR "
                "at the index folder, or at a new empty folder"
            )
        SharedSystemClient.clear_system_cache()  # chromadb keeps one open client per folder
        for path in contents:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()

    def _lock(self) -> FileLock:
        """One writer per index: a second `assistant index` waits, then refuses."""
        if self._settings.chroma_url:
            lock_path = Path.home() / ".cache" / "assistant-chroma-server.lock"
            lock_path.parent.mkdir(parents=True, exist_ok=True)
        else:
            self._settings.index_dir.mkdir(parents=True, exist_ok=True)
            lock_path = self._settings.index_dir / ".index.lock"
        return FileLock(str(lock_path), timeout=120)

    def _exists_locally(self) -> bool:
        return (self._settings.index_dir / "chroma.sqlite3").is_file()

    def _create(self) -> Collection:
        return self.client.create_collection(
            self._settings.collection,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={_MODEL_KEY: self._embedder.identity},
            embedding_function=self._embedder,
        )

    def _get(self) -> Collection:
        try:
            return self.client.get_collection(
                self._settings.collection, embedding_function=self._embedder
            )
        except (NotFoundError, ValueError) as exc:
            raise IndexMissingError(
                f"no index in {self.location}; run `assistant index` to build it"
            ) from exc
        except IndexProblem:
            raise
        except Exception as exc:
            raise IndexUnavailableError(
                f"the index in {self.location} cannot be read ({type(exc).__name__}); "
                "run `assistant index --rebuild` to build it again"
            ) from exc

    def sync(
        self, chunks: Sequence[Chunk], rebuild: bool = False, progress: bool = True
    ) -> SyncReport:
        """Make the collection hold exactly ``chunks``, embedding only what is new or changed."""
        try:
            with self._lock():
                return self._sync(chunks, rebuild, progress)
        except Timeout as exc:
            raise IndexUnavailableError(
                f"another `assistant index` is writing {self.location}; try again when it is done"
            ) from exc

    def _sync(self, chunks: Sequence[Chunk], rebuild: bool, progress: bool) -> SyncReport:
        if rebuild and not self._settings.chroma_url:
            self.__dict__.pop("client", None)
            self._wipe_local()
        collection: Collection | None = None
        if not rebuild:
            try:
                collection = self._get()
            except IndexMissingError:
                collection = None
        if (
            collection is not None
            and collection.metadata.get(_MODEL_KEY) != self._embedder.identity
        ):
            rebuild = True  # another model: vectors are not comparable, start over
            collection = None
        if collection is None:
            with contextlib.suppress(NotFoundError, ValueError):
                self.client.delete_collection(self._settings.collection)
            collection = self._create()
            rebuild = True
            if not self._settings.chroma_url:
                (self._settings.index_dir / _MARKER).write_text(
                    "A search index built by `assistant index`; --rebuild may empty this folder.\n",
                    encoding="utf-8",
                )
        stored = self._hashes(collection.get(include=["metadatas"]))
        wanted = {c.chunk_id: c for c in chunks}
        changed = [c for c in chunks if stored.get(c.chunk_id) != c.content_hash]
        stale = [chunk_id for chunk_id in stored if chunk_id not in wanted]
        if changed:
            vectors = self._embedder.embed_passages([c.search_text for c in changed], progress)
            collection.upsert(
                ids=[c.chunk_id for c in changed],
                documents=[c.text for c in changed],
                metadatas=[c.metadata() for c in changed],
                embeddings=vectors,
            )
        if stale:
            collection.delete(ids=stale)
        added = sum(1 for c in changed if c.chunk_id not in stored)
        return SyncReport(
            added=added,
            updated=len(changed) - added,
            deleted=len(stale),
            unchanged=len(chunks) - len(changed),
            rebuilt=rebuild,
        )

    @staticmethod
    def _hashes(stored: GetResult) -> dict[str, str]:
        """``chunk_id -> content_hash`` of what the collection holds."""
        return {
            chunk_id: str((meta or {}).get("content_hash", ""))
            for chunk_id, meta in zip(stored["ids"], stored["metadatas"] or [], strict=False)
        }

    def open(self, chunks: Sequence[Chunk]) -> DenseVectors:
        """The passage vectors, checked against the corpus and the model; never a mismatched
        index's."""
        if not self._settings.chroma_url and not self._exists_locally():
            raise IndexMissingError(
                f"no index in {self.location}; run `assistant index` to build it"
            )
        collection = self._get()
        built_with = collection.metadata.get(_MODEL_KEY)
        if built_with != self._embedder.identity:
            raise IndexMismatchError(
                f"the index in {self.location} was built with {built_with!r}, not "
                f"{self._embedder.identity!r}; run `assistant index` to rebuild it"
            )
        stored = collection.get(include=["metadatas", "embeddings"])
        if self._hashes(stored) != {c.chunk_id: c.content_hash for c in chunks}:
            raise IndexMismatchError(
                f"the index in {self.location} does not match the corpus in "
                f"{self._settings.corpus_dir}; run `assistant index` to update it"
            )
        matrix = np.asarray(stored["embeddings"], dtype=np.float32)
        return DenseVectors(tuple(stored["ids"]), matrix)


def _chroma_file(path: Path) -> bool:
    """Chroma's database, or one of its segment folders (named by a UUID)."""
    if path.name == "chroma.sqlite3":
        return path.is_file()
    try:
        uuid.UUID(path.name)
    except ValueError:
        return False
    return path.is_dir()
