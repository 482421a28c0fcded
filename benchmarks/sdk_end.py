# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a user writes with the vendor's official SDK: list the sessions (auto-paginated), then act on each
from a ThreadPoolExecutor. benchmarks/run.py times this whole script, interpreter start-up and imports included.

    python benchmarks/sdk_end.py telnyx --url http://127.0.0.1:PORT --threads 8
    python benchmarks/sdk_end.py twilio --url http://127.0.0.1:PORT --threads 8 --service KS...

Prints one JSON line: how many were listed, done and failed, and the seconds of its steps (import and client,
list, act).
"""

import argparse
import concurrent.futures
import json
import os
import sys
import time

STEPS = {}


def step(name, since):
    STEPS[name + "_seconds"] = round(time.monotonic() - since, 3)
    return time.monotonic()


def telnyx_end(url, threads):
    began = time.monotonic()
    import telnyx  # pylint: disable=import-outside-toplevel

    client = telnyx.Telnyx(api_key=os.environ["TELNYX_API_KEY"], base_url=url + "/v2")
    began = step("import", began)
    ids = [session.id for session in client.rooms.sessions.list_0(filter={"active": True}, page_size=250)]
    step("list", began)

    def end(session_id):
        return client.rooms.sessions.actions.end(session_id).data.result == "ok"

    return ids, run(end, ids, threads)


def twilio_delete(url, threads, service_sid):
    began = time.monotonic()
    from twilio.rest import Client  # pylint: disable=import-outside-toplevel

    client = Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])
    client.proxy.base_url = url
    service = client.proxy.v1.services(service_sid)
    began = step("import", began)
    sids = [session.sid for session in service.sessions.list(page_size=1000) if session.status == "closed"]
    step("list", began)

    def delete(sid):
        return service.sessions(sid).delete()

    return sids, run(delete, sids, threads)


def run(work, items, threads):
    began = time.monotonic()
    done = failed = 0
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        for future in concurrent.futures.as_completed([pool.submit(work, item) for item in items]):
            try:
                if future.result():
                    done += 1
                else:
                    failed += 1
            except Exception:  # pylint: disable=broad-except
                failed += 1
    step("act", began)
    return done, failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("vendor", choices=["telnyx", "twilio"])
    parser.add_argument("--url", required=True, help="the emulator, http://host:port")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--service", default="KS00000000000000000000000000000001")
    args = parser.parse_args()
    if args.vendor == "telnyx":
        listed, (done, failed) = telnyx_end(args.url, args.threads)
    else:
        listed, (done, failed) = twilio_delete(args.url, args.threads, args.service)
    print(json.dumps(dict(STEPS, listed=len(listed), done=done, failed=failed)))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
