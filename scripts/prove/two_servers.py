#!/usr/bin/env python3
"""Two `fazhi serve` processes behind one PostgreSQL database (issue 16: many app servers). Starts
both at once on a fresh schema, then shows:
- migrations and the demo seed ran once (both servers started; one migration row per migration);
- a session made on one server is honoured by the other, and a logout on one ends it on the other
  within FAZHI_SESSION_CACHE_SECONDS;
- writers on both servers registering the same case number: exactly one is accepted, the rest are
  refused with the rule, none fails; distinct numbers all land;
- `fazhi audit verify` passes on the shared chain.

    scripts/prove/two_servers.py --fazhi .build/debug/fazhi --database postgres://u:p@127.0.0.1:5432/db?sslmode=disable [--schema two]

Prints its figures; exits 1 when a check fails. Standard library only (plus `psql` to count rows).
"""
import base64, argparse, os, random, subprocess, sys, threading, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crash_safety import Officer, wait_healthy, scratch_dir, run_main  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fazhi", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--schema", default=f"two_{random.randrange(10**6)}")
    parser.add_argument("--writers", type=int, default=8)
    args = parser.parse_args()
    work = scratch_dir("fazhi-two-")
    env = dict(os.environ, FAZHI_DATABASE_URL=args.database, FAZHI_DATABASE_SCHEMA=args.schema, FAZHI_DATA_KEY_FILE=os.path.join(work, "key"),
               FAZHI_LOGIN_RATE_LIMIT="10000", FAZHI_BCRYPT_COST="4")
    # Both servers need the same data key: written once here, as an operator would set it (a read-only
    # command such as `fazhi audit verify` no longer writes one).
    with open(env["FAZHI_DATA_KEY_FILE"], "w") as f:
        f.write(base64.b64encode(os.urandom(32)).decode())
    os.chmod(env["FAZHI_DATA_KEY_FILE"], 0o600)
    ports = [19000 + random.randrange(500), 19500 + random.randrange(500)]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    servers = []
    started = time.time()
    for index, port in enumerate(ports):
        log = open(os.path.join(work, f"serve-{index}.log"), "w")
        servers.append(subprocess.Popen([args.fazhi, "serve", "--demo", "--hostname", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=log))
    failures = []
    try:
        for base, server in zip(bases, servers):
            wait_healthy(base, server, seconds=300)
        print(f"both servers healthy after {time.time() - started:.1f} s (started together on schema {args.schema})")
        psql = ["psql", args.database.split("?")[0], "-At", "-c"]
        def count(sql):
            return int(subprocess.run(psql + [f"SET search_path TO {args.schema}; {sql}"], capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
        migrations, distinct = count("SELECT COUNT(*) FROM _fluent_migrations"), count("SELECT COUNT(DISTINCT name) FROM _fluent_migrations")
        counties = count("SELECT COUNT(*) FROM units WHERE parent_id IS NULL")
        print(f"migrations recorded: {migrations} ({distinct} distinct); top-level units (demo county seeded): {counties}")
        if migrations != distinct or counties != 1:
            failures.append("a migration or the demo seed ran twice")

        officer = Officer(bases[0])
        officer.login()
        status_a, _ = officer.request("GET", "/enforcement/cases")
        officer.base = bases[1]
        status_b, _ = officer.request("GET", "/enforcement/cases")
        print(f"session made on server 1: server 1 answers {status_a}, server 2 answers {status_b}")
        if (status_a, status_b) != (200, 200):
            failures.append("a session is not shared by both servers")

        lock = threading.Lock()
        outcomes = {"accepted": 0, "refused": 0, "failed": 0, "distinct": 0}
        def writer(index):
            me = Officer(bases[index % 2])
            me.login()
            for attempt in range(2):
                number = "示市监罚〔2031〕1号" if attempt == 0 else f"示市监罚〔2031〕{100 + index}号"
                status, _ = me.request("POST", "/enforcement/cases/new", {
                    "caseNumber": number, "unitCode": "SFX-SCJG", "partyKind": "legal", "party": "示范县双服务器测试公司",
                    "violation": "无照经营", "violationOn": "2026-01-05", "discoveredOn": "2026-01-10"})
                with lock:
                    if attempt == 1:
                        outcomes["distinct"] += status == 303
                    elif status == 303:
                        outcomes["accepted"] += 1
                    elif status == 422:
                        outcomes["refused"] += 1
                    else:
                        outcomes["failed"] += 1
        threads = [threading.Thread(target=writer, args=(index,)) for index in range(args.writers)]
        for thread in threads: thread.start()
        for thread in threads: thread.join()
        print(f"{args.writers} writers on both servers, one case number: {outcomes['accepted']} accepted, {outcomes['refused']} refused (已存在), "
              f"{outcomes['failed']} failed; {outcomes['distinct']} of {args.writers} distinct numbers landed")
        if outcomes["accepted"] != 1 or outcomes["failed"] or outcomes["distinct"] != args.writers:
            failures.append("concurrent writers on two servers")

        officer.base = bases[1]
        officer.request("POST", "/logout", {})
        officer.base = bases[0]
        ended_at = time.time()
        status = 200
        while time.time() - ended_at < 15 and status == 200:
            status, _ = officer.request("GET", "/profile")
            if status == 200: time.sleep(0.5)
        print(f"logout on server 2: server 1 refuses the session after {time.time() - ended_at:.1f} s (answers {status})")
        if status != 303:
            failures.append("a logout on one server is not honoured by the other")
    finally:
        for server in servers:
            server.terminate()
            server.wait()
    verify = subprocess.run([args.fazhi, "audit", "verify"], env=env, capture_output=True, text=True)
    print("audit verify:", (verify.stdout or verify.stderr).strip().splitlines()[-1] if (verify.stdout or verify.stderr).strip() else verify.returncode)
    if verify.returncode != 0:
        failures.append("audit chain")
    if failures:
        print("FAILED:", "; ".join(failures))
        sys.exit(1)
    print("two servers: all checks passed")


if __name__ == "__main__":
    run_main(main)
