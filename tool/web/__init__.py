"""The served desk: browser pages and a JSON API over the same services the CLI calls.

Authentication lives here (sessions for the pages, bearer tokens for the API); rules do
not: every action calls the service function the CLI calls, with the signed-in user as
the acting user. Imported only by ``serve`` and the tests (FastAPI is not loaded at CLI
start-up).
"""

from tool.web.app import create_app
from tool.web.context import WebSettings

__all__ = ["WebSettings", "create_app"]
