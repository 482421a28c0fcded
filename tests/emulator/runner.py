# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""An emulator inside this process, for tests: run_in_thread."""

import threading

from .cli import parse_args
from .http_server import make_server


def run_in_thread(**overrides):
    """Start an emulator in this process (for tests): returns the server, with .url; call .stop().

    overrides: any option of the command line, by its attribute name (latency_ms=50, seed=7)."""
    options = parse_args(["--port", "0"])
    for key, value in overrides.items():
        setattr(options, key, value)
    server = make_server(options)
    server.url = "http://127.0.0.1:%d" % server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()
        server.RequestHandlerClass.emulator.webhooks.stop()

    server.stop = stop
    return server
