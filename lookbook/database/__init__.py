"""The storage layer: engine and sessions, the declarative base, migrations, the model registry."""

from lookbook.database.engine import Base, Database, Hundredths, make_engine, utcnow

__all__ = ["Base", "Database", "Hundredths", "make_engine", "utcnow"]
