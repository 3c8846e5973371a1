#!/usr/bin/env python3
"""Search latency of f8k-search beside Xapian's quest and the sqlite3 CLI (FTS5).

Standard library only.  Subcommands:

  build-fts5 DIR DBFILE     load every file under DIR (raw text) into an FTS5
                            table docs(path UNINDEXED, body), tokenize
                            'porter unicode61', then 'optimize'
  run --queries Q --label L --out RAW.tsv [--f8k-search BIN --f8k-db DIR]
      [--omega-db DIR] [--fts5-db FILE] [--repeat N] [--no-warmup]
                            time every query on each system given; append
                            one row per run to RAW.tsv
  report RAW.tsv            print the table (p50, p99, mean per system and
                            corpus, ratios f8k/quest and f8k/sqlite3)

What is timed: the whole process as a user runs it.  One fork+exec per
query, wall clock from time.perf_counter() before subprocess.run() to after
it returns (stdout and stderr read through pipes to the end):
  f8k      f8k-search --db DIR --limit 10 [options] QUERY    (text format)
  quest    quest -d DIR -m 10 -f default,wildcard QUERY
  sqlite3  sqlite3 -readonly -batch DB "SELECT path, snippet(docs,1,'[',']',
           '...',16) FROM docs WHERE docs MATCH '...' ORDER BY rank LIMIT 10;"
           (rank is bm25() by default; ORDER BY rank lets FTS5 sort inside the
           table, so snippet() runs for the 10 rows shown, not for every match,
           which ORDER BY bm25(docs) would do: the idiom the FTS5 manual gives)
Before timing, every query is run once on every system untimed (page cache
warm, as for a user who searches more than once).  Then the queries run in
file order; for each query the systems run one after another in an order
that rotates from query to query, so drift in machine load falls on all.
p50/p99 are nearest-rank percentiles over all timed runs.  "cpu" columns:
user+sys CPU time of the child (getrusage), which machine load barely
changes: on a busy machine read them beside the wall-clock figures.
"""

import argparse
import math
import os
import resource
import shlex
import sqlite3
import subprocess
import sys
import time


def read_tsv(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                rows.append(dict(zip(header, line.split("\t"))))
    return rows


# ---------------------------------------------------------------- FTS5 build

def build_fts5(root, dbfile):
    tmp = dbfile + ".tmp"
    if os.path.exists(tmp):
        os.remove(tmp)
    con = sqlite3.connect(tmp)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("CREATE VIRTUAL TABLE docs USING fts5("
                "path UNINDEXED, body, tokenize='porter unicode61')")
    n = 0
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            files.append(os.path.join(dirpath, name))
    for path in files:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", errors="replace")
        con.execute("INSERT INTO docs(path, body) VALUES (?, ?)",
                    (os.path.relpath(path, root), text))
        n += 1
        if n % 2000 == 0:
            con.commit()
    con.commit()
    con.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    con.commit()
    con.close()
    os.replace(tmp, dbfile)
    return n


# ---------------------------------------------------------------- commands

def fts5_sql(match):
    m = match.replace("'", "''")
    return ("SELECT path, snippet(docs, 1, '[', ']', '...', 16) FROM docs "
            "WHERE docs MATCH '%s' ORDER BY rank LIMIT 10;" % m)


def argv_for(system, a, q):
    if system == "f8k":
        return [a.f8k_search, "--db", a.f8k_db, "--limit", "10"] + shlex.split(q["f8k"])
    if system == "quest":
        return ["quest", "-d", a.omega_db, "-m", "10", "-f", "default,wildcard", q["quest"]]
    if system == "sqlite3":
        return ["sqlite3", "-readonly", "-batch", a.fts5_db, fts5_sql(q["fts5"])]
    raise ValueError(system)


def hits(system, out):
    """Result lines printed (a sanity figure, not a relevance measure)."""
    if system == "quest":
        return sum(1 for l in out.splitlines() if l.startswith("url="))
    if system == "sqlite3":
        return sum(1 for l in out.splitlines() if l.strip())
    return -1  # f8k text format: counted by the caller's eye, not parsed


def timed(argv):
    env = dict(os.environ, LC_ALL="C.UTF-8")
    env.pop("F8K_DB", None)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env)
    t1 = time.perf_counter()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000.0
    return (t1 - t0) * 1000.0, cpu, p


def run(a):
    queries = read_tsv(a.queries)
    systems = []
    if a.f8k_search and a.f8k_db:
        systems.append("f8k")
    if a.omega_db:
        systems.append("quest")
    if a.fts5_db:
        systems.append("sqlite3")
    if not systems:
        sys.exit("latency.py run: no system given")
    errors = {s: 0 for s in systems}
    if not a.no_warmup:
        for q in queries:
            for s in systems:
                timed(argv_for(s, a, q))  # warm-up, untimed
    new = not os.path.exists(a.out)
    with open(a.out, "a", encoding="utf-8") as out:
        if new:
            out.write("system\tcorpus\tqid\tkind\tms\tcpu_ms\texit\thits\tbytes\n")
        i = 0
        for rep in range(a.repeat):
            for qi, q in enumerate(queries):
                order = systems[i % len(systems):] + systems[:i % len(systems)]
                i += 1
                for s in order:
                    ms, cpu, p = timed(argv_for(s, a, q))
                    if p.returncode != 0:
                        errors[s] += 1
                        if errors[s] <= 3:
                            sys.stderr.write("latency.py: %s %s: exit %d: %s\n" % (
                                s, a.label, p.returncode,
                                p.stderr.decode("utf-8", "replace").strip()[:200]))
                    o = p.stdout.decode("utf-8", "replace")
                    out.write("%s\t%s\tq%03d\t%s\t%.3f\t%.3f\t%d\t%d\t%d\n" % (
                        s, a.label, qi + 1, q["kind"], ms, cpu, p.returncode,
                        hits(s, o), len(p.stdout)))
    for s in systems:
        if errors[s]:
            sys.stderr.write("latency.py: %s %s: %d of %d runs failed\n" % (
                s, a.label, errors[s], len(queries) * a.repeat))


