"""SQLAlchemy Core storage on SQLite (the default, a file) or PostgreSQL."""
