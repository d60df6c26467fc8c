"""The corpus: articles stored as Markdown with front matter in ``corpus/``.

Every ``*.md`` file in the folder is one article, so a second article can be dropped in later.
The Markdown keeps the article's structure (title, lead, ``##`` sections, the numbered pieces
of advice as ``1. **Title:** text``) because retrieval and citations are built on it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import frontmatter
import yaml

REQUIRED_FIELDS = ("id", "title", "date", "municipality", "language")
LEAD_SECTION = "Indledning"
_ADVICE = re.compile(r"^(\d+)\.\s+\*\*(.+?):?\*\*:?\s+(.+)$")
_RESIDUE = frozenset({"×", "Log ind"})
_GLUED_SENTENCE = re.compile(r"(?<=[a-zæøå])\.(?=[A-ZÆØÅ][a-zæøå])")


class CorpusError(ValueError):
    """A corpus file that cannot be used; the message names the file."""


@dataclass(frozen=True)
class Block:
    """One paragraph or one piece of advice, with the section it stands in."""

    kind: Literal["lead", "paragraph", "advice"]
    section: str
    text: str
    position: int
    advice: int | None = None
    advice_title: str | None = None


@dataclass(frozen=True)
class Article:
    doc_id: str
    title: str
    date: dt.date
    municipality: str
    language: str
    about: str | None
    path: Path
    blocks: tuple[Block, ...]

    @property
    def advice_count(self) -> int:
        return sum(1 for b in self.blocks if b.kind == "advice")


def clean_scraped_text(raw: str) -> str:
    """Remove page residue from a scraped article without changing its wording.

    Non-breaking spaces and runs of white space become one space, trailing page chrome
    ("×", "Log ind") is dropped, and a sentence glued to the next ("alene.Vil") gets its space
    back. Paragraphs stay separated by one blank line.
    """
    paragraphs = [" ".join(p.replace("\u00a0", " ").split()) for p in raw.split("\n\n")]
    paragraphs = [p for p in paragraphs if p]
    while paragraphs and paragraphs[-1] in _RESIDUE:
        paragraphs.pop()
    return "\n\n".join(_GLUED_SENTENCE.sub(". ", p) for p in paragraphs) + "\n"


def load_corpus(directory: Path) -> list[Article]:
    """Load every article in ``directory``; a malformed file raises CorpusError naming it."""
    if not directory.is_dir():
        raise CorpusError(f"{directory}: corpus folder not found")
    paths = sorted(directory.glob("*.md"))
    if not paths:
        raise CorpusError(f"{directory}: no *.md articles in the corpus folder")
    articles = [load_article(path) for path in paths]
    seen: dict[str, Path] = {}
    for article in articles:
        if article.doc_id in seen:
            raise CorpusError(
                f"{article.path}: document id {article.doc_id!r} is already used by "
                f"{seen[article.doc_id]}"
            )
        seen[article.doc_id] = article.path
    return articles


def load_article(path: Path) -> Article:
    try:
        post = frontmatter.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError, ValueError) as exc:
        raise CorpusError(f"{path}: cannot read front matter: {exc}") from exc
    missing = [name for name in REQUIRED_FIELDS if not post.metadata.get(name)]
    if missing:
        raise CorpusError(f"{path}: front matter lacks {', '.join(missing)}")
    date = post.metadata["date"]
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError as exc:
            raise CorpusError(f"{path}: date {date!r} is not YYYY-MM-DD") from exc
    if not isinstance(date, dt.date):
        raise CorpusError(f"{path}: date must be YYYY-MM-DD")
    blocks = _parse_body(path, post.content)
    return Article(
        doc_id=str(post.metadata["id"]),
        title=str(post.metadata["title"]),
        date=date,
        municipality=str(post.metadata["municipality"]),
        language=str(post.metadata["language"]),
        about=post.metadata.get("about"),
        path=path,
        blocks=tuple(blocks),
    )


def _parse_body(path: Path, body: str) -> list[Block]:
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", body) if p.strip()]
    if not paragraphs or not paragraphs[0].startswith("# "):
        raise CorpusError(f"{path}: the body must start with the title as '# Title'")
    blocks: list[Block] = []
    section = LEAD_SECTION
    position = 0
    for paragraph in paragraphs[1:]:
        if paragraph.startswith("## "):
            section = paragraph[3:].strip()
            position = 0
            continue
        if paragraph.startswith("#"):
            raise CorpusError(f"{path}: only '#' (title) and '##' (section) headings are allowed")
        position += 1
        advice = _ADVICE.match(paragraph)
        if advice:
            number, title, text = advice.groups()
            blocks.append(
                Block("advice", section, f"{title}: {text}", position, int(number), title)
            )
        elif re.match(r"^\d+\.\s", paragraph):
            raise CorpusError(
                f"{path}: numbered item must read '1. **Title:** text': {paragraph[:60]!r}"
            )
        else:
            kind = "lead" if section == LEAD_SECTION else "paragraph"
            blocks.append(Block(kind, section, paragraph, position))
    if not blocks:
        raise CorpusError(f"{path}: the article has no text")
    numbers = [b.advice for b in blocks if b.advice is not None]
    if numbers != list(range(1, len(numbers) + 1)):
        raise CorpusError(f"{path}: advice must be numbered 1, 2, 3 … in order, got {numbers}")
    return blocks
