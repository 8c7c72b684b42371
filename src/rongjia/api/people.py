"""API: people (wired in api.py)."""

from ninja import Router

router = Router(tags=["people"])
