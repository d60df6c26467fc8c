"""Package data: Danish texts, word lists and prompts live in files, not in code."""

from __future__ import annotations

import gzip
import tomllib
from functools import cache
from importlib import resources
from typing import Any


def read_text(name: str) -> str:
    """A data file's text; a ``.gz`` file (a large derived list) is decompressed."""
    data = resources.files("assistant").joinpath("data", name).read_bytes()
    return (gzip.decompress(data) if name.endswith(".gz") else data).decode("utf-8")


def load_lines(name: str) -> list[str]:
    """Non-empty lines of a word list, without ``#`` comments."""
    lines = (line.split("#", 1)[0].strip() for line in read_text(name).splitlines())
    return [line for line in lines if line]


@cache
def messages() -> dict[str, Any]:
    """The Danish user-facing texts (read once; the file is immutable package data)."""
    return tomllib.loads(read_text("messages_da.toml"))


def load_glossary(name: str) -> dict[str, tuple[str, ...]]:
    """``word = replacement …`` lines as a mapping."""
    glossary: dict[str, tuple[str, ...]] = {}
    for line in load_lines(name):
        word, _, replacement = line.partition("=")
        glossary[word.strip().lower()] = tuple(replacement.lower().split())
    return glossary
