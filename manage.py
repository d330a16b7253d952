#!/usr/bin/env python3
"""Entry point: ``python manage.py COMMAND``. See ``python manage.py --help``."""

from tool.cli import main

if __name__ == "__main__":
    main()
