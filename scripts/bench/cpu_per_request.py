#!/usr/bin/env python3
"""Server CPU time per request of one page, for two or more `fazhi` binaries run alternately.

On a machine whose throughput moves by a third from one run to the next, the server's own CPU
time per request (utime + stime from /proc around a wrk run) is the steadier figure. Each run
starts `BIN serve --demo` on a copy of one seeded demo database, logs in as the demo supervisor,
warms up for 3 s, then runs `wrk -t2 -c64` for --seconds and divides the server's CPU time by the
requests wrk counted. Prints each run, then the medians. Prints figures; asserts nothing.

    python3 scripts/bench/cpu_per_request.py --rounds 5 --seconds 6 --path /enforcement/cases \
        base=/tmp/fazhi-old new=.build/release/fazhi
"""
import argparse, http.cookiejar, os, re, shutil, signal, statistics, subprocess, sys, tempfile, time, urllib.parse, urllib.request

PORT = 18_491
BASE = f"http://127.0.0.1:{PORT}"
TICK = os.sysconf("SC_CLK_TCK")


def start(binary, work, database):
    env = dict(os.environ, FAZHI_DATABASE_URL=f"sqlite://{database}", FAZHI_DATA_KEY_FILE=os.path.join(work, "key"),
               FAZHI_LOG_LEVEL="error", FAZHI_LOGIN_RATE_LIMIT="10000")
    server = subprocess.Popen([binary, "serve", "--demo", "--hostname", "127.0.0.1", "--port", str(PORT)], cwd=work, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(240):
        try:
            urllib.request.urlopen(BASE + "/healthz", timeout=1).read()
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    sys.exit(f"{binary}: the server did not answer /healthz in 120 s")


def fresh_copy(template, work):
    """A copy of the seeded template to run one server on, without the last run's WAL files."""
    database = os.path.join(work, "run.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(database + suffix):
            os.remove(database + suffix)
    shutil.copyfile(template, database)
    return database


def stop(server):
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def login(base=BASE):
    """The demo supervisor's session token, logged in through the form (also `paired_servers.py`'s)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"_csrf": token, "loginName": "supervisor", "password": "Fazhi@Demo2026", "next": "/"}).encode()
    opener.open(base + "/login", data=form).read()
    session = next((c.value for c in jar if c.name == "fazhi_session"), None)
    if not session:
        sys.exit("login as supervisor failed")
    return session


def cpu_ticks(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime


def wrk(path, session, seconds):
    out = subprocess.run(["wrk", "-t2", "-c64", f"-d{seconds}s", "-H", f"Cookie: fazhi_session={session}", BASE + path],
                         capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    failures = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    return requests, rate, failures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--path", default="/enforcement/cases")
    parser.add_argument("binaries", nargs="+", help="LABEL=PATH of a fazhi binary")
    args = parser.parse_args()
    # Absolute: each server runs in the scratch directory, where `.build/release/fazhi` is not.
    binaries = [(label, os.path.abspath(path)) for label, path in (spec.split("=", 1) for spec in args.binaries)]
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")
    work = tempfile.mkdtemp(prefix="fazhi-cpu-")
    try:
        template = os.path.join(work, "template.sqlite")
        stop(start(binaries[0][1], work, template))  # seeds the demo once; every run copies it
        results = {label: [] for label, _ in binaries}
        for round_ in range(1, args.rounds + 1):
            for label, binary in binaries:
                server = start(binary, work, fresh_copy(template, work))
                try:
                    session = login()
                    wrk(args.path, session, 3)
                    before = cpu_ticks(server.pid)
                    requests, rate, failures = wrk(args.path, session, args.seconds)
                    micros = (cpu_ticks(server.pid) - before) * 1e6 / TICK / max(requests, 1)
                finally:
                    stop(server)
                results[label].append((micros, rate))
                print(f"round {round_} {label}: {micros:.0f} µs CPU per request, {rate:.0f} req/s, {failures} non-2xx", flush=True)
        for label, runs in results.items():
            print(f"{label}: median {statistics.median(m for m, _ in runs):.0f} µs CPU per request, "
                  f"median {statistics.median(r for _, r in runs):.0f} req/s ({len(runs)} runs of {args.seconds} s on {args.path})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
