"""Running the served desk with uvicorn."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tool.web.context import WebSettings


def run_server(
    db_path: Path,
    *,
    host: str,
    port: int,
    proxies: str | None = None,
    idle_minutes: float = 60,
    certfile: str | None = None,
    keyfile: str | None = None,
    access_log: bool = True,
) -> None:
    """Serve the desk in ``db_path`` until interrupted.

    X-Forwarded-Proto and X-Forwarded-For are honoured only from the addresses in
    ``proxies`` (a reverse proxy you run); otherwise they are ignored.
    """
    import uvicorn

    from tool.web.app import create_app

    settings = WebSettings(db_path=db_path, idle=timedelta(minutes=idle_minutes))
    app = create_app(settings)
    uvicorn.run(
        app,
        host=host,
        port=port,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or "",
        ssl_certfile=certfile,
        ssl_keyfile=keyfile,
        access_log=access_log,
        server_header=False,
        log_level="info",
    )
