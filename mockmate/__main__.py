"""`python -m mockmate` is the `mockmate` command."""

import sys

from mockmate.cli import main

sys.exit(main())
