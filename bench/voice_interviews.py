"""Scripted candidates taking SPOKEN interviews: now `mockmate loadtest voice`
(docs/loadtest.md).

Kept so that older commands still run: `python bench/voice_interviews.py ARGS` is
`mockmate loadtest voice ARGS`.
"""

import sys

from mockmate.cli import main

if __name__ == "__main__":
    sys.exit(main(["loadtest", "voice", *sys.argv[1:]]))
