# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A local, stateful emulator of the Telnyx Video room-sessions API and the Twilio Proxy v1 API.

    python3 tests/emulator/server.py --host 127.0.0.1 --port 8080 --seed-room-sessions 50

Telnyx is served under http://HOST:PORT/v2, Twilio Proxy under http://HOST:PORT/v1/Services/...
The admin API under /_emulator/ (stats, reset, seed, fixtures, state, config, faults, accounts) is described
in tests/emulator/README.md, and so is each file's part ("Inside"). Standard library only.

This file is the script and the names tests import: DEFAULTS, parse_args, main, make_server, run_in_thread.
"""

import os
import sys

if __package__ in (None, ""):  # run as a script: make the package importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    __package__ = "tests.emulator"  # pylint: disable=redefined-builtin

from tests.emulator.cli import DEFAULTS, main, parse_args  # noqa: E402  pylint: disable=wrong-import-position
from tests.emulator.http_server import make_server  # noqa: E402  pylint: disable=wrong-import-position
from tests.emulator.runner import run_in_thread  # noqa: E402  pylint: disable=wrong-import-position

__all__ = ["DEFAULTS", "main", "make_server", "parse_args", "run_in_thread"]

if __name__ == "__main__":
    sys.exit(main())
