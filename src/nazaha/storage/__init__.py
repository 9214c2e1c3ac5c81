"""Storage of elections behind one port (``ports.ElectionStore``, a unit of work per step) with
three adapters that hold no rules: SQL (SQLite or PostgreSQL), memory, and a workspace folder."""
