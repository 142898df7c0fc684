#!/usr/bin/env python3
"""Crash safety (issue "prove it"): kill -9 the server again and again while officers register case
leads, then check that every acknowledged write is there, the database is intact and the audit chain
verifies.

    scripts/prove/crash_safety.py --fazhi .build/debug/fazhi --database sqlite:///tmp/crash.sqlite [--cycles 6]
    scripts/prove/crash_safety.py --fazhi .build/debug/fazhi --database postgres://u:p@127.0.0.1:5432/db?sslmode=disable

Prints its figures; exits 1 if an acknowledged write is missing, the integrity check fails or
`fazhi audit verify` fails. Standard library only.
"""
import argparse, http.cookiejar, os, random, re, shutil, signal, sqlite3, subprocess, sys, tempfile, threading, time
import urllib.error, urllib.parse, urllib.request

PASSWORD = "Fazhi@Demo2026"

_SCRATCH = []


def scratch_dir(prefix):
    """A work directory (database, key, server logs) that `run_main` removes when the script passes and
    keeps, naming it, when it fails, so that a developer running `.ci/run` again and again does not fill /tmp."""
    work = tempfile.mkdtemp(prefix=prefix)
    _SCRATCH.append(work)
    return work


def run_main(main):
    code = 1
    try:
        main()
        code = 0
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
        raise
    finally:
        for work in _SCRATCH:
            if code == 0:
                shutil.rmtree(work, ignore_errors=True)
            else:
                print(f"kept for inspection: {work}", file=sys.stderr)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Officer:
    """One browser: its own cookies and CSRF token."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())
        self.csrf = ""

    def request(self, method, path, form=None):
        data = None
        if form is not None:
            form = dict(form, _csrf=self.csrf)
            data = urllib.parse.urlencode(form).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        try:
            with self.opener.open(req, timeout=30) as response:
                body, status = response.read().decode("utf-8", "replace"), response.status
        except urllib.error.HTTPError as error:
            body, status = error.read().decode("utf-8", "replace"), error.code
        found = re.search(r'name="_csrf" value="([^"]+)"', body)
        if found:
            self.csrf = found.group(1)
        return status, body

    def login(self):
        self.request("GET", "/login")
        status, _ = self.request("POST", "/login", {"loginName": "officer.scjg", "password": PASSWORD})
        if status != 303:
            raise RuntimeError(f"login answered {status}")
        self.request("GET", "/profile")


def wait_healthy(base, process, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} while starting")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except Exception:
            time.sleep(0.3)
    raise RuntimeError("the server did not become healthy")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fazhi", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--schema", default=None)
    parser.add_argument("--cycles", type=int, default=6)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--seed", type=int, default=20261126)
    args = parser.parse_args()
    random.seed(args.seed)
    work = scratch_dir("fazhi-crash-")
    env = dict(os.environ, FAZHI_DATABASE_URL=args.database, FAZHI_DATA_KEY_FILE=os.path.join(work, "key"),
               FAZHI_LOGIN_RATE_LIMIT="10000", FAZHI_BCRYPT_COST="4")
    if args.schema:
        env["FAZHI_DATABASE_SCHEMA"] = args.schema
    port = 18000 + random.randrange(1000)
    base = f"http://127.0.0.1:{port}"
    acknowledged, refused, failed = [], 0, 0
    lock = threading.Lock()
    counter = [0]
    started = time.time()
    for cycle in range(args.cycles):
        log = open(os.path.join(work, f"serve-{cycle}.log"), "w")
        server = subprocess.Popen([args.fazhi, "serve", "--demo", "--hostname", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=log)
        wait_healthy(base, server)
        stop = threading.Event()

        def writer():
            nonlocal refused, failed
            officer = Officer(base)
            try:
                officer.login()
            except Exception:
                return
            while not stop.is_set():
                with lock:
                    counter[0] += 1
                    number = f"示市监罚〔2030〕{counter[0]}号"
                try:
                    status, _ = officer.request("POST", "/enforcement/cases/new", {
                        "caseNumber": number, "unitCode": "SFX-SCJG", "partyKind": "legal", "party": "示范县崩溃测试公司",
                        "violation": "无照经营", "violationOn": "2026-01-05", "discoveredOn": "2026-01-10"})
                except Exception:
                    return  # the server died under it: the write was not acknowledged
                with lock:
                    if status == 303:
                        acknowledged.append(number)
                    elif status == 422:
                        refused += 1
                    else:
                        failed += 1

        threads = [threading.Thread(target=writer) for _ in range(args.writers)]
        for thread in threads:
            thread.start()
        time.sleep(random.uniform(1.0, 3.0))
        server.send_signal(signal.SIGKILL)
        server.wait()
        stop.set()
        for thread in threads:
            thread.join()
        log.close()
        print(f"cycle {cycle + 1}: killed with SIGKILL; {len(acknowledged)} writes acknowledged so far")

    # What the database holds after the last kill.
    if args.database.startswith("sqlite://"):
        path = args.database[len("sqlite://"):]
        connection = sqlite3.connect(path)
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        stored = {row[0] for row in connection.execute("SELECT case_number FROM penalty_cases WHERE case_number LIKE '示市监罚〔2030〕%'")}
        connection.close()
    else:
        integrity = "ok (PostgreSQL: WAL recovery on start)"
        query = "SELECT case_number FROM penalty_cases WHERE case_number LIKE '示市监罚〔2030〕%'"
        if args.schema:
            query = f"SET search_path TO {args.schema}; " + query
        output = subprocess.run(["psql", args.database, "-At", "-c", query], capture_output=True, text=True, check=True).stdout
        stored = {line for line in output.splitlines() if line.startswith("示市监罚")}
    missing = [number for number in acknowledged if number not in stored]
    verify = subprocess.run([args.fazhi, "audit", "verify"], env=env, capture_output=True, text=True)
    print(f"{args.cycles} SIGKILLs in {time.time() - started:.1f} s; {len(acknowledged)} acknowledged writes, {len(missing)} missing; "
          f"{len(stored) - len(acknowledged)} written but unacknowledged (cut off by the kill); {refused} refused, {failed} server errors")
    print(f"integrity_check: {integrity}")
    print(f"fazhi audit verify: exit {verify.returncode}: {(verify.stdout + verify.stderr).strip().splitlines()[-1] if (verify.stdout + verify.stderr).strip() else ''}")
    ok = not missing and integrity.startswith("ok") and verify.returncode == 0 and failed == 0 and acknowledged
    if missing:
        print("missing: " + ", ".join(missing[:20]))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    run_main(main)
