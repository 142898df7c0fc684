#!/usr/bin/env python3
"""Heap allocations per request of one page, for one or more `fazhi` binaries.

The count of `malloc` calls does not move with the machine's load, where CPU time and throughput on
a shared 2-core VM move by a third between runs. Builds the benchmark's counter
(Sources/FazhiMallocCounter) and `count_allocations.c` into a preloaded library (needs `cc`). For
each binary: starts `BIN serve --demo` on a copy of one seeded demo database, logs in as the demo
supervisor, sends --requests warm-up requests on one keep-alive connection, then the same number
again between two readings of the count. Prints the allocations per request; asserts nothing.

    python3 scripts/bench/allocations_per_request.py --path /enforcement/cases \
        base=/tmp/fazhi-old new=.build/release/fazhi
"""
import argparse, http.client, os, shutil, signal, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cpu_per_request as bench  # noqa: E402  (the same server start, stop and login)


def count(server, file):
    if os.path.exists(file):
        os.remove(file)
    server.send_signal(signal.SIGUSR2)
    for _ in range(100):
        if os.path.exists(file) and open(file).read().strip():
            return int(open(file).read())
        time.sleep(0.05)
    sys.exit("the server did not write its allocation count (is the library preloaded?)")


def requests(path, session, n):
    connection = http.client.HTTPConnection("127.0.0.1", bench.PORT, timeout=30)
    for _ in range(n):
        connection.request("GET", path, headers={"Cookie": f"fazhi_session={session}"})
        response = connection.getresponse()
        response.read()
        if response.status >= 400:
            sys.exit(f"{path}: {response.status}")
    connection.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--path", default="/enforcement/cases")
    parser.add_argument("binaries", nargs="+", help="LABEL=PATH of a fazhi binary")
    args = parser.parse_args()
    binaries = [tuple(spec.split("=", 1)) for spec in args.binaries]
    work = tempfile.mkdtemp(prefix="fazhi-alloc-")
    try:
        library = os.path.join(work, "count_allocations.so")
        here = os.path.dirname(os.path.abspath(__file__))
        counter = os.path.join(here, "..", "..", "Sources", "FazhiMallocCounter")
        # The benchmark's malloc counter and this script's signal handler, as one preloaded library.
        subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-I", os.path.join(counter, "include"), "-o", library,
                        os.path.join(counter, "counter.c"), os.path.join(here, "count_allocations.c")], check=True)
        template = os.path.join(work, "template.sqlite")
        bench.stop(bench.start(binaries[0][1], work, template))
        counted = os.path.join(work, "count")
        os.environ["LD_PRELOAD"] = library
        os.environ["FAZHI_ALLOCATION_COUNT_FILE"] = counted
        for label, binary in binaries:
            server = bench.start(binary, work, bench.fresh_copy(template, work))
            try:
                session = bench.login()
                requests(args.path, session, args.requests)
                before = count(server, counted)
                requests(args.path, session, args.requests)
                after = count(server, counted)
            finally:
                bench.stop(server)
            print(f"{label}: {(after - before) / args.requests:.0f} allocations per {args.path} request ({args.requests} requests)", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
