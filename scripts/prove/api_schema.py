#!/usr/bin/env python3
"""The JSON API against its own OpenAPI document (issue "prove it"): starts the demo server on a fresh
SQLite file, logs in as the county justice bureau's supervisor, makes an API token holding every
permission that account has, and runs schemathesis (PyPI) over every /api/v1 operation with a fixed
seed. Exits 1 on any server error or schema violation.

    scripts/prove/api_schema.py --fazhi .build/debug/fazhi [--examples 25]
"""
import argparse, http.cookiejar, os, re, subprocess, sys, time, urllib.error, urllib.parse, urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from crash_safety import Officer, PASSWORD, wait_healthy, scratch_dir, run_main  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fazhi", required=True)
    parser.add_argument("--examples", type=int, default=25)
    parser.add_argument("--seed", type=int, default=20261126)
    args = parser.parse_args()
    work = scratch_dir("fazhi-api-")
    port = 19000 + os.getpid() % 1000
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, FAZHI_DATABASE_URL=f"sqlite://{work}/api.sqlite", FAZHI_DATA_KEY_FILE=os.path.join(work, "key"),
               FAZHI_LOGIN_RATE_LIMIT="10000", FAZHI_BCRYPT_COST="4")
    log = open(os.path.join(work, "serve.log"), "w")
    server = subprocess.Popen([args.fazhi, "serve", "--demo", "--hostname", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=log)
    try:
        wait_healthy(base, server)
        officer = Officer(base)
        officer.request("GET", "/login")
        status, _ = officer.request("POST", "/login", {"loginName": "supervisor", "password": PASSWORD})
        if status != 303:
            raise RuntimeError(f"login answered {status}")
        _, page = officer.request("GET", "/profile")
        permissions = sorted(set(re.findall(r'name="permissions\[\]" value="([^"]+)"', page)))
        form = [("name", "schemathesis"), ("days", "1"), ("_csrf", officer.csrf)] + [("permissions[]", p) for p in permissions]
        request = urllib.request.Request(base + "/profile/tokens", data=urllib.parse.urlencode(form).encode(), method="POST")
        with officer.opener.open(request, timeout=30) as response:
            body = response.read().decode()
        token = re.search(r"<code>([^<]+)</code>", body)
        if not token:
            raise RuntimeError("no token on the page")
        print(f"token with {len(permissions)} permissions: {', '.join(permissions)}")
        command = [sys.executable, "-m", "schemathesis.cli", "run", f"{base}/api/v1/openapi.json", "--header", f"Authorization: Bearer {token.group(1)}",
                   "--checks", "all", "--max-examples", str(args.examples), "--seed", str(args.seed),
                   "--generation-deterministic", "--request-timeout", "30"]
        started = time.time()
        result = subprocess.run(command, env=env)
        print(f"schemathesis: exit {result.returncode} in {time.time() - started:.1f} s")
        sys.exit(result.returncode)
    finally:
        server.terminate()
        server.wait()
        log.close()


if __name__ == "__main__":
    run_main(main)
