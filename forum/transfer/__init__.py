"""Transfer: move a whole forum between databases (SQLite to PostgreSQL and back)."""
