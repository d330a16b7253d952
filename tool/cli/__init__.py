"""Command-line interface: thin click commands over the library.

Commands live in one module per area; importing them registers them on ``cli``.
"""

from tool.cli import (  # noqa: F401  (importing a module registers its commands)
    alignment,
    articles,
    exports,
    maintenance,
    memory,
    quality,
    segments,
    serve,
    sync,
    users,
    workflow,
)
from tool.cli.app import cli, main

__all__ = ["cli", "main"]
