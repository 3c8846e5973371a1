#!/usr/bin/env python3
"""expand.py SRC DST FACTOR - a deterministic FACTOR-times corpus.

Copy k (0..FACTOR-1) of every file under SRC goes to DST/k/<same path>.
Copy 0 is the original bytes.  In copy k > 0 every accession number
(NNNNNNNNNN-YY-NNNNNN) is mapped to a distinct one (its first two digits
become "9" and k, so copies never collide with each other or with real
filings), and k newlines are appended, so that files whose filing id is
a content hash also get distinct ids.  The text distribution is that of
the original corpus.  Only filing files are copied (.txt .htm .html .nc).
"""
import os
import re
import sys

ACC = re.compile(rb"\b(\d{10})-(\d{2})-(\d{6})\b")
EXTS = (".txt", ".htm", ".html", ".nc")


def main():
    src, dst, factor = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for root, dirs, files in os.walk(src):
        dirs.sort()
        for name in sorted(files):
            if not name.lower().endswith(EXTS):
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, src)
            with open(path, "rb") as f:
                data = f.read()
            for k in range(factor):
                out = os.path.join(dst, str(k), rel)
                os.makedirs(os.path.dirname(out), exist_ok=True)
                if k == 0:
                    body = data
                else:
                    tag = b"9" + str(k % 10).encode()
                    body = ACC.sub(lambda m: tag + m.group(1)[2:] + b"-" + m.group(2) + b"-" + m.group(3), data)
                    body += b"\n" * k
                with open(out, "wb") as f:
                    f.write(body)


if __name__ == "__main__":
    main()
