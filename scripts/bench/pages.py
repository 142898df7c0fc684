#!/usr/bin/env python3
"""List-page throughput against /healthz on a running server: logs in as a demo account, runs wrk
with 64 connections on each path, prints req/s, p99 and the share of /healthz. A benchmark, not a
test: it prints figures and asserts nothing.

usage: scripts/bench/pages.py [--base http://127.0.0.1:8080] [--user supervisor] [--seconds 10] [paths...]
"""
import argparse, http.cookiejar, re, subprocess, urllib.error, urllib.parse, urllib.request

parser = argparse.ArgumentParser()
parser.add_argument("--base", default="http://127.0.0.1:8080")
parser.add_argument("--user", default="supervisor")
parser.add_argument("--password", default="Fazhi@Demo2026")
parser.add_argument("--seconds", type=int, default=10)
parser.add_argument("--connections", type=int, default=64)
parser.add_argument("paths", nargs="*", default=["/healthz", "/enforcement/cases", "/reconsideration", "/gongshi", "/profile"])
args = parser.parse_args()

jar = http.cookiejar.CookieJar()
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
page = opener.open(args.base + "/login").read().decode()
csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
try:
    opener.open(args.base + "/login", urllib.parse.urlencode({"loginName": args.user, "password": args.password, "_csrf": csrf}).encode())
except urllib.error.HTTPError as answer:
    if answer.code != 303: raise SystemExit(f"login answered {answer.code}")
cookie = "; ".join(f"{c.name}={c.value}" for c in jar if c.name.startswith("fazhi") or c.name.startswith("__Host-fazhi"))

def run(path):
    out = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--latency", "-H", f"Cookie: {cookie}", args.base + path],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, float(p99.group(1)) * scale, int(errors.group(1)) if errors else 0

results = {path: run(path) for path in args.paths}
floor = results.get("/healthz", (None,))[0]
print(f"{'path':28} {'req/s':>10} {'p99 ms':>8} {'of /healthz':>12} {'non-2xx':>8}")
for path, (rps, p99, errors) in results.items():
    share = f"{100 * rps / floor:.1f}%" if floor else "—"
    print(f"{path:28} {rps:10.0f} {p99:8.1f} {share:>12} {errors:8d}")
