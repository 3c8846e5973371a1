#!/usr/bin/env python3
"""Generate bench/search/queries.tsv: 200 mixed search-latency queries.

Deterministic (fixed seed, sorted inputs): the same MANIFEST.tsv always gives
the same file.  Usage:  gen_queries.py MANIFEST.tsv OUT.tsv

Columns: kind, f8k, quest, fts5
  f8k    the f8k-search arguments after `--db DIR --limit 10`, shell-quoted
         (options such as --facets, --from/--to, --sort come first, then the
         query as one argument).
  quest  a Xapian QueryParser query for `quest -d DIR -m 10 -f default,wildcard`.
  fts5   an FTS5 MATCH expression (SQL quoting is added by the runner).

How each kind maps to the peers (they have no fields, dates or facets):
  word      one word                        -> the same word
  phrase    "a phrase"                      -> the same phrase
  boolean   AND / OR / NOT / NEAR/n / word*   -> the same operators
  fielded   company: officer: role: item: form: cik: + words
            -> field values become plain words/phrases (role:cfo ->
               "chief financial officer", item:5.02 -> "item 5.02",
               form:8-K/A -> "8-K/A", cik:N -> the 10-digit CIK as a word)
  date      filed:FROM..TO or --from/--to (some with --sort -date)
            -> the date filter is DROPPED; the words stay
  facets    --facets item,company,year,form + words
            -> facet counting is DROPPED; the words stay
"""

import random
import re
import shlex
import sys

SEED = 8008  # any fixed value; changing it changes queries.tsv

WORDS = [
    "merger", "acquisition", "bankruptcy", "resignation", "resigned", "dividend",
    "restatement", "auditor", "impairment", "layoffs", "restructuring", "lawsuit",
    "settlement", "earnings", "guidance", "buyback", "repurchase", "appointed",
    "terminated", "dismissed", "indenture", "debentures", "underwriting", "spinoff",
    "divestiture", "receivership", "delisting", "nasdaq", "warrants", "recapitalization",
    "subpoena", "investigation", "covenant", "waiver", "tender", "refinancing",
    "securitization", "franchise", "patent", "litigation", "reorganization", "chapter",
    "amendment", "bylaws", "severance", "compensation", "retirement", "successor",
    "revenue", "forecast", "sec", "press", "exhibit", "audit", "consent", "trustee",
]

PHRASES = [
    "chief financial officer", "chief executive officer", "chief operating officer",
    "board of directors", "definitive agreement", "press release",
    "results of operations", "financial condition", "other events",
    "certifying accountant", "change in control", "changes in control of registrant",
    "acquisition or disposition of assets", "financial statements and exhibits",
    "regulation fd disclosure", "material definitive agreement",
    "departure of directors", "election of directors", "fiscal year",
    "letter of intent", "credit agreement", "merger agreement", "stock purchase agreement",
    "annual meeting", "quarterly dividend", "pro forma financial information",
    "forward-looking statements", "net income", "independent accountants",
    "consent of independent auditors", "shareholder rights plan", "going concern",
    "interim president", "general counsel", "vice president",
    "plan of reorganization", "securities exchange act", "asset purchase agreement",
    "employment agreement", "private placement",
]

# Companion words used next to fields, dates and facets.
TOPICS = [
    "merger", "dividend", "resignation", "earnings", "auditor", "acquisition",
    "agreement", "appointment", "results", "restructuring", "bankruptcy", "settlement",
    "notes", "offering", "director", "president", "lease", "loan", "stock", "sale",
]

# role: codes (query/compile.c, indexer/extract_table.c) and their peer phrase.
ROLES = [
    ("cfo", '"chief financial officer"'), ("ceo", '"chief executive officer"'),
    ("coo", '"chief operating officer"'), ("president", "president"),
    ("chairman", "chairman"), ("director", "director"),
    ("general_counsel", '"general counsel"'), ("treasurer", "treasurer"),
    ("controller", "controller"), ("secretary", "secretary"),
]

# item: numbers, both styles (item:5 = old Item 5 as filed).
ITEMS = ["1", "2", "3", "4", "5", "6", "7", "8",
         "1.01", "1.02", "1.03", "2.01", "2.02", "2.03", "2.05", "2.06", "3.01", "3.02",
         "4.01", "4.02", "5.01", "5.02", "5.03", "5.07", "7.01", "8.01", "9.01"]

SURNAMES = ["smith", "johnson", "williams", "brown", "jones", "miller", "davis",
            "wilson", "anderson", "taylor", "thomas", "moore", "martin", "clark"]

FORMS = ["8-K", "8-K/A"]

COMPANY_STOP = {
    "inc", "corp", "co", "corporation", "company", "ltd", "the", "of", "and", "de",
    "trust", "group", "holdings", "financial", "first", "american", "national",
    "international", "industries", "technologies", "systems", "bancorp", "bank",
    "ticker", "new", "communications", "services", "capital", "energy", "resources",
    "united", "general", "fund", "partners", "limited", "lp", "plc", "north", "south",
    "western", "eastern", "pacific", "america", "credit", "account", "savings",
}


