"""Scripted candidates taking TEXT interviews: now `mockmate loadtest text` (docs/loadtest.md).

Kept so that older commands still run: `python bench/text_interviews.py ARGS` is
`mockmate loadtest text ARGS`.
"""

import sys

from mockmate.cli import main

if __name__ == "__main__":
    sys.exit(main(["loadtest", "text", *sys.argv[1:]]))
