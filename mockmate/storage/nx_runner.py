"""Runs the nx-27017 MongoDB stand-in with its per-command INFO logging silenced.

nx-27017 configures logging with `basicConfig(level=INFO)`, which does nothing when the root
logger is already configured; so we configure it at WARNING first and then hand over.
"""

import logging
import sys


def main() -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    from nx_27017.nx_27017 import main as nx_main

    sys.argv[0] = "nx-27017"
    nx_main()


if __name__ == "__main__":
    main()
