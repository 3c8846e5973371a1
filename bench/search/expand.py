#!/usr/bin/env python3
"""Deterministic N-fold corpus expander (fallback for bench/search/run.sh,
used only when bench/index/expand.{py,sh} does not exist).

Usage:  expand.py CORPUS OUT N

OUT/0/ holds the corpus as it is (hard links where possible), OUT/1..OUT/N-1/
hold copies (the layout of bench/index/expand.py) whose filings are distinct to every indexer:
  - each accession number AAAAAAAAAA-YY-NNNNNN from MANIFEST.tsv (and its
    18-digit undashed form, used in EDGAR URLs) is rewritten in the file's
    bytes and in its path to 9kAAAAAAAA-YY-NNNNNN (k = copy number; every
    real accession in the corpus starts with 00, so none can collide);
  - files without an accession (Lee text records, 8 HTML files) get k
    trailing newlines, so their content hash differs and their text does not.
The text distribution is therefore that of the corpus, ten times over.
"""

import os
import shutil
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: expand.py CORPUS OUT N")
    corpus, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if not 1 <= n <= 10:
        sys.exit("expand.py: N must be 1..10")
    rows = []
    with open(os.path.join(corpus, "MANIFEST.tsv"), encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))
    rows.sort(key=lambda r: r["path"])
    tmp = out + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    nfiles = 0
    for k in range(n):
        for r in rows:
            rel, acc = r["path"], r.get("accession", "")
            src = os.path.join(corpus, rel)
            if k == 0:
                dst = os.path.join(tmp, "0", rel)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                try:
                    os.link(src, dst)
                except OSError:
                    shutil.copyfile(src, dst)
                nfiles += 1
                continue
            with open(src, "rb") as f:
                data = f.read()
            if acc:
                new = "9%d%s" % (k, acc[2:])
                assert acc.startswith("00") and len(acc) == 20, acc
                data = data.replace(acc.encode(), new.encode())
                data = data.replace(acc.replace("-", "").encode(),
                                    new.replace("-", "").encode())
                rel = rel.replace(acc, new).replace(acc.replace("-", ""),
                                                    new.replace("-", ""))
            else:
                data += b"\n" * k
            dst = os.path.join(tmp, str(k), rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            with open(dst, "wb") as f:
                f.write(data)
            nfiles += 1
    shutil.rmtree(out, ignore_errors=True)
    os.replace(tmp, out)
    print("expand.py: %d files in %s (%dx)" % (nfiles, out, n))


if __name__ == "__main__":
    main()
