#!/usr/bin/env python3
"""Two or more `fazhi` builds served at once, wrk going to each in turn: CPU per request side by side.

`cpu_per_request.py` starts a server for every run; this keeps one server per build up for the whole
measurement and alternates wrk between them, so a slow stretch of a shared machine falls on every
build alike. Each round runs `wrk -t2 -cC -dS --latency` on --path against each server in turn (the
order reversed every other round) and prints, for each run: the server's CPU time per request
(utime + stime from /proc), on PostgreSQL the CPU time of the server's backends over the same run,
req/s and p99; then the medians. Before the first round the page is fetched from every server and
compared byte for byte. Prints figures; asserts nothing.

Without --database each server seeds its own demo on a scratch SQLite file (`serve --demo`). With
--database URL every server serves that one database, which must be seeded already (`fazhi demo
seed` with the same --key-file); the load only reads.

    python3 scripts/bench/paired_servers.py --rounds 6 --path /enforcement/cases \\
        old=/tmp/fazhi-old new=.build/release/fazhi
    python3 scripts/bench/paired_servers.py --database "postgres://fazhi:fazhi@127.0.0.1:5432/demo?sslmode=disable" \\
        --key-file /tmp/demo.key old=/tmp/fazhi-old new=.build/release/fazhi
"""
import argparse, glob, os, re, shutil, statistics, subprocess, sys, tempfile, time, urllib.request

from cpu_per_request import TICK, cpu_ticks, login as login_at, stop

BASE_PORT = 18_530


def cpu_seconds(pid):
    return cpu_ticks(pid) / TICK


def postgres_seconds():
    """CPU time of every process named postgres (the server and its backends)."""
    total = 0.0
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            text = open(stat).read()
        except OSError:
            continue
        if "(postgres)" in text:
            fields = text.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICK
    return total


def start(binary, port, work, database, key_file):
    env = dict(os.environ, FAZHI_LOG_LEVEL="error", FAZHI_LOGIN_RATE_LIMIT="10000",
               FAZHI_DATABASE_URL=database or f"sqlite://{work}/demo.sqlite",
               FAZHI_DATA_KEY_FILE=key_file or os.path.join(work, "key"))
    arguments = [binary, "serve"] + ([] if database else ["--demo"]) + ["--hostname", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(arguments, cwd=work, env=env, stdout=open(os.path.join(work, "server.log"), "w"), stderr=subprocess.STDOUT)
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return server
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.5)
    server.kill()
    sys.exit(f"{binary}: no answer on /healthz (log: {work}/server.log)")


def login(port):
    return "fazhi_session=" + login_at(f"http://127.0.0.1:{port}")


def fetch(port, path, cookie):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
    return urllib.request.urlopen(request).read()


def wrk(port, path, cookie, seconds, connections):
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"Cookie: {cookie}",
                          f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    match = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    p99 = float(match.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[match.group(2)] if match else float("nan")
    failures = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    return requests, rate, p99, failures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--path", default="/enforcement/cases")
    parser.add_argument("--database", help="a seeded database every server serves (default: a demo of its own each)")
    parser.add_argument("--key-file", help="the data key file the --database was seeded with")
    parser.add_argument("builds", nargs="+", help="LABEL=PATH of a fazhi binary")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")
    builds = [(label, os.path.abspath(path)) for label, path in (spec.split("=", 1) for spec in args.builds)]
    postgres = (args.database or "").startswith("postgres")
    servers, works = {}, []
    try:
        for index, (label, binary) in enumerate(builds):
            work = tempfile.mkdtemp(prefix=f"fazhi-paired-{label}-")
            works.append(work)
            port = BASE_PORT + index
            servers[label] = (start(binary, port, work, args.database, args.key_file), port)
        if args.database:
            # One session for all: it is in the shared database, so every build renders the same
            # page for it (its CSRF token included) and the pages can be compared byte for byte.
            cookie = login(next(iter(servers.values()))[1])
            cookies = {label: cookie for label in servers}
        else:
            cookies = {label: login(port) for label, (_, port) in servers.items()}
        pages = {label: fetch(port, args.path, cookies[label]) for label, (_, port) in servers.items()}
        first = next(iter(pages.values()))
        if args.database:
            same = "; the same bytes from every build" if all(page == first for page in pages.values()) else "; the pages DIFFER"
        else:
            same = " (demos of their own, with their own ids and sessions: not compared byte for byte)"
        print(f"{args.path}: " + ", ".join(f"{label} {len(page)} bytes" for label, page in pages.items()) + same)
        for label, (_, port) in servers.items():
            wrk(port, args.path, cookies[label], 2, args.connections)  # warm-up
        results = {label: [] for label in servers}
        for round_ in range(1, args.rounds + 1):
            order = list(servers) if round_ % 2 else list(reversed(servers))
            for label in order:
                server, port = servers[label]
                before, database_before = cpu_seconds(server.pid), postgres_seconds() if postgres else 0.0
                requests, rate, p99, failures = wrk(port, args.path, cookies[label], args.seconds, args.connections)
                app = (cpu_seconds(server.pid) - before) * 1e6 / max(requests, 1)
                database = (postgres_seconds() - database_before) * 1e6 / max(requests, 1) if postgres else float("nan")
                results[label].append((app, database, rate, p99))
                print(f"round {round_} {label}: app {app:.0f} µs" + (f" + PostgreSQL {database:.0f} µs" if postgres else "")
                      + f" CPU per request, {rate:.0f} req/s, p99 {p99:.1f} ms, {failures} non-2xx/3xx", flush=True)
        for label, runs in results.items():
            print(f"{label}: median app {statistics.median(r[0] for r in runs):.0f} µs"
                  + (f" + PostgreSQL {statistics.median(r[1] for r in runs):.0f} µs" if postgres else "")
                  + f" CPU per request, {statistics.median(r[2] for r in runs):.0f} req/s, p99 {statistics.median(r[3] for r in runs):.1f} ms"
                  + f" ({len(runs)} runs of {args.seconds} s on {args.path})")
    finally:
        for server, _ in servers.values():
            stop(server)
        for work in works:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
