"""Shared fixtures: the real corpus, a deterministic fake embedder, and a real index once."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant.app import build_index, create_assistant
from assistant.chunks import chunk_corpus
from assistant.corpus import load_corpus
from assistant.embeddings import SentenceEmbedder
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
QUESTIONS = CORPUS / "questions.jsonl"


class FakeEmbedder(SentenceEmbedder):
    """Hashed bag of words: deterministic, instant, and counts what it embeds."""

    model = None  # nothing to load

    def __init__(self, name: str = "fake") -> None:
        super().__init__(model=name)
        self.embedded = 0

    def _encode(self, texts: list[str], prompt: str, progress: bool = False) -> list[np.ndarray]:
        self.embedded += len(texts)
        vectors = []
        for text in texts:
            vector = np.zeros(64)
            for word in text.lower().split():
                vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1.0
            vectors.append(vector / (np.linalg.norm(vector) or 1.0))
        return vectors


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def chunks():
    return chunk_corpus(load_corpus(CORPUS))


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    target.mkdir()
    for path in CORPUS.glob("*.md"):
        shutil.copy(path, target / path.name)
    return target


@pytest.fixture
def fake_settings(tmp_path: Path, corpus_copy: Path) -> Settings:
    return Settings(corpus_dir=corpus_copy, index_dir=tmp_path / "index")


@pytest.fixture(scope="session")
def lexical_assistant():
    """The full chain without vectors: fast, for tests of retrieval and answers."""
    return create_assistant(Settings(corpus_dir=CORPUS), mode="bm25")


@pytest.fixture(scope="session")
def real_index(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A real Chroma index built with the real bundled model, once per test session."""
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path_factory.mktemp("index"))
    build_index(settings, progress=False)
    return settings


@pytest.fixture(scope="session")
def real_assistant(real_index: Settings):
    return create_assistant(real_index)
