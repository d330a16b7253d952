"""Command-line interface: thin click commands over the library.

Commands live in one module per area; importing them registers them on ``cli``.
"""

from tool.cli import alignment, articles, maintenance, sync, workflow  # noqa: F401  (registers commands)
from tool.cli.app import cli, main

__all__ = ["cli", "main"]
