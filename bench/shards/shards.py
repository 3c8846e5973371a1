#!/usr/bin/env python3
"""Sharded f8k: build times, latency and throughput for 1, 2 and 4 shards,
searched through a local stub (`auto` lines) and through xapian-tcpsrv on
loopback (`remote tcp` lines).  Standard library only; run.sh calls it.

Usage: shards.py --corpus DIR --work DIR --build DIR --queries TSV
                 [--shards "1 2 4"] [--builds "split shard-by"]
                 [--clients 8] [--max-queries N] [--rebuild] [--label L]

Two ways to build N shards (--builds; both by default):
  split     the corpus's files in byte order, file i to shard i mod N; the
            N shards are built at once, one `f8k-index add --jobs 1` per
            shard (xargs feeds the paths), and the wall time of the slowest
            is the build time; a stub of `auto` lines lists them.
  shard-by  one `f8k-index --db DIR add --shard-by hash:N` (default --jobs:
            every core; xargs feeds the paths, so a big corpus takes
            several adds, the later ones routed by the recorded scheme):
            f8k-index routes each filing to DIR/hNN and writes the shards
            on one thread each; its wall time is the build time, and
            f8k-search opens DIR itself (its XAPIANDB stub); the time
            includes the compaction of the new shards at the end.
A layout built before is reused (--rebuild: not).

What is timed: one f8k-search process per query, as a user runs it
(`f8k-search --db STUB --limit 10 QUERY`, text output read to the end),
wall clock around subprocess.run(); the queries are bench/search's (the
f8k column).  Latency: every query once untimed (warm caches, servers
forked), then every query once, one at a time: p50, p99, mean.
Throughput: CLIENTS threads each run the whole query list (rotated by
the client's number) at the same time; queries a second = all queries
run / wall time from the first start to the last end.  The load average
before and after each row is printed: the machine may be shared.
"""

import argparse
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time


def say(*a):
    print("shards.py:", *a, file=sys.stderr, flush=True)


def corpus_files(corpus):
    out = []
    for root, dirs, files in os.walk(corpus):
        dirs.sort()
        for f in files:
            if f.startswith(".") or f.endswith(".tsv") or f == "README.md":
                continue
            out.append(os.path.join(root, f))
    out.sort(key=lambda p: p.encode())
    return out


def du(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_size
            except OSError:
                pass
    return total


def build_layout(a, files, n):
    """The N shards under WORK/Nshards/, built in parallel; (dirs, seconds)."""
    base = os.path.join(a.work, "%dshards" % n)
    dirs = [os.path.join(base, "s%d" % k) for k in range(n)]
    done = base + ".done"
    if os.path.exists(done) and not a.rebuild:
        with open(done) as f:
            return dirs, float(f.read().split()[0])
    subprocess.run(["rm", "-rf", base, done], check=True)
    os.makedirs(base)
    index = os.path.join(a.build, "indexer", "f8k-index")
    procs = []
    t0 = time.perf_counter()
    for k in range(n):
        listing = os.path.join(base, "s%d.files" % k)
        with open(listing, "wb") as f:
            for i in range(k, len(files), n):
                f.write(files[i].encode() + b"\0")
        log = open(os.path.join(base, "s%d.log" % k), "wb")
        procs.append((subprocess.Popen(
            ["xargs", "-0", "-n", "2000", "-a", listing, index, "--db", dirs[k],
             "add", "--quiet", "--jobs", "1"], stdout=log, stderr=log), log, t0))
    ends = []
    for p, log, _ in procs:
        if p.wait() != 0:
            sys.exit("shards.py: f8k-index failed, see %s" % log.name)
        ends.append(time.perf_counter() - t0)
        log.close()
    took = max(ends)
    with open(done, "w") as f:
        f.write("%.1f\n" % took)
    return dirs, took


def build_shard_by(a, files, n):
    """One `f8k-index add --shard-by hash:N` into WORK/Nshardby; (shard dirs, db, seconds)."""
    base = os.path.join(a.work, "%dshardby" % n)
    db = os.path.join(base, "db")
    dirs = [os.path.join(db, "h%02d" % k) for k in range(n)]
    done = base + ".done"
    if os.path.exists(done) and not a.rebuild:
        with open(done) as f:
            return dirs, db, float(f.read().split()[0])
    subprocess.run(["rm", "-rf", base, done], check=True)
    os.makedirs(base)
    listing = os.path.join(base, "files")
    with open(listing, "wb") as f:
        for p in files:
            f.write(p.encode() + b"\0")
    index = os.path.join(a.build, "indexer", "f8k-index")
    with open(os.path.join(base, "log"), "wb") as log:
        t0 = time.perf_counter()
        r = subprocess.run(["xargs", "-0", "-n", "2000", "-a", listing, index, "--db", db,
                            "add", "--quiet", "--shard-by", "hash:%d" % n],
                           stdout=log, stderr=log)
        took = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit("shards.py: f8k-index --shard-by failed, see %s" % log.name)
    with open(done, "w") as f:
        f.write("%.1f\n" % took)
    return dirs, db, took


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def serve(dirs, work):
    """One xapian-tcpsrv per shard on loopback; [(proc, port)]."""
    servers = []
    for d in dirs:
        for _ in range(5):
            port = free_port()
            log = open(os.path.join(work, "tcpsrv-%d.log" % port), "wb")
            # Own session: on SIGTERM xapian-tcpsrv signals its whole group.
            p = subprocess.Popen(["xapian-tcpsrv", "--port", str(port), "--interface",
                                  "127.0.0.1", "--quiet", d],
                                 stdout=log, stderr=log, start_new_session=True)
            for _ in range(200):
                try:
                    socket.create_connection(("127.0.0.1", port), 1).close()
                    break
                except OSError:
                    if p.poll() is not None:
                        break
                    time.sleep(0.05)
            if p.poll() is None:
                servers.append((p, port))
                break
        else:
            sys.exit("shards.py: xapian-tcpsrv did not start")
    return servers


def stop(servers):
    for p, _ in servers:
        p.send_signal(signal.SIGTERM)
    for p, _ in servers:
        p.wait()


def load_queries(path):
    out = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        col = header.index("f8k")
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) > col and cols[col]:
                out.append(shlex.split(cols[col]))
    return out


