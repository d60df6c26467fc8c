from __future__ import annotations

from pathlib import Path

import pytest

from assistant.app import build_index, create_assistant
from assistant.index import IndexMismatchError, IndexMissingError
from assistant.settings import Settings

from .conftest import FakeEmbedder


def test_second_run_re_embeds_nothing(fake_settings: Settings, chunks) -> None:
    embedder = FakeEmbedder()
    first = build_index(fake_settings, progress=False, embedder=embedder)
    assert first.added == len(chunks) and first.rebuilt
    assert embedder.embedded == len(chunks)
    second = build_index(fake_settings, progress=False, embedder=embedder)
    assert not second.changed and not second.rebuilt
    assert second.unchanged == len(chunks)
    assert embedder.embedded == len(chunks), "an unchanged corpus is not embedded again"


def test_a_changed_corpus_upserts_changed_chunks_and_deletes_stale_ones(
    fake_settings: Settings, corpus_copy: Path, chunks
) -> None:
    embedder = FakeEmbedder()
    build_index(fake_settings, progress=False, embedder=embedder)
    article = corpus_copy / "haderslev-7-gode-raad.md"
    text = article.read_text(encoding="utf-8")
    text = text.replace("Det arbejde er nu i fuld gang.", "Det arbejde er nu afsluttet.")
    text = text.replace("\n## Vil I vide mere om KL og Komponent?\n", "\n")
    article.write_text(text.split("\nVicekontorchef")[0] + "\n", encoding="utf-8")
    embedder.embedded = 0
    report = build_index(fake_settings, progress=False, embedder=embedder)
    assert (report.updated, report.deleted, report.added) == (1, 1, 0)
    assert embedder.embedded == 1
    answer = create_assistant(fake_settings, embedder=embedder).ask("Hvad er afsluttet?")
    assert any("afsluttet" in c.quote for c in answer.citations)


def test_rebuild_starts_over(fake_settings: Settings, chunks) -> None:
    embedder = FakeEmbedder()
    build_index(fake_settings, progress=False, embedder=embedder)
    report = build_index(fake_settings, rebuild=True, progress=False, embedder=embedder)
    assert report.rebuilt and report.added == len(chunks)


def test_a_missing_index_is_reported_not_answered_from(fake_settings: Settings) -> None:
    with pytest.raises(IndexMissingError, match="assistant index"):
        create_assistant(fake_settings, embedder=FakeEmbedder())


def test_an_index_built_with_another_model_is_never_answered_from(fake_settings: Settings) -> None:
    build_index(fake_settings, progress=False, embedder=FakeEmbedder("fake-a"))
    with pytest.raises(IndexMismatchError, match="fake-a"):
        create_assistant(fake_settings, embedder=FakeEmbedder("fake-b"))
    report = build_index(fake_settings, progress=False, embedder=FakeEmbedder("fake-b"))
    assert report.rebuilt, "indexing with another model starts over"
    create_assistant(fake_settings, embedder=FakeEmbedder("fake-b"))


def test_an_index_out_of_step_with_the_corpus_is_refused(
    fake_settings: Settings, corpus_copy: Path
) -> None:
    build_index(fake_settings, progress=False, embedder=FakeEmbedder())
    article = corpus_copy / "haderslev-7-gode-raad.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nEt nyt afsnit.\n", "utf-8")
    with pytest.raises(IndexMismatchError, match="does not match the corpus"):
        create_assistant(fake_settings, embedder=FakeEmbedder())


def test_the_collection_uses_cosine_and_our_embedding_function(fake_settings: Settings) -> None:
    from assistant.chroma_embedding import ChromaEmbedding
    from assistant.index import VectorIndex

    embedder = FakeEmbedder()
    build_index(fake_settings, progress=False, embedder=embedder)
    index = VectorIndex(fake_settings, embedder)
    collection = index.client.get_collection(
        fake_settings.collection, embedding_function=ChromaEmbedding(embedder)
    )
    configuration = collection.configuration_json
    assert configuration["hnsw"]["space"] == "cosine"
    assert configuration["embedding_function"]["name"] == "assistant-sentence-transformers"


def test_the_passage_snapshot_holds_what_chroma_holds(fake_settings: Settings, chunks) -> None:
    """Answering reads the vectors from passages.npz (no chromadb import); they must be
    Chroma's own, and a missing or damaged snapshot means Chroma is asked and it is
    written again."""
    import numpy as np

    from assistant.index import SNAPSHOT, VectorIndex

    embedder = FakeEmbedder()
    build_index(fake_settings, progress=False, embedder=embedder)
    snapshot = fake_settings.index_dir / SNAPSHOT
    from_snapshot = VectorIndex(fake_settings, embedder).open(chunks)
    for damage in (snapshot.unlink, lambda: snapshot.write_bytes(b"not a snapshot")):
        damage()
        index = VectorIndex(fake_settings, embedder)
        from_chroma = index.open(chunks)
        assert "client" in index.__dict__, "Chroma was asked"
        assert from_chroma.ids == from_snapshot.ids
        assert np.array_equal(from_chroma.matrix, from_snapshot.matrix)
        again = VectorIndex(fake_settings, embedder)
        again.open(chunks)
        assert "client" not in again.__dict__, "the snapshot was written again"


def test_a_failed_sync_leaves_no_snapshot_of_the_collection_it_replaced(
    fake_settings: Settings,
) -> None:
    from assistant.index import SNAPSHOT

    class Failing(FakeEmbedder):
        def _encode(self, texts, prompt, progress=False):
            raise RuntimeError("the model failed half-way")

    build_index(fake_settings, progress=False, embedder=FakeEmbedder("fake-a"))
    with pytest.raises(RuntimeError):
        build_index(fake_settings, progress=False, embedder=Failing("fake-b"))
    assert not (fake_settings.index_dir / SNAPSHOT).exists()
    with pytest.raises(IndexMismatchError, match="fake-b"):
        create_assistant(fake_settings, embedder=FakeEmbedder("fake-a"))
