"""The web dashboard and REST API (FastAPI) over the same :class:`~nigehban.Nigehban` app object.

>>> from nigehban import Nigehban
>>> from nigehban.web import create_app
>>> web = create_app(Nigehban(database_url="sqlite:///:memory:"))
>>> web.title
'Nigehban'
"""

from __future__ import annotations

from nigehban.web.app import create_app
from nigehban.web.config import WebConfig

__all__ = ["WebConfig", "create_app"]
