"""SQLAlchemy + PyMySQL + pandas against twiliosql serve.

    python3 sqlalchemy_pandas.py URL EXPECTED.json

Prints the inspected catalog as JSON; for each query in EXPECTED.json
(name -> {"sql", "columns", "rows"}: the driver's answer) it compares
pandas.read_sql's frame with a frame of the driver's rows and exits 1
on a difference.
"""
import json
import sys

import pandas as pd
import sqlalchemy as sa


def norm(v):
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp) or hasattr(v, "isoformat"):
        return pd.Timestamp(v).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, (int, float)) or hasattr(v, "item"):
        try:
            return round(float(v), 6)
        except (TypeError, ValueError):
            pass
    return str(v)


def frame_rows(df):
    return [[norm(v) for v in row] for row in df.astype(object).itertuples(index=False, name=None)]


def main():
    url, expected_path = sys.argv[1], sys.argv[2]
    engine = sa.create_engine(url)
    insp = sa.inspect(engine)
    tables = insp.get_table_names()
    out = {"tables": tables, "columns": {}, "pk": {}, "frames": {}}
    for t in tables:
        out["columns"][t] = [c["name"] for c in insp.get_columns(t)]
        out["pk"][t] = insp.get_pk_constraint(t)["constrained_columns"]
    failed = False
    with open(expected_path) as f:
        expected = json.load(f)
    for name, e in expected.items():
        got = pd.read_sql(e["sql"], engine)
        want = pd.DataFrame(e["rows"], columns=e["columns"])
        if list(got.columns) != list(want.columns):
            print(f"{name}: columns {list(got.columns)} != {list(want.columns)}", file=sys.stderr)
            failed = True
            continue
        g, w = frame_rows(got), frame_rows(want)
        if g != w:
            print(f"{name}: read_sql\n{got}\n!= driver\n{want}", file=sys.stderr)
            failed = True
        out["frames"][name] = len(g)
    print(json.dumps(out))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
