#!/usr/bin/env python3
# latency.py BIN PATH [secs] [conns] [rounds]: start `fazhi serve --demo` on a scratch SQLite database,
# log in as the supervisor, warm up, then print wrk's latency percentiles for PATH, once a round
# (issue 16: the tail of a list page at 64 connections). EXTRA_ENV="K=V ..." sets server variables.
import os, re, subprocess, sys, time, urllib.request, urllib.parse, http.cookiejar, tempfile, shutil
binary, path = sys.argv[1], sys.argv[2]
secs = int(sys.argv[3]) if len(sys.argv) > 3 else 8
conns = int(sys.argv[4]) if len(sys.argv) > 4 else 64
rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 1
work = tempfile.mkdtemp(prefix="lat-")
env = dict(os.environ, FAZHI_DATABASE_URL=f"sqlite://{work}/d.sqlite", FAZHI_DATA_KEY_FILE=f"{work}/key", FAZHI_LOGIN_RATE_LIMIT="10000", FAZHI_LOG_LEVEL="error")
env.update(dict(kv.split("=",1) for kv in os.environ.get("EXTRA_ENV","").split() if "=" in kv))
port = 18556
srv = subprocess.Popen([binary, "serve", "--demo", "--hostname", "127.0.0.1", "--port", str(port)], env=env, stdout=open(f"{work}/log", "w"), stderr=subprocess.STDOUT)
base = f"http://127.0.0.1:{port}"
for _ in range(600):
    try:
        if urllib.request.urlopen(base + "/healthz").status == 200: break
    except Exception: time.sleep(0.5)
jar = http.cookiejar.CookieJar()
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None
op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
body = op.open(base + "/login").read().decode()
csrf = re.search(r'name="_csrf" value="([^"]+)"', body).group(1)
try:
    op.open(base + "/login", data=urllib.parse.urlencode({"loginName": "supervisor", "password": "Fazhi@Demo2026", "_csrf": csrf}).encode())
except urllib.error.HTTPError as e:
    pass
cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
subprocess.run(["wrk", "-t2", "-c64", "-d3s", "-H", f"Cookie: {cookie}", base + path], capture_output=True)
for r in range(rounds):
    out = subprocess.run(["wrk", "--latency", "-t2", f"-c{conns}", f"-d{secs}s", "-H", f"Cookie: {cookie}", base + path], capture_output=True, text=True).stdout
    lines = [l for l in out.splitlines() if re.search(r"^\s+(50|75|90|99)%|Requests/sec|Latency", l)]
    print(" | ".join(l.strip() for l in lines))
srv.terminate(); srv.wait()
shutil.rmtree(work)
