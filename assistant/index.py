"""The vector index: chunks embedded into a Chroma collection, kept in step with the corpus.

Embedded ``PersistentClient`` at ``index/`` by default; ``chroma_url`` switches to an
``HttpClient`` against a ``chroma run`` server so several app instances share one index.
The collection records which model built it, and every chunk its content hash, so a
changed corpus re-embeds only what changed and a mismatched index is never answered from.

Beside a local index, every ``sync`` also writes ``passages.npz``: the passages' ids, content
hashes and vectors, with the model (and passage prompt) and collection they belong to.
Opening the index reads that snapshot instead of importing chromadb (about a second of a
fresh process's start) when it holds exactly the corpus's passages for this model: a vector
is fixed by the text and the model that embedded it, so such a snapshot holds the vectors
Chroma would return. A missing, older or foreign snapshot means Chroma is asked, as before,
and the snapshot is written again.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np
from filelock import FileLock, Timeout

from assistant.chunks import Chunk
from assistant.embeddings import SentenceEmbedder
from assistant.settings import Settings

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
    from chromadb.api.types import GetResult

log = logging.getLogger(__name__)

_MODEL_KEY = "embedding_model"
_MARKER = ".assistant-index"
SNAPSHOT = "passages.npz"
_DATABASE = "chroma.sqlite3"
_SQLITE_HEADER = b"SQLite format 3\x00"
_SNAPSHOT_FORMAT = 1
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
        import chromadb
        from chromadb.config import Settings as ChromaSettings

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
        from chromadb.api.client import SharedSystemClient

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
        return (self._settings.index_dir / _DATABASE).is_file()

    def _embedding_function(self) -> Any:
        from assistant.chroma_embedding import ChromaEmbedding

        return ChromaEmbedding(self._embedder)

    def _create(self) -> Collection:
        return self.client.create_collection(
            self._settings.collection,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={_MODEL_KEY: self._embedder.identity},
            embedding_function=self._embedding_function(),
        )

    def _get(self) -> Collection:
        from chromadb.errors import NotFoundError

        try:
            return self.client.get_collection(
                self._settings.collection, embedding_function=self._embedding_function()
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
        from chromadb.errors import NotFoundError

        # Until the collection is written and a new snapshot taken, the old one may describe
        # a collection that is no longer there: a failed sync leaves none.
        if not self._settings.chroma_url:
            (self._settings.index_dir / SNAPSHOT).unlink(missing_ok=True)
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
        self._write_snapshot(collection.get(include=["metadatas", "embeddings"]))
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
        index's. From the snapshot when it is current, else from Chroma."""
        if not self._settings.chroma_url and not self._exists_locally():
            raise IndexMissingError(
                f"no index in {self.location}; run `assistant index` to build it"
            )
        wanted = {c.chunk_id: c.content_hash for c in chunks}
        snapshot = self._read_snapshot(wanted)
        if snapshot is not None:
            return snapshot
        collection = self._get()
        built_with = collection.metadata.get(_MODEL_KEY)
        if built_with != self._embedder.identity:
            raise IndexMismatchError(
                f"the index in {self.location} was built with {built_with!r}, not "
                f"{self._embedder.identity!r}; run `assistant index` to rebuild it"
            )
        stored = collection.get(include=["metadatas", "embeddings"])
        if self._hashes(stored) != wanted:
            raise IndexMismatchError(
                f"the index in {self.location} does not match the corpus in "
                f"{self._settings.corpus_dir}; run `assistant index` to update it"
            )
        self._write_snapshot(stored)
        matrix = np.asarray(stored["embeddings"], dtype=np.float32)
        return DenseVectors(tuple(stored["ids"]), matrix)

    def _snapshot_key(self) -> dict[str, Any]:
        """What a snapshot must belong to: this format, model (and prompt), collection, and
        Chroma's database as it was then, by size and header (reading it changes its time,
        not its size): a database overwritten or cut short since is opened, and its damage
        reported, instead of answered around."""
        database = self._settings.index_dir / _DATABASE
        try:
            with database.open("rb") as handle:
                header = handle.read(len(_SQLITE_HEADER))
            size = database.stat().st_size
        except OSError:
            header, size = b"", -1
        return {
            "format": _SNAPSHOT_FORMAT,
            "model": self._embedder.identity,
            "collection": self._settings.collection,
            "database": size if header == _SQLITE_HEADER else -1,
        }

    def _write_snapshot(self, stored: GetResult) -> None:
        """Write ``passages.npz`` beside a local index, atomically; a folder we may not
        write to only costs the next start its chromadb import."""
        if self._settings.chroma_url:
            return
        folder = self._settings.index_dir
        hashes = self._hashes(stored)
        ids = list(stored["ids"])
        temporary = folder / f".{SNAPSHOT}.{os.getpid()}.tmp"
        try:
            with temporary.open("wb") as out:
                np.savez(
                    out,
                    key=np.array(json.dumps(self._snapshot_key())),
                    ids=np.array(ids, dtype=str),
                    hashes=np.array([hashes[i] for i in ids], dtype=str),
                    matrix=np.asarray(stored["embeddings"], dtype=np.float32),
                )
            temporary.chmod(0o644)  # readable by a server running as another user
            temporary.replace(folder / SNAPSHOT)
        except OSError as exc:
            log.info("the passage snapshot could not be written to %s: %s", folder, exc)
            temporary.unlink(missing_ok=True)

    def _read_snapshot(self, wanted: Mapping[str, str]) -> DenseVectors | None:
        """The snapshot's vectors when it holds exactly ``wanted`` (chunk id -> content
        hash) for this model and collection; else None."""
        path = self._settings.index_dir / SNAPSHOT
        if self._settings.chroma_url or not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                key = json.loads(str(data["key"]))
                stored = dict(zip(data["ids"].tolist(), data["hashes"].tolist(), strict=True))
                ids = tuple(data["ids"].tolist())
                matrix = np.asarray(data["matrix"], dtype=np.float32)
        except Exception:  # unreadable or damaged (zip, JSON, shapes): Chroma decides
            return None
        current = self._snapshot_key()
        if (
            current["database"] < 0
            or key != current
            or stored != wanted
            or matrix.shape[0] != len(ids)
        ):
            return None
        return DenseVectors(ids, matrix)


def _chroma_file(path: Path) -> bool:
    """Chroma's database, or one of its segment folders (named by a UUID)."""
    if path.name == _DATABASE:
        return path.is_file()
    try:
        uuid.UUID(path.name)
    except ValueError:
        return False
    return path.is_dir()