def read_manifest(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            cols = line.rstrip("\n").split("\t")
            rows.append(dict(zip(header, cols)))
    return rows


def company_word(name):
    """The most distinctive word of a company name, or None."""
    for w in re.findall(r"[A-Za-z]+", name):
        lw = w.lower()
        if len(lw) >= 4 and lw not in COMPANY_STOP:
            return lw
    return None


def fts5_of(q):
    """Peer query (Xapian syntax subset) -> FTS5 MATCH expression.

    Words and phrases are quoted (punctuation is never syntax), AND is
    implicit, OR and NOT are kept, `a NEAR/n b` becomes NEAR("a" "b", n),
    `word*` becomes "word" *.
    """
    near = re.fullmatch(r'(\S+) NEAR/(\d+) (\S+)', q)
    if near:
        return 'NEAR(%s %s, %s)' % (fts5_term(near.group(1)), fts5_term(near.group(3)),
                                    near.group(2))
    out = []
    for tok in re.findall(r'"[^"]*"|\S+', q):
        if tok in ("AND", "OR", "NOT"):
            out.append(tok if tok != "AND" else "AND")
        else:
            out.append(fts5_term(tok))
    return " ".join(out)


def fts5_term(tok):
    star = tok.endswith("*")
    words = re.findall(r"[A-Za-z0-9]+", tok.rstrip("*"))
    s = '"' + " ".join(words) + '"'
    return s + " *" if star else s


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen_queries.py MANIFEST.tsv OUT.tsv")
    rows = read_manifest(sys.argv[1])
    rnd = random.Random(SEED)

    companies = sorted({company_word(r["company"]) for r in rows
                        if r.get("company") and company_word(r["company"])})
    # Weight by files: users look for the companies they hold filings of.
    weighted = sorted(company_word(r["company"]) for r in rows
                      if r.get("company") and company_word(r["company"]))
    ciks = sorted({r["cik"] for r in rows if r.get("cik")})
    years = list(range(1994, 2025))

    out = []  # (kind, f8k argv list, quest, fts5)

    def add(kind, opts, f8k_q, peer_q):
        out.append((kind, shlex.join(opts + [f8k_q]), peer_q, fts5_of(peer_q)))

    def company():
        # half from the file-weighted list, half uniform over names
        return rnd.choice(weighted) if rnd.random() < 0.5 else rnd.choice(companies)

    # word: 40
    for w in rnd.sample(WORDS, 40):
        add("word", [], w, w)
    # phrase: 35
    for p in rnd.sample(PHRASES, 35):
        add("phrase", [], '"%s"' % p, '"%s"' % p)
    # boolean: 25 (AND, OR, NOT, NEAR, wildcard, two plain words)
    for i in range(25):
        a, b = rnd.sample(TOPICS + WORDS, 2)
        op = i % 6
        if op == 0:
            q = "%s AND %s" % (a, b)
        elif op == 1:
            q = "%s OR %s" % (a, b)
        elif op == 2:
            q = "%s NOT %s" % (a, b)
        elif op == 3:
            q = "%s NEAR/%d %s" % (a, rnd.choice([3, 5, 10]), b)
        elif op == 4:
            q = "%s* %s" % (a[:max(4, len(a) - 3)], b)
        else:
            q = "%s %s" % (a, b)
        peer = q if op != 5 and op != 4 else q.replace(" ", " AND ")
        add("boolean", [], q, peer)
    # fielded: 40
    for i in range(40):
        t = rnd.choice(TOPICS)
        f = i % 8
        if f in (0, 1):
            c = company()
            add("fielded", [], "company:%s %s" % (c, t), "%s AND %s" % (c, t))
        elif f == 2:
            code, phrase = rnd.choice(ROLES)
            add("fielded", [], "role:%s %s" % (code, t), "%s AND %s" % (phrase, t))
        elif f == 3:
            it = rnd.choice(ITEMS)
            add("fielded", [], "item:%s %s" % (it, t), '"item %s" AND %s' % (it, t))
        elif f == 4:
            it = rnd.choice(ITEMS)
            add("fielded", [], "item:%s" % it, '"item %s"' % it)
        elif f == 5:
            s = rnd.choice(SURNAMES)
            add("fielded", [], "officer:%s" % s, s)
        elif f == 6:
            fm = rnd.choice(FORMS)
            add("fielded", [], "form:%s %s" % (fm, t), '"%s" AND %s' % (fm, t))
        else:
            cik = rnd.choice(ciks)
            add("fielded", [], "cik:%s" % cik.lstrip("0"), cik)
    # date: 30
    for i in range(30):
        y0 = rnd.choice(years)
        y1 = min(2024, y0 + rnd.choice([0, 0, 1, 2, 4]))
        if rnd.random() < 0.5:
            t = rnd.choice(TOPICS)
            peer = t
        else:
            t = '"%s"' % rnd.choice(PHRASES)
            peer = t
        m = i % 5
        if m == 0:
            add("date", [], "%s filed:%d-01-01..%d-12-31" % (t, y0, y1), peer)
        elif m == 1:
            add("date", [], "%s filed:%d-01-01.." % (t, y0), peer)
        elif m == 2:
            add("date", ["--from", "%d-01-01" % y0, "--to", "%d-12-31" % y1], t, peer)
        elif m == 3:
            add("date", ["--sort", "-date"], "%s filed:..%d-12-31" % (t, y1), peer)
        else:
            add("date", ["--from", "%d-07-01" % y0, "--sort", "date"], t, peer)
    # facets: 30
    for i in range(30):
        m = i % 3
        if m == 0:
            t = rnd.choice(WORDS)
        elif m == 1:
            t = '"%s"' % rnd.choice(PHRASES)
        else:
            c = company()
            add("facets", ["--facets", "item,company,year,form"],
                "company:%s" % c, c)
            continue
        add("facets", ["--facets", "item,company,year,form"], t, t)

    assert len(out) == 200, len(out)
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write("kind\tf8k\tquest\tfts5\n")
        for row in out:
            assert all("\t" not in c and "\n" not in c for c in row)
            f.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main()
