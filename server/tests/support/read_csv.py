"""Reads a CSV file with Python's csv module (an independent parser) and prints its
rows as JSON: a list of objects keyed by the header. Fails on a ragged row."""
import csv
import json
import sys

with open(sys.argv[1], newline="", encoding="utf-8") as f:
    reader = csv.reader(f, strict=True)
    header = next(reader)
    rows = []
    for number, row in enumerate(reader, start=2):
        if len(row) != len(header):
            sys.exit(f"row {number} has {len(row)} fields, the header {len(header)}")
        rows.append(dict(zip(header, row)))
print(json.dumps({"header": header, "rows": rows}))
