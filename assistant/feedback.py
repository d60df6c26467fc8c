"""Feedback on answers, kept in SQLite: what was asked, answered and cited, and the verdict.

No IP address and no user id are stored. WAL journaling keeps committed rows when the server
is killed mid-write.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT ''
)
"""
COLUMNS = ("id", "created_at", "rating", "question", "answer", "citations", "comment")
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP: CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, made plain text with a "'"."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10)
        try:
            with db:
                yield db
        finally:
            db.close()

    def add(self, rating: str, question: str, answer: str, citations: list[dict[str, Any]]) -> int:
        """Store one verdict; returns its row id so a comment can follow."""
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO feedback (created_at, rating, question, answer, citations) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    rating,
                    question,
                    answer,
                    json.dumps(citations, ensure_ascii=False),
                ),
            )
            return int(cursor.lastrowid or 0)

    def comment(self, row_id: int, text: str) -> None:
        with self._connect() as db:
            db.execute("UPDATE feedback SET comment = ? WHERE id = ?", (text, row_id))

    def purge(self, older_than_days: int) -> int:
        """Delete feedback older than the retention period; returns how many rows went."""
        cutoff = datetime.now(UTC) - timedelta(days=older_than_days)
        with self._connect() as db:
            cursor = db.execute(
                "DELETE FROM feedback WHERE created_at < ?", (cutoff.isoformat(timespec="seconds"),)
            )
            return cursor.rowcount

    def rows(self) -> list[dict[str, Any]]:
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute(f"SELECT {', '.join(COLUMNS)} FROM feedback")]

    def export_csv(self, out: IO[str]) -> int:
        """All rows as CSV, every cell safe to open in a spreadsheet (see ``neutralise``)."""
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        rows = self.rows()
        writer.writerows({k: neutralise(v) for k, v in row.items()} for row in rows)
        return len(rows)
