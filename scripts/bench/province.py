#!/usr/bin/env python3
"""A province-scale dataset from the demo county (issue 16): the county's unit tree copied into N
counties (new ids, codes, paths), and each county's enforcement, reconsideration and litigation
records multiplied, with fixed seeds so runs compare. Bulk INSERT … SELECT inside SQLite, no ORM.

    swift run fazhi demo seed                          # or any migrated, seeded SQLite file
    scripts/bench/province.py data/province.sqlite --counties 100 --penalty 80 --reconsideration 3 --actions 40 --lawsuits 2

On PostgreSQL give the URL (and --schema when the installation uses FAZHI_DATABASE_SCHEMA); the same
copies are made by one SQL script run through `psql`:

    scripts/bench/province.py postgres://u:p@127.0.0.1:5432/db --schema county --counties 100 --penalty 80

Copies per county: penalty cases × --penalty (the demo county has ~80 over three years, so 80 gives
~6,400, the size of a busy district), reconsideration cases × --reconsideration, enforcement actions
× --actions, lawsuits × --lawsuits. Prints the row counts and the time taken.
"""
import argparse, random, sqlite3, subprocess, sys, time, uuid


def progress(title, done, total, started):
    """On standard error: a bar redrawn in place on a terminal, a plain line a step otherwise."""
    elapsed = time.time() - started
    left = elapsed / done * (total - done) if done else 0
    timing = f"用时{elapsed:.0f}秒" if done == total else f"已用{elapsed:.0f}秒，预计还需{left:.0f}秒"
    if sys.stderr.isatty():
        bar = "█" * (done * 24 // total) + "░" * (24 - done * 24 // total)
        sys.stderr.write(f"\r\x1b[K{title} [{bar}] {done}/{total} {timing}" + ("\n" if done == total else ""))
    else:
        sys.stderr.write(f"{title} {done}/{total}（{done * 100 // total}%）：{timing}\n")
    sys.stderr.flush()

TABLES = [  # table, unit id column, unit path column, number column, option
    ("penalty_cases", "unit_id", "unit_path", "case_number", "penalty"),
    ("reconsideration_cases", "respondent_id", "respondent_path", "case_number", "reconsideration"),
    ("enforcement_actions", "unit_id", "unit_path", "number", "actions"),
    ("lawsuits", "defendant_id", "defendant_path", "case_number", "lawsuits"),
]

# Rows that belong to a copied record, copied with it: table, parent table, the column naming the
# parent, unit id, unit path and number columns. Each penalty case's publication (公示) goes with
# the case, so the publication figures read as many publications as a real province has.
CHILDREN = [
    ("enforcement_publications", "penalty_cases", "case_id", "unit_id", "unit_path", "case_number"),
]


def copied_columns(columns, id_column, path_column, number_column, new_id):
    """The SELECT list copying a row into county `m.county`, copy `copies.n`: a new id, a suffixed
    number, the county's unit id and path, every other column as it is."""
    special = {"id": new_id, number_column: f"s.\"{number_column}\" || '·' || m.county || '·' || copies.n",
               id_column: "m.new", path_column: "p.new"}
    return [special.get(column, f's."{column}"') for column in columns]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("database")
    parser.add_argument("--counties", type=int, default=100)
    parser.add_argument("--penalty", type=int, default=80)
    parser.add_argument("--reconsideration", type=int, default=3)
    parser.add_argument("--actions", type=int, default=40)
    parser.add_argument("--lawsuits", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--schema", default="public")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    if args.database.startswith("postgres"):
        return postgres(args, rng)
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
    copying = time.time()
    for county in range(1, args.counties):
        if county > 1:
            progress("复制县（区）", county - 1, args.counties - 1, copying)
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
            # Deterministic and unique: county, copy and source row in the id's digits.
            selected = copied_columns(cols, id_column, path_column, number_column,
                                      "printf('%08X-%04X-4000-8000-%012X', m.county, copies.n, s.seed_row)")
            db.execute(f"""
                INSERT INTO "{table}" ({", ".join(f'"{c}"' for c in cols)})
                WITH RECURSIVE copies(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM copies WHERE n < {times})
                SELECT {", ".join(selected)} FROM seed_{table} s CROSS JOIN copies
                JOIN unit_map m ON m.old = s."{id_column}" JOIN path_map p ON p.old = s."{path_column}" AND p.county = m.county""")
            count = db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            print(f"{table}: {count:,} rows")
        for table, parent, parent_column, id_column, path_column, number_column in CHILDREN:
            times = getattr(args, next(option for name, *_, option in TABLES if name == parent))
            if times <= 0:
                continue
            cols = [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]
            db.execute(f'CREATE TEMP TABLE seed_{table} AS SELECT rowid AS seed_row, * FROM "{table}"')
            selected = copied_columns(cols, id_column, path_column, number_column,
                                      "printf('%08X-%04X-4001-8000-%012X', m.county, copies.n, s.seed_row)")
            selected[cols.index(parent_column)] = "printf('%08X-%04X-4000-8000-%012X', m.county, copies.n, c.seed_row)"
            db.execute(f"""
                INSERT INTO "{table}" ({", ".join(f'"{c}"' for c in cols)})
                WITH RECURSIVE copies(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM copies WHERE n < {times})
                SELECT {", ".join(selected)} FROM seed_{table} s JOIN seed_{parent} c ON c.id = s."{parent_column}" CROSS JOIN copies
                JOIN unit_map m ON m.old = s."{id_column}" JOIN path_map p ON p.old = s."{path_column}" AND p.county = m.county""")
            count = db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            print(f"{table}: {count:,} rows")
    db.execute("ANALYZE")
    db.close()
    if args.counties > 1:
        progress("复制县（区）", args.counties - 1, args.counties - 1, copying)
    print(f"units: {len(units) * args.counties:,} in {args.counties} counties; written in {time.time() - started:.1f} s")


def postgres(args, rng):
    """The same copies on PostgreSQL: the maps are computed here, the rows copied by the server."""
    url = args.database.split("?")[0]
    def psql(sql, capture=True):
        result = subprocess.run(["psql", url, "-q", "-v", "ON_ERROR_STOP=1", "-At", "-F", "\t", "-c", f"SET search_path TO {args.schema}; {sql}"],
                                capture_output=capture, text=True, check=True)
        return [line.split("\t") for line in result.stdout.strip().splitlines()] if capture else []
    started = time.time()
    units = psql("SELECT id, parent_id, path FROM units ORDER BY path")
    if sum(1 for _, parent, _ in units if parent == "") != 1:
        raise SystemExit("expected one county (a database with the demo county only)")
    maps, paths = [], []
    for unit_id, _, path in units:
        maps.append(f"('{unit_id}', 0, '{unit_id}')")
    for path in {u[2] for u in units}:
        paths.append(f"('{path}', 0, '{path}')")
    for county in range(1, args.counties):
        mapping = {u[0]: str(uuid.UUID(int=rng.getrandbits(128), version=4)) for u in units}
        for unit_id in mapping:
            maps.append(f"('{unit_id}', {county}, '{mapping[unit_id]}')")
        for path in {u[2] for u in units}:
            new = path
            for old, replacement in mapping.items():
                new = new.replace(old.upper(), replacement.upper()).replace(old.lower(), replacement.lower())
            paths.append(f"('{path}', {county}, '{new}')")
    columns = [row[0] for row in psql(f"SELECT column_name FROM information_schema.columns WHERE table_schema = '{args.schema}' AND table_name = 'units' ORDER BY ordinal_position")]
    def unit_value(column):
        return {"id": "m.new", "parent_id": "pm.new", "path": "p.new", "code": "u.code || '-' || lpad(m.county::text, 3, '0')",
                "name": "CASE WHEN u.parent_id IS NULL THEN u.name || lpad(m.county::text, 3, '0') ELSE u.name END",
                "uscc": "CASE WHEN u.uscc IS NULL THEN NULL ELSE substr(u.uscc, 1, 8) || lpad(m.county::text, 3, '0') || lpad(u.n::text, 6, '0') || substr(u.uscc, 18) END",
                }.get(column, f'u."{column}"')
    script = [
        f"SET search_path TO {args.schema};", "BEGIN;",
        "CREATE TEMP TABLE unit_map (old uuid, county integer, new uuid);", "CREATE TEMP TABLE path_map (old text, county integer, new text);",
        "INSERT INTO unit_map VALUES " + ", ".join(maps) + ";", "INSERT INTO path_map VALUES " + ", ".join(paths) + ";",
        "CREATE INDEX ON unit_map (old, county); CREATE INDEX ON path_map (old, county);",
        f"INSERT INTO units ({', '.join(chr(34) + c + chr(34) for c in columns)}) SELECT {', '.join(unit_value(c) for c in columns)} "
        "FROM (SELECT row_number() OVER (ORDER BY path) AS n, * FROM units) u JOIN unit_map m ON m.old = u.id AND m.county > 0 "
        "LEFT JOIN unit_map pm ON pm.old = u.parent_id AND pm.county = m.county JOIN path_map p ON p.old = u.path AND p.county = m.county;",
    ]
    for table, id_column, path_column, number_column, option in TABLES:
        times = getattr(args, option)
        if times <= 0:
            continue
        cols = [row[0] for row in psql(f"SELECT column_name FROM information_schema.columns WHERE table_schema = '{args.schema}' AND table_name = '{table}' ORDER BY ordinal_position")]
        selected = copied_columns(cols, id_column, path_column, number_column,
                                  "(lpad(to_hex(m.county), 8, '0') || '-' || lpad(to_hex(copies.n), 4, '0') || '-4000-8000-' || lpad(to_hex(s.seed_row), 12, '0'))::uuid")
        script += [
            f'CREATE TEMP TABLE seed_{table} AS SELECT row_number() OVER () AS seed_row, * FROM "{table}";',
            f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) SELECT {", ".join(selected)} FROM seed_{table} s '
            f'CROSS JOIN generate_series(1, {times}) AS copies(n) JOIN unit_map m ON m.old = s."{id_column}" '
            f'JOIN path_map p ON p.old = s."{path_column}" AND p.county = m.county;',
        ]
    for table, parent, parent_column, id_column, path_column, number_column in CHILDREN:
        times = getattr(args, next(option for name, *_, option in TABLES if name == parent))
        if times <= 0:
            continue
        cols = [row[0] for row in psql(f"SELECT column_name FROM information_schema.columns WHERE table_schema = '{args.schema}' AND table_name = '{table}' ORDER BY ordinal_position")]
        selected = copied_columns(cols, id_column, path_column, number_column,
                                  "(lpad(to_hex(m.county), 8, '0') || '-' || lpad(to_hex(copies.n), 4, '0') || '-4001-8000-' || lpad(to_hex(s.seed_row), 12, '0'))::uuid")
        selected[cols.index(parent_column)] = "(lpad(to_hex(m.county), 8, '0') || '-' || lpad(to_hex(copies.n), 4, '0') || '-4000-8000-' || lpad(to_hex(c.seed_row), 12, '0'))::uuid"
        script += [
            f'CREATE TEMP TABLE seed_{table} AS SELECT row_number() OVER () AS seed_row, * FROM "{table}";',
            f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) SELECT {", ".join(selected)} FROM seed_{table} s '
            f'JOIN seed_{parent} c ON c.id = s."{parent_column}" CROSS JOIN generate_series(1, {times}) AS copies(n) JOIN unit_map m ON m.old = s."{id_column}" '
            f'JOIN path_map p ON p.old = s."{path_column}" AND p.county = m.county;',
        ]
    script += ["COMMIT;", "ANALYZE units;"] + [f"ANALYZE \"{table}\";" for table, *_ in TABLES + CHILDREN]
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-q"], input="\n".join(script), text=True, check=True)
    for table, *_ in TABLES + CHILDREN:
        print(f"{table}: {int(psql(f'SELECT COUNT(*) FROM {table}')[0][0]):,} rows")
    print(f"units: {len(units) * args.counties:,} in {args.counties} counties; written in {time.time() - started:.1f} s")


if __name__ == "__main__":
    main()
