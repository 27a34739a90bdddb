"""Candidates racing to book the same experts' time: now `mockmate loadtest bookings`
(docs/loadtest.md).

Kept so that older commands still run: `python bench/bookings.py ARGS` is
`mockmate loadtest bookings ARGS`.
"""

import sys

from mockmate.cli import main

if __name__ == "__main__":
    sys.exit(main(["loadtest", "bookings", *sys.argv[1:]]))
