#!/usr/bin/env python3
"""fts5.py DB CORPUS - index the raw text of every file under CORPUS
into an SQLite FTS5 table (tokenize = 'porter unicode61'), the way a
user would with the sqlite3 module: one row per file, one transaction."""
import os
import sqlite3
import sys


def main():
    db, corpus = sys.argv[1], sys.argv[2]
    con = sqlite3.connect(db)
    con.execute("CREATE VIRTUAL TABLE filings USING fts5(path UNINDEXED, body, "
                "tokenize = 'porter unicode61')")
    with con:
        for root, dirs, files in os.walk(corpus):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(root, name)
                with open(path, "rb") as f:
                    text = f.read().decode("utf-8", errors="replace")
                con.execute("INSERT INTO filings(path, body) VALUES (?, ?)", (path, text))
    con.close()


if __name__ == "__main__":
    main()
