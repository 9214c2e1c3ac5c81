"""The ballot-box HTTP service (FastAPI): ``create_app(settings, store)`` builds it."""