# ---------------------------------------------------------------- report

def pct(sorted_ms, p):
    k = max(1, math.ceil(p / 100.0 * len(sorted_ms)))
    return sorted_ms[k - 1]


def report(a):
    rows = read_tsv(a.raw)
    data = {}
    cpu = {}
    fails = {}
    zero = {}
    kinds = {}
    for r in rows:
        key = (r["system"], r["corpus"])
        data.setdefault(key, []).append(float(r["ms"]))
        cpu.setdefault(key, []).append(float(r.get("cpu_ms") or "nan"))
        kinds.setdefault(key, {}).setdefault(r["kind"], []).append(float(r["ms"]))
        if r["exit"] != "0":
            fails[key] = fails.get(key, 0) + 1
        if r["hits"] == "0":
            zero[key] = zero.get(key, 0) + 1
    corpora = sorted({c for _, c in data}, key=lambda c: (len(c), c))
    systems = [s for s in ("f8k", "quest", "sqlite3") if any(k[0] == s for k in data)]
    stat = {}
    for key, ms in data.items():
        ms.sort()
        c = sorted(cpu[key])
        stat[key] = (pct(ms, 50), pct(ms, 99), sum(ms) / len(ms), len(ms),
                     pct(c, 50), pct(c, 99))

    def ratio(c, i, peer):
        f, p = stat.get(("f8k", c)), stat.get((peer, c))
        if not f or not p or p[i] == 0:
            return "n/a"
        return "%.2f" % (f[i] / p[i])

    hdr = "%-8s %-6s %5s %9s %9s %9s %9s %9s %6s   %s" % (
        "system", "corpus", "runs", "p50 ms", "p99 ms", "mean ms", "cpu p50", "cpu p99",
        "fails", "notes")
    print(hdr)
    print("-" * len(hdr))
    for c in corpora:
        for s in systems:
            st = stat.get((s, c))
            if not st:
                print("%-8s %-6s %5s %9s %9s %9s %9s %9s %6s" % (
                    s, c, "-", "n/a", "n/a", "n/a", "n/a", "n/a", "-"))
                continue
            note = ""
            if s != "f8k" and (s, c) in zero:
                note = "%d runs with 0 hits" % zero[(s, c)]
            print("%-8s %-6s %5d %9.2f %9.2f %9.2f %9.2f %9.2f %6d   %s" % (
                s, c, st[3], st[0], st[1], st[2], st[4], st[5], fails.get((s, c), 0), note))
    print()
    print("%-6s %-14s %9s %9s %9s %9s" % ("corpus", "ratio", "p50", "p99", "mean", "cpu p50"))
    for c in corpora:
        for peer in ("quest", "sqlite3"):
            print("%-6s %-14s %9s %9s %9s %9s" % (
                c, "f8k/" + peer, ratio(c, 0, peer), ratio(c, 1, peer), ratio(c, 2, peer),
                ratio(c, 4, peer)))
    # Per kind p50 (ms), for the reader who wants to know what is slow.
    allkinds = sorted({k for v in kinds.values() for k in v})
    print()
    print("p50 ms by query kind")
    print("%-8s %-6s " % ("system", "corpus") + " ".join("%9s" % k for k in allkinds))
    for c in corpora:
        for s in systems:
            kv = kinds.get((s, c))
            if not kv:
                continue
            print("%-8s %-6s " % (s, c) + " ".join(
                "%9.2f" % pct(sorted(kv[k]), 50) if k in kv else "%9s" % "-"
                for k in allkinds))
    # Goals (10x corpus; issue 6).
    big = corpora[-1] if corpora else None
    f = stat.get(("f8k", big)) if big else None
    if f:
        q = stat.get(("quest", big))
        print()
        print("goals on %s: p50 <= 5 ms: %s (%.2f); p99 <= 50 ms: %s (%.2f); "
              "p50 no slower than quest: %s" % (
                  big, "yes" if f[0] <= 5 else "NO", f[0], "yes" if f[1] <= 50 else "NO",
                  f[1], ("yes" if q and f[0] <= q[0] else "NO") if q else "n/a"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build-fts5")
    b.add_argument("dir")
    b.add_argument("dbfile")
    r = sub.add_parser("run")
    r.add_argument("--queries", required=True)
    r.add_argument("--label", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--f8k-search")
    r.add_argument("--f8k-db")
    r.add_argument("--omega-db")
    r.add_argument("--fts5-db")
    r.add_argument("--repeat", type=int, default=1)
    r.add_argument("--no-warmup", action="store_true")
    p = sub.add_parser("report")
    p.add_argument("raw")
    a = ap.parse_args()
    if a.cmd == "build-fts5":
        t0 = time.perf_counter()
        n = build_fts5(a.dir, a.dbfile)
        print("sqlite3/fts5: %d files into %s in %.1f s" % (n, a.dbfile, time.perf_counter() - t0))
    elif a.cmd == "run":
        run(a)
    else:
        report(a)


if __name__ == "__main__":
    main()
