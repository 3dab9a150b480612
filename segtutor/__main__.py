"""``python -m segtutor``: see :mod:`segtutor.cli`."""

import sys

from .cli import main

sys.exit(main())