def run_query(search, stub, q):
    t0 = time.perf_counter()
    r = subprocess.run([search, "--db", stub, "--limit", "10"] + q,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    took = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit("shards.py: f8k-search %s failed: %s" % (q, r.stderr.decode()[:300]))
    return took


def pct(sorted_values, p):
    k = max(0, min(len(sorted_values) - 1, int(-(-p * len(sorted_values) // 100)) - 1))
    return sorted_values[k]


def measure(a, stub, queries):
    search = os.path.join(a.build, "query", "f8k-search")
    for q in queries:
        run_query(search, stub, q)
    lat = sorted(run_query(search, stub, q) for q in queries)
    done = [0]
    lock = threading.Lock()

    def client(c):
        n = 0
        order = queries[c % len(queries):] + queries[:c % len(queries)]
        for q in order:
            run_query(search, stub, q)
            n += 1
        with lock:
            done[0] += n

    threads = [threading.Thread(target=client, args=(c,)) for c in range(a.clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {
        "p50": pct(lat, 50) * 1000, "p99": pct(lat, 99) * 1000,
        "mean": sum(lat) / len(lat) * 1000, "qps": done[0] / wall,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--shards", default="1 2 4")
    ap.add_argument("--builds", default="split shard-by",
                    help="how to build the shards: split, shard-by or both")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--max-queries", type=int, default=0,
                    help="every k-th query, k chosen to keep at most this many (0: all)")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--label", default="")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    files = corpus_files(a.corpus)
    queries = load_queries(a.queries)
    if a.max_queries and len(queries) > a.max_queries:
        step = -(-len(queries) // a.max_queries)
        queries = queries[::step]
    say("%d files, %d queries, %d clients" % (len(files), len(queries), a.clients))
    builds = a.builds.split()
    if not builds or any(b not in ("split", "shard-by") for b in builds):
        sys.exit("shards.py: --builds takes split and/or shard-by")
    rows = []
    for n in [int(x) for x in a.shards.split()]:
        layouts = []
        if "split" in builds:
            say("building %d shard(s): split" % n)
            dirs, took = build_layout(a, files, n)
            local = os.path.join(a.work, "%dshards" % n, "local.stub")
            with open(local, "w") as f:
                f.writelines("auto %s\n" % d for d in dirs)
            layouts.append(("split", dirs, local, took))
        if "shard-by" in builds:
            say("building %d shard(s): add --shard-by hash:%d" % (n, n))
            dirs, db, took = build_shard_by(a, files, n)
            layouts.append(("shard-by", dirs, db, took))
        for how, dirs, local, took in layouts:
            size = sum(du(d) for d in dirs)
            say("%d shard(s), %s: local" % (n, how))
            l0 = os.getloadavg()[0]
            m = measure(a, local, queries)
            rows.append((n, how, "local", took, size, m, l0, os.getloadavg()[0]))
            servers = serve(dirs, a.work)
            try:
                remote = os.path.join(a.work, "%d%s" % (n, "shards" if how == "split" else
                                                        "shardby"), "remote.stub")
                with open(remote, "w") as f:
                    f.writelines("remote tcp 127.0.0.1 %d 30\n" % port for _, port in servers)
                say("%d shard(s), %s: remote" % (n, how))
                l0 = os.getloadavg()[0]
                m = measure(a, remote, queries)
                rows.append((n, how, "tcpsrv", took, size, m, l0, os.getloadavg()[0]))
            finally:
                stop(servers)
    print("corpus %s%s: %d files, %d queries, %d clients, %d cores" % (
        a.corpus, " (%s)" % a.label if a.label else "", len(files), len(queries), a.clients,
        os.cpu_count()))
    print("| shards | built by | via | build s | index MB | p50 ms | p99 ms | mean ms "
          "| q/s (%d clients) | load before/after |" % a.clients)
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n, how, via, took, size, m, l0, l1 in rows:
        print("| %d | %s | %s | %.0f | %.1f | %.0f | %.0f | %.0f | %.1f | %.1f/%.1f |" % (
            n, how, via, took, size / 1e6, m["p50"], m["p99"], m["mean"], m["qps"], l0, l1))


if __name__ == "__main__":
    main()
