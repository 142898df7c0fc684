#!/usr/bin/env python3
"""A province-scale dataset from the demo county (issue 16): the county's unit tree copied into N
counties (new ids, codes, paths), and each county's enforcement, reconsideration and litigation
records multiplied, with fixed seeds so runs compare. Bulk INSERT … SELECT inside SQLite, no ORM.

    swift run fazhi demo seed                          # or any migrated, seeded SQLite file
    scripts/bench/province.py data/province.sqlite --counties 100 --penalty 80 --reconsideration 3 --actions 40 --lawsuits 2

Copies per county: penalty cases × --penalty (the demo county has ~80 over three years, so 80 gives
~6,400, the size of a busy district), reconsideration cases × --reconsideration, enforcement actions
× --actions, lawsuits × --lawsuits. Prints the row counts and the time taken.
"""
import argparse, random, sqlite3, time, uuid

TABLES = [  # table, unit id column, unit path column, number column, option
    ("penalty_cases", "unit_id", "unit_path", "case_number", "penalty"),
    ("reconsideration_cases", "respondent_id", "respondent_path", "case_number", "reconsideration"),
    ("enforcement_actions", "unit_id", "unit_path", "number", "actions"),
    ("lawsuits", "defendant_id", "defendant_path", "case_number", "lawsuits"),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("database")
    parser.add_argument("--counties", type=int, default=100)
    parser.add_argument("--penalty", type=int, default=80)
    parser.add_argument("--reconsideration", type=int, default=3)
    parser.add_argument("--actions", type=int, default=40)
    parser.add_argument("--lawsuits", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20261126)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    db = sqlite3.connect(args.database)
    started = time.time()
    columns = [row[1] for row in db.execute('PRAGMA table_info("units")')]
    units = [dict(zip(columns, row)) for row in db.execute('SELECT * FROM units')]
    roots = [u for u in units if u["parent_id"] is None]
    if len(roots) != 1:
        raise SystemExit(f"expected one county (a database with the demo county only), found {len(roots)} top-level units")
    unit_rows, id_map, path_map = [], [], []
    for unit in units:
        id_map.append((unit["id"], 0, unit["id"]))
    for path in {u["path"] for u in units}:
        path_map.append((path, 0, path))
    for county in range(1, args.counties):
        mapping = {u["id"]: str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper() for u in units}
        def new_path(path):
            for old, new in mapping.items():
                path = path.replace(old, new)
            return path
        for unit in units:
            row = dict(unit)
            row["id"] = mapping[unit["id"]]
            row["parent_id"] = mapping.get(unit["parent_id"]) if unit["parent_id"] else None
            row["path"] = new_path(unit["path"])
            row["code"] = f'{unit["code"]}-{county:03d}'
            if row.get("uscc"):
                # A unique 统一社会信用代码 per copy (the check character is not recomputed: bench data).
                row["uscc"] = row["uscc"][:8] + f"{county:03d}{units.index(unit):06d}" + row["uscc"][17:]
            if unit["parent_id"] is None:
                row["name"] = f'{unit["name"]}{county:03d}'
            unit_rows.append(row)
            id_map.append((unit["id"], county, row["id"]))
        for path in {u["path"] for u in units}:
            path_map.append((path, county, new_path(path)))
    with db:
        db.executemany(f'INSERT INTO units ({", ".join(columns)}) VALUES ({", ".join("?" for _ in columns)})',
                       [tuple(row[c] for c in columns) for row in unit_rows])
        db.execute("CREATE TEMP TABLE unit_map (old TEXT, county INTEGER, new TEXT)")
        db.execute("CREATE TEMP TABLE path_map (old TEXT, county INTEGER, new TEXT)")
        db.executemany("INSERT INTO unit_map VALUES (?, ?, ?)", id_map)
        db.executemany("INSERT INTO path_map VALUES (?, ?, ?)", path_map)
        db.execute("CREATE INDEX temp.unit_map_old ON unit_map (old, county)")
        db.execute("CREATE INDEX temp.path_map_old ON path_map (old, county)")
        for table, id_column, path_column, number_column, option in TABLES:
            times = getattr(args, option)
            if times <= 0:
                continue
            cols = [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]
            db.execute(f'CREATE TEMP TABLE seed_{table} AS SELECT rowid AS seed_row, * FROM "{table}"')
            selected = []
            for column in cols:
                if column == "id":
                    # Deterministic and unique: county, copy and source row in the id's digits.
                    selected.append("printf('%08X-%04X-4000-8000-%012X', m.county, copies.n, s.seed_row)")
                elif column == number_column:
                    selected.append(f"s.\"{column}\" || '·' || m.county || '·' || copies.n")
                elif column == id_column:
                    selected.append("m.new")
                elif column == path_column:
                    selected.append("p.new")
                else:
                    selected.append(f's."{column}"')
            db.execute(f"""
                INSERT INTO "{table}" ({", ".join(f'"{c}"' for c in cols)})
                WITH RECURSIVE copies(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM copies WHERE n < {times})
                SELECT {", ".join(selected)} FROM seed_{table} s CROSS JOIN copies
                JOIN unit_map m ON m.old = s."{id_column}" JOIN path_map p ON p.old = s."{path_column}" AND p.county = m.county""")
            count = db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            print(f"{table}: {count:,} rows")
    db.execute("ANALYZE")
    db.close()
    print(f"units: {len(units) * args.counties:,} in {args.counties} counties; written in {time.time() - started:.1f} s")


if __name__ == "__main__":
    main()
