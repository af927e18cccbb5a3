"""Forgery detection, the API side: runs and dispatch, the model registry, results and alerts.

The agent that scores the media is :mod:`roomsvc.agent`. It shares two leaves with this package and
nothing else: ``schemas.py`` (the bodies the worker and the API exchange) and ``registry.py`` (the model
cards shipped in ``models/``). Both import no SQLAlchemy and no service; keep them so (see docs/detection.md).
"""
