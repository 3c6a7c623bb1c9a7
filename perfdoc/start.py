"""The `perfdoc` command: a build with nothing to do is answered from its record (replay.py) before the command
line, the configuration and the pipeline are even imported; anything else goes to the command line (cli.py)."""

from __future__ import annotations

import sys


def main() -> None:
    from .replay import replayed

    code = replayed(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from .cli import main as cli_main

    cli_main()
