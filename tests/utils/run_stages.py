# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""make test's stages, one after another: python tests/utils/run_stages.py [--summary FILE] STAGE...

Runs ``make STAGE STAGED=1`` for each stage (standard library only: it runs before the venv exists), says
"== stage X (n/N)" before each, and at the end prints a table of how long each took. Stops at the first stage
that fails, with the table so far. On success the last line printed is the last line of --summary (pytest's
"N passed ..." line, which the pytest stage saves), so that the closing line of ``make test`` is pytest's.
"""

import argparse
import os
import subprocess
import sys
import time


def table(rows, total):
    width = max(len(stage) for stage, _secs, _status in rows + [("total", 0, "")])
    lines = ["== stage durations:"]
    lines += ["   %s %6.0f s  %s" % (stage.ljust(width), secs, status) for stage, secs, status in rows]
    lines.append("   %s %6.0f s" % ("total".ljust(width), total))
    return "\n".join(lines)


def last_line(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = [line.rstrip() for line in handle if line.strip()]
    except OSError:
        return None
    return lines[-1] if lines else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--make", default=os.environ.get("MAKE", "make"))
    parser.add_argument("--summary", help="a file whose last line is repeated as the closing line")
    parser.add_argument("stages", nargs="+")
    args = parser.parse_args()
    rows = []
    started = time.monotonic()
    for number, stage in enumerate(args.stages, 1):
        print("== stage %s (%d/%d)" % (stage, number, len(args.stages)), flush=True)
        begun = time.monotonic()
        code = subprocess.call([args.make, "--no-print-directory", stage, "STAGED=1"])
        rows.append((stage, time.monotonic() - begun, "passed" if code == 0 else "FAILED (exit %d)" % code))
        if code != 0:
            print(table(rows, time.monotonic() - started))
            print("== make test: stage %s failed" % stage)
            return code
    print(table(rows, time.monotonic() - started))
    closing = last_line(args.summary) if args.summary else None
    print("== make test: all passed" + ("; pytest said:" if closing else ""))
    if closing:
        print(closing)
    return 0


if __name__ == "__main__":
    sys.exit(main())
