#!/usr/bin/env python3
"""Multiplies a SQLite database's penalty and reconsideration cases, the way issue 16 measured the
old metrics: each existing case copied N times with a new id and a suffixed case number (events,
clocks and other tables are left alone). Then `fazhi metrics` on the file shows what the figures
cost at that size, and the same aggregates in the sqlite3 shell give the floor.

    scripts/bench/multiply_cases.py data/demo-copy.sqlite --times 2000
"""
import argparse, sqlite3, time

UUID = ("printf('%s-%s-4%s-%s%s-%s', hex(randomblob(4)), hex(randomblob(2)), substr(hex(randomblob(2)), 2), "
        "substr('89AB', 1 + abs(random()) % 4, 1), substr(hex(randomblob(2)), 2), hex(randomblob(6)))")


def multiply(connection, table, times):
    columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
    selected = []
    for column in columns:
        if column == "id":
            selected.append(UUID)
        elif column == "case_number":
            selected.append("case_number || '·' || n")
        else:
            selected.append(f'"{column}"')
    names = ", ".join(f'"{c}"' for c in columns)
    connection.execute(f'CREATE TEMP TABLE seed_{table} AS SELECT * FROM "{table}"')
    connection.execute(f"""
        INSERT INTO "{table}" ({names})
        WITH RECURSIVE copies(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM copies WHERE n < {times})
        SELECT {", ".join(selected)} FROM seed_{table} CROSS JOIN copies""")
    return connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("database")
    parser.add_argument("--times", type=int, default=2000)
    args = parser.parse_args()
    connection = sqlite3.connect(args.database)
    started = time.time()
    with connection:
        for table in ["penalty_cases", "reconsideration_cases"]:
            print(f"{table}: {multiply(connection, table, args.times):,} rows")
    connection.execute("ANALYZE")
    connection.close()
    print(f"written in {time.time() - started:.1f} s")


if __name__ == "__main__":
    main()
