#!/usr/bin/env python3
"""Relevance benchmark for f8k against omindex/quest and SQLite FTS5.

Standard library only. Subcommands:

  build-fts5 CORPUS DBFILE          load every corpus file (raw text) into FTS5
  run  --corpus C --queries Q --qrels R [--f8k-search BIN --f8k-db DIR]
       [--omega-db DIR] [--fts5-db FILE] [--depth 10] [--runs-dir DIR]
                                    run every query on each system, score, print

Scoring: nDCG@10 (gain 2^grade - 1, log2 discount, ideal from all judged
grades of the query), P@10 (grade >= 2 relevant), MRR (reciprocal rank of the
first grade >= 2 result, 0 when none in the top 10). Unjudged results count as
grade 0. A system that fails on a query scores 0 for it.
"""

import argparse
import json
import math
import os
import re
import sqlite3
import subprocess
import sys
import urllib.parse

DEPTH = 10


# ---------------------------------------------------------------- input files

def read_tsv(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            rows.append(dict(zip(header, cols)))
    return rows


def load_queries(path):
    qs = read_tsv(path)
    for q in qs:
        for k in ("qid", "query", "peer_query", "description"):
            if k not in q:
                sys.exit("queries.tsv: row %r lacks column %s" % (q, k))
    return qs


def load_qrels(path):
    qrels = {}
    for r in read_tsv(path):
        qrels.setdefault(r["qid"], {})[r["path"]] = int(r["grade"])
    return qrels


def corpus_files(corpus):
    """Relative paths of the filings, from MANIFEST.tsv when present."""
    manifest = os.path.join(corpus, "MANIFEST.tsv")
    if os.path.exists(manifest):
        return [r["path"] for r in read_tsv(manifest)]
    out = []
    for root, _dirs, files in os.walk(corpus):
        for name in files:
            if name.endswith((".txt", ".htm", ".html", ".nc")):
                out.append(os.path.relpath(os.path.join(root, name), corpus))
    return sorted(out)


# ---------------------------------------------------------------- SQLite FTS5

def build_fts5(corpus, dbfile):
    tmp = dbfile + ".tmp"
    if os.path.exists(tmp):
        os.remove(tmp)
    con = sqlite3.connect(tmp)
    con.execute("CREATE VIRTUAL TABLE docs USING fts5("
                "path UNINDEXED, body, tokenize='porter unicode61')")
    n = 0
    for rel in corpus_files(corpus):
        with open(os.path.join(corpus, rel), "rb") as f:
            text = f.read().decode("utf-8", errors="replace")
        con.execute("INSERT INTO docs(path, body) VALUES (?, ?)", (rel, text))
        n += 1
    con.commit()
    con.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    con.commit()
    con.close()
    os.replace(tmp, dbfile)
    return n


TOKEN = re.compile(r'"[^"]*"|[^\s"]+')


def fts5_match(peer_query):
    """Plain words (and "phrases") to an FTS5 MATCH string: every word or
    phrase quoted, so punctuation cannot be taken as syntax; implicit AND."""
    parts = []
    for tok in TOKEN.findall(peer_query):
        words = re.findall(r"\w+", tok)
        if words:
            parts.append('"' + " ".join(words) + '"')
    return " ".join(parts)


def search_fts5(dbfile, peer_query, depth):
    con = sqlite3.connect("file:%s?mode=ro" % urllib.parse.quote(dbfile), uri=True)
    try:
        rows = con.execute("SELECT path FROM docs WHERE docs MATCH ? "
                           "ORDER BY bm25(docs) LIMIT ?",
                           (fts5_match(peer_query), depth)).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


# ---------------------------------------------------------------- omindex/quest

def search_quest(omega_db, peer_query, depth):
    out = subprocess.run(["quest", "-d", omega_db, "-m", str(depth), peer_query],
                         capture_output=True, text=True, errors="replace",
                         timeout=120)
    if out.returncode != 0:
        raise RuntimeError("quest: " + out.stderr.strip())
    paths = []
    for line in out.stdout.splitlines():
        if line.startswith("url="):
            url = urllib.parse.unquote(line[4:].strip())
            paths.append(url.lstrip("/"))
    return paths[:depth]


# ---------------------------------------------------------------- f8k

def search_f8k(binary, db, query, depth, corpus):
    out = subprocess.run([binary, "--db", db, "--format", "paths",
                          "--limit", str(depth), query],
                         capture_output=True, text=True, errors="replace",
                         timeout=120)
    if out.returncode not in (0, 1):   # 1 may mean "no results"
        raise RuntimeError("f8k-search exit %d: %s" % (out.returncode, out.stderr.strip()))
    corpus_abs = os.path.realpath(corpus)
    paths = []
    for line in out.stdout.splitlines():
        p = line.strip()
        if not p:
            continue
        if os.path.isabs(p):
            p = os.path.relpath(os.path.realpath(p), corpus_abs)
        elif p.startswith("./"):
            p = p[2:]
        if p not in paths:                 # one hit per filing
            paths.append(p)
    return paths[:depth]


# ---------------------------------------------------------------- metrics

def dcg(grades):
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def score_run(ranked, judged, depth):
    grades = [judged.get(p, 0) for p in ranked[:depth]]
    ideal = dcg(sorted(judged.values(), reverse=True)[:depth])
    ndcg = dcg(grades) / ideal if ideal > 0 else 0.0
    p10 = sum(1 for g in grades if g >= 2) / depth
    mrr = 0.0
    for i, g in enumerate(grades):
        if g >= 2:
            mrr = 1.0 / (i + 1)
            break
    unjudged = sum(1 for p in ranked[:depth] if p not in judged)
    return ndcg, p10, mrr, unjudged


def cmd_run(a):
    queries = load_queries(a.queries)
    qrels = load_qrels(a.qrels)
    systems = []
    if a.f8k_search and a.f8k_db:
        systems.append(("f8k", lambda q: search_f8k(a.f8k_search, a.f8k_db, q["query"],
                                                    a.depth, a.corpus)))
    if a.omega_db:
        systems.append(("omindex", lambda q: search_quest(a.omega_db, q["peer_query"], a.depth)))
    if a.fts5_db:
        systems.append(("fts5", lambda q: search_fts5(a.fts5_db, q["peer_query"], a.depth)))
    if not systems:
        print("no system to run")
        return 0

    scored = [q for q in queries if any(g > 0 for g in qrels.get(q["qid"], {}).values())]
    skipped = [q["qid"] for q in queries if q not in scored]
    if skipped:
        print("queries without a positive judgment, not scored: " + " ".join(skipped))
    npos = sum(1 for q in scored for g in qrels[q["qid"]].values() if g >= 2)
    njud = sum(len(qrels[q["qid"]]) for q in scored)
    print("%d queries, %d judgments (%d with grade >= 2); depth %d; unjudged results count as 0"
          % (len(scored), njud, npos, a.depth))

    table = {}
    per_query = {}
    for name, fn in systems:
        sums = [0.0, 0.0, 0.0]
        unj = 0
        errors = 0
        runs = {}
        for q in scored:
            try:
                ranked = fn(q)
            except Exception as e:             # noqa: BLE001 - a failure scores 0
                print("  %s %s: error: %s" % (name, q["qid"], e), file=sys.stderr)
                ranked = []
                errors += 1
            runs[q["qid"]] = ranked
            n, p, m, u = score_run(ranked, qrels[q["qid"]], a.depth)
            per_query.setdefault(q["qid"], {})[name] = n
            sums[0] += n
            sums[1] += p
            sums[2] += m
            unj += u
        k = len(scored)
        table[name] = (sums[0] / k, sums[1] / k, sums[2] / k, unj / k, errors)
        if a.runs_dir:
            os.makedirs(a.runs_dir, exist_ok=True)
            with open(os.path.join(a.runs_dir, name + ".tsv"), "w", encoding="utf-8") as f:
                for qid, ranked in runs.items():
                    for i, p in enumerate(ranked):
                        f.write("%s\t%d\t%s\t%s\n" % (qid, i + 1, p,
                                                      qrels[qid].get(p, "")))

    if a.per_query:
        names = [n for n, _ in systems]
        print("\nnDCG@%d per query" % a.depth)
        print("%-6s " % "qid" + " ".join("%8s" % n for n in names))
        for q in scored:
            print("%-6s " % q["qid"] + " ".join("%8.3f" % per_query[q["qid"]][n] for n in names))

    print()
    print("%-8s %9s %7s %7s %14s %7s" % ("system", "nDCG@%d" % a.depth, "P@%d" % a.depth,
                                         "MRR", "unjudged/query", "errors"))
    for name, (n, p, m, u, e) in table.items():
        print("%-8s %9.3f %7.3f %7.3f %14.1f %7d" % (name, n, p, m, u, e))
    peers = {k: v for k, v in table.items() if k != "f8k"}
    if "f8k" in table and peers:
        best = max(peers, key=lambda k: peers[k][0])
        if peers[best][0] > 0:
            print("\nf8k / best peer (%s) nDCG@%d: %.2f"
                  % (best, a.depth, table["f8k"][0] / peers[best][0]))
    elif "f8k" not in table:
        print("\nf8k not run (no f8k-search binary or database): ratio not computed")
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build-fts5")
    b.add_argument("corpus")
    b.add_argument("dbfile")
    r = sub.add_parser("run")
    r.add_argument("--corpus", required=True)
    r.add_argument("--queries", required=True)
    r.add_argument("--qrels", required=True)
    r.add_argument("--f8k-search")
    r.add_argument("--f8k-db")
    r.add_argument("--omega-db")
    r.add_argument("--fts5-db")
    r.add_argument("--depth", type=int, default=DEPTH)
    r.add_argument("--runs-dir")
    r.add_argument("--per-query", action="store_true")
    a = ap.parse_args()
    if a.cmd == "build-fts5":
        n = build_fts5(a.corpus, a.dbfile)
        print("fts5: %d files loaded into %s" % (n, a.dbfile))
        return 0
    return cmd_run(a)


if __name__ == "__main__":
    sys.exit(main())
