#!/usr/bin/env python3
"""Entry point: ``python manage.py COMMAND``. See ``python manage.py --help``."""

import os
import signal
import sys

# Ctrl-C while the program is still starting: one line and exit code 130, no traceback
# (once running, tool.cli.main takes over and also keeps what was being typed).
signal.signal(signal.SIGINT, lambda *_: (sys.stderr.write("Interrupted.\n"), os._exit(130)))

from tool.cli import main  # noqa: E402  (after the handler, on purpose)

if __name__ == "__main__":
    main()
