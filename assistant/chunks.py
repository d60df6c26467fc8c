"""Chunks: the passages that are indexed, retrieved and cited.

Each piece of advice is its own chunk, every other paragraph is one chunk carrying its section
heading, and each article gets one metadata chunk (title, date, who it is about) so questions
about the article itself can be answered and cited like any other.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from assistant.corpus import Article
from assistant.danish import format_date, split_sentences

META_SECTION = "Om artiklen"
_SLUG_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e"})


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc_id: str
    kind: Literal["meta", "lead", "paragraph", "advice"]
    section: str
    text: str
    """Verbatim article text: what a citation shows."""
    search_text: str
    """What is embedded and searched: the text with its section heading (and title)."""
    sentences: tuple[str, ...]
    position: int
    advice: int | None = None
    advice_title: str | None = None

    @property
    def content_hash(self) -> str:
        """Changes whenever anything that is embedded or shown changes."""
        return hashlib.sha256(f"{self.search_text}\x00{self.text}".encode()).hexdigest()[:16]

    @property
    def label(self) -> str:
        """Where the passage stands, for people: the section, or the advice with its number."""
        if self.advice is not None:
            return f"Råd {self.advice}: {self.advice_title}"
        return self.section

    def metadata(self) -> dict[str, Any]:
        """Flat metadata for Chroma and LangChain documents (no None values)."""
        meta: dict[str, Any] = {
            "chunk_id": self.chunk_id,
            "doc_id": self.doc_id,
            "kind": self.kind,
            "section": self.section,
            "label": self.label,
            "position": self.position,
            "content_hash": self.content_hash,
        }
        if self.advice is not None:
            meta["advice"] = self.advice
            meta["advice_title"] = self.advice_title
        return meta


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().translate(_SLUG_LETTERS)).strip("-")


def chunk_article(article: Article) -> list[Chunk]:
    """The article as chunks in reading order, each with a stable id derived from structure."""
    meta_lines = [article.title, format_date(article.date), article.about or article.municipality]
    meta_text = "\n".join(meta_lines)
    chunks = [
        Chunk(
            chunk_id=f"{article.doc_id}:meta",
            doc_id=article.doc_id,
            kind="meta",
            section=META_SECTION,
            text=meta_text,
            search_text=f"{META_SECTION}\n{meta_text}\n{article.municipality}",
            sentences=tuple(meta_lines),
            position=0,
        )
    ]
    for block in article.blocks:
        if block.advice is not None:
            chunk_id = f"{article.doc_id}:raad-{block.advice}"
            heading = f"{block.section}\nRåd {block.advice}"
        else:
            chunk_id = f"{article.doc_id}:{slugify(block.section)}-{block.position}"
            heading = article.title if block.kind == "lead" else block.section
        chunks.append(
            Chunk(
                chunk_id=chunk_id,
                doc_id=article.doc_id,
                kind=block.kind,
                section=block.section,
                text=block.text,
                search_text=f"{heading}\n{block.text}",
                sentences=tuple(split_sentences(block.text)),
                position=len(chunks),
                advice=block.advice,
                advice_title=block.advice_title,
            )
        )
    return chunks


def chunk_corpus(articles: Iterable[Article]) -> list[Chunk]:
    return [chunk for article in articles for chunk in chunk_article(article)]
