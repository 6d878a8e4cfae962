"""The app's remembered state: saved searches in the sidebar, and preferences
(the theme, the layout)."""

from __future__ import annotations

from reader.core import clock
from reader.core.store.base import StoreBase
from reader.core.textnorm import normalize_line


class PreferenceStore(StoreBase):
    def save_search(self, query: str, name: str = "") -> int:
        query = normalize_line(query)
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO saved_searches (name, query, created_at) VALUES (?, ?, ?)",
                (normalize_line(name) or query, query, clock.utcnow()),
            )
            row = conn.execute("SELECT id FROM saved_searches WHERE query = ?", (query,))
            return int(row.fetchone()[0])

    def saved_searches(self) -> list[tuple[int, str, str]]:
        """(id, name, query), oldest first."""
        rows = self.conn.execute("SELECT id, name, query FROM saved_searches ORDER BY id")
        return [(r[0], r[1], r[2]) for r in rows]

    def delete_search(self, search_id: int) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM saved_searches WHERE id = ?", (search_id,))

    def preference(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM preferences WHERE key = ?", (key,))
        found = row.fetchone()
        return None if found is None else str(found[0])

    def set_preference(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO preferences (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
