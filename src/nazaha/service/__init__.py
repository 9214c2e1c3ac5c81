"""The ballot-box HTTP service (FastAPI): ``create_app(settings, box)`` builds it over a
``BallotBoxService``; routes and pages call the workflows only."""
