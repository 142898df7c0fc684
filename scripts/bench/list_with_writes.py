#!/usr/bin/env python3
"""A list page read under load while records change: how a kept list (`Request.keptList`) fares
when every change makes the next read render afresh.

Each build serves its own demo on a scratch SQLite file (`serve --demo`). Per round and build, wrk
reads --path as the demo supervisor (`wrk -t2 -cC -dS --latency`) while one officer
(`officer.scjg`) registers case leads through the form in a loop, at most --rate a second (0: no
writes). The builds take turns, the order reversed every other round. Prints, per run, the list's
req/s and p99 and the leads written a second. Prints figures; asserts nothing.

    python3 scripts/bench/list_with_writes.py --rate 1000 --rounds 2 old=/tmp/fazhi-old new=.build/release/fazhi
"""
import argparse, os, re, shutil, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "prove"))
from crash_safety import Officer, PASSWORD, wait_healthy  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("builds", nargs="+", help="LABEL=BINARY")
    parser.add_argument("--rate", type=float, default=1000, help="case leads a second at most (0: none)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--path", default="/enforcement/cases")
    args = parser.parse_args()
    servers = []
    counter = [0]
    try:
        for index, build in enumerate(args.builds):
            label, binary = build.split("=", 1)
            work = tempfile.mkdtemp(prefix=f"fazhi-writes-{label}-")
            port = 18700 + index
            env = dict(os.environ, FAZHI_DATABASE_URL=f"sqlite://{work}/demo.sqlite", FAZHI_DATA_KEY_FILE=os.path.join(work, "key"),
                       FAZHI_LOGIN_RATE_LIMIT="10000", FAZHI_LOG_LEVEL="error", FAZHI_BCRYPT_COST="4")
            server = subprocess.Popen([binary, "serve", "--demo", "--hostname", "127.0.0.1", "--port", str(port)], env=env,
                                      stdout=open(os.path.join(work, "serve.log"), "w"), stderr=subprocess.STDOUT)
            servers.append((label, server, work))
            base = f"http://127.0.0.1:{port}"
            wait_healthy(base, server, 600)
            reader = Officer(base)
            reader.request("GET", "/login")
            if reader.request("POST", "/login", {"loginName": "supervisor", "password": PASSWORD})[0] != 303:
                raise RuntimeError(f"{label}: the supervisor could not log in")
            writer = Officer(base)
            writer.login()
            servers[-1] = (label, server, work, base, reader, writer)
        for round in range(args.rounds):
            for label, server, work, base, reader, writer in (servers if round % 2 == 0 else servers[::-1]):
                cookie = "; ".join(f"{c.name}={c.value}" for c in reader.jar)
                stop = time.time() + args.seconds + 0.5
                written = [0]

                def write():
                    while time.time() < stop:
                        started = time.time()
                        counter[0] += 1
                        status, _ = writer.request("POST", "/enforcement/cases/new", {
                            "caseNumber": f"示市监罚〔2031〕{counter[0]}号", "unitCode": "SFX-SCJG", "partyKind": "legal",
                            "party": "示范县混合负载公司", "violation": "无照经营", "violationOn": "2026-01-05", "discoveredOn": "2026-01-10"})
                        if status == 303:
                            written[0] += 1
                        time.sleep(max(0.0, 1 / args.rate - (time.time() - started)))

                thread = threading.Thread(target=write) if args.rate > 0 else None
                if thread:
                    thread.start()
                out = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--latency", "-H", f"Cookie: {cookie}",
                                      base + args.path], capture_output=True, text=True).stdout
                if thread:
                    thread.join()
                rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
                p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
                print(f"round {round + 1} {label}: {args.path} {rps:.0f} req/s, p99 {p99}, {written[0] / (args.seconds + 0.5):.1f} leads written a second",
                      flush=True)
    finally:
        for entry in servers:
            entry[1].terminate()
            entry[1].wait()
            shutil.rmtree(entry[2], ignore_errors=True)


if __name__ == "__main__":
    main()
