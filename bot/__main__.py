"""`python -m bot`: see `bot.cli`."""

import os
import sys

# pydantic looks up third-party plugins through package metadata on first use, which costs
# tens of milliseconds of start-up; this program uses none.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from bot.cli import main  # imported after the environment is set, before pydantic loads

sys.exit(main())
