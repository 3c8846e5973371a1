/*
 * qparse.c - the f8k-search query language parser.
 *
 * Two passes, both linear: a lexer turns the whole query into a token
 * array (so lexical errors such as an unbalanced quote are reported
 * first, at their own position), then a recursive-descent parser builds
 * the tree.  Recursion happens only for parentheses and NOT, and both
 * count against F8K_QPARSE_MAX_DEPTH, so the stack stays small whatever
 * the input.  Errors follow the sticky-status idiom (STYLE C9): the
 * first failure is recorded in the parser and every later step unwinds.
 *
 * The grammar, loosest first:
 *
 *   query   := or END
 *   or      := and ( "OR" and )*
 *   and     := not ( ["AND"] not )*          implicit AND between terms
 *   not     := "NOT" not | near
 *   near    := prefixed ( "NEAR"["/"n] prefixed )*
 *   prefixed:= "-" primary | "+" primary | primary
 *   primary := WORD | FIELD | PHRASE | "(" or ")"
 */
#include <f8k/f8k_qparse.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Character classes                                                  */
/* ------------------------------------------------------------------ */

/*
 * Length of the white space character at Q[I], or 0.  Unicode spaces
 * count, so a query pasted from a word processor still splits.
 */
static size_t space_len(const unsigned char *q, size_t len, size_t i)
{
    unsigned char c = q[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
        return 1;
    if (c == 0xC2 && i + 1 < len && q[i + 1] == 0xA0)
        return 2; /* U+00A0 no-break space */
    if (c == 0xE3 && i + 2 < len && q[i + 1] == 0x80 && q[i + 2] == 0x80)
        return 3; /* U+3000 ideographic space */
    if (c == 0xE2 && i + 2 < len) {
        unsigned char c1 = q[i + 1];
        unsigned char c2 = q[i + 2];
        if (c1 == 0x80 && c2 >= 0x80 && c2 <= 0x8A)
            return 3; /* U+2000..U+200A */
        if (c1 == 0x80 && c2 == 0xAF)
            return 3; /* U+202F */
        if (c1 == 0x81 && c2 == 0x9F)
            return 3; /* U+205F */
    }
    return 0;
}

/* Length of the quotation mark at Q[I] ("  U+201C U+201D U+201E), or 0. */
static size_t quote_len(const unsigned char *q, size_t len, size_t i)
{
    if (q[i] == '"')
        return 1;
    if (q[i] == 0xE2 && i + 2 < len && q[i + 1] == 0x80 &&
        (q[i + 2] == 0x9C || q[i + 2] == 0x9D || q[i + 2] == 0x9E))
        return 3;
    return 0;
}

/*
 * Length of the well-formed UTF-8 sequence at Q[I], or 0 when the bytes
 * there are not one (overlong forms, surrogates and values above
 * U+10FFFF included).
 */
static size_t utf8_len(const unsigned char *q, size_t len, size_t i)
{
    unsigned char c = q[i];
    size_t n = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (i + n > len)
        return 0;
    if (q[i + 1] < lo || q[i + 1] > hi)
        return 0;
    for (size_t k = 2; k < n; k++) {
        if (q[i + k] < 0x80 || q[i + k] > 0xBF)
            return 0;
    }
    return n;
}

static bool is_control(unsigned char c)
{
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f') || c == 0x7F;
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* ------------------------------------------------------------------ */
/* Names                                                              */
/* ------------------------------------------------------------------ */

static const char *const field_names[F8K_QFIELD_LAST] = {
    [F8K_QFIELD_NONE] = "",
    [F8K_QFIELD_COMPANY] = "company",
    [F8K_QFIELD_CIK] = "cik",
    [F8K_QFIELD_OFFICER] = "officer",
    [F8K_QFIELD_ROLE] = "role",
    [F8K_QFIELD_ITEM] = "item",
    [F8K_QFIELD_FORM] = "form",
    [F8K_QFIELD_EXHIBIT] = "exhibit",
    [F8K_QFIELD_STATE] = "state",
    [F8K_QFIELD_SIC] = "sic",
    [F8K_QFIELD_ACCESSION] = "accession",
    [F8K_QFIELD_FILED] = "filed",
    [F8K_QFIELD_REPORTED] = "reported",
};

const char *f8k_qfield_name(f8k_qfield_t field)
{
    if ((unsigned)field >= (unsigned)F8K_QFIELD_LAST)
        return "";
    return field_names[field];
}

int f8k_qfield_is_text(f8k_qfield_t field)
{
    return field == F8K_QFIELD_COMPANY || field == F8K_QFIELD_OFFICER;
}

static bool field_is_date(f8k_qfield_t field)
{
    return field == F8K_QFIELD_FILED || field == F8K_QFIELD_REPORTED;
}

const char *f8k_qnode_kind_name(f8k_qnode_kind_t kind)
{
    switch (kind) {
    case F8K_QNODE_AND:
        return "and";
    case F8K_QNODE_OR:
        return "or";
    case F8K_QNODE_NOT:
        return "not";
    case F8K_QNODE_AND_NOT:
        return "and_not";
    case F8K_QNODE_NEAR:
        return "near";
    case F8K_QNODE_PHRASE:
        return "phrase";
    case F8K_QNODE_WORD:
        return "word";
    case F8K_QNODE_FIELD:
        return "field";
    case F8K_QNODE_DATE_RANGE:
        return "date";
    }
    return "unknown";
}

/* The field named by the N bytes at NAME (case-insensitive), or NONE. */
static f8k_qfield_t field_lookup(const char *name, size_t n)
{
    for (int f = F8K_QFIELD_NONE + 1; f < F8K_QFIELD_LAST; f++) {
        const char *want = field_names[f];
        size_t k = 0;
        if (strlen(want) != n)
            continue;
        while (k < n) {
            char c = name[k];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (c != want[k])
                break;
            k++;
        }
        if (k == n)
            return (f8k_qfield_t)f;
    }
    return F8K_QFIELD_NONE;
}

/* ------------------------------------------------------------------ */
/* Nodes                                                              */
/* ------------------------------------------------------------------ */

void f8k_qnode_free(f8k_qnode_t *node)
{
    if (node == NULL)
        return;
    for (size_t i = 0; i < node->n_children; i++)
        f8k_qnode_free(node->children[i]);
    free(node->children);
    free(node->text);
    free(node->lo);
    free(node->hi);
    free(node);
}

/* ------------------------------------------------------------------ */
/* Lexer                                                              */
/* ------------------------------------------------------------------ */

typedef enum tok_kind {
    TOK_END,
    TOK_WORD,   /* any run of bytes up to space, quote or parenthesis */
    TOK_PHRASE, /* "..." */
    TOK_LPAREN,
    TOK_RPAREN,
    TOK_AND,
    TOK_OR,
    TOK_NOT,
    TOK_NEAR,
    TOK_MINUS, /* '-' glued to the next term */
    TOK_PLUS,  /* '+' glued to the next term */
} tok_kind_t;

typedef struct token {
    tok_kind_t kind;    /* what it is */
    size_t start;       /* first byte */
    size_t end;         /* one past the last byte */
    size_t inner_start; /* PHRASE: first byte after the opening quote */
    size_t inner_end;   /* PHRASE: the closing quote */
    unsigned window;    /* NEAR: the window */
} token_t;

typedef struct parser {
    const unsigned char *q;    /* the query */
    size_t len;                /* its length */
    token_t *toks;             /* all tokens, ending with TOK_END */
    size_t n_toks;             /* number of tokens, TOK_END included */
    size_t next;               /* index of the lookahead token */
    unsigned depth;            /* current nesting of parentheses and NOT */
    unsigned terms;            /* words made so far */
    bool in_field_group;       /* inside company:( ... ) */
    f8k_status_t status;       /* sticky: the first failure */
    f8k_qparse_error_t *error; /* where the failure is described */
} parser_t;

/* Record the first failure, as BAD_QUERY at POS with a printf message. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
fail(parser_t *p, size_t pos, const char *fmt, ...)
{
    va_list ap;
    if (p->status != F8K_STATUS_SUCCESS)
        return;
    p->status = F8K_STATUS_BAD_QUERY;
    p->error->position = pos;
    va_start(ap, fmt);
    vsnprintf(p->error->message, sizeof p->error->message, fmt, ap);
    va_end(ap);
}

static void fail_nomem(parser_t *p)
{
    if (p->status != F8K_STATUS_SUCCESS)
        return;
    p->status = F8K_STATUS_NOMEM;
    p->error->position = 0;
    snprintf(p->error->message, sizeof p->error->message, "out of memory");
}

/* Check the whole query: size, UTF-8 and control characters. */
static void check_bytes(parser_t *p)
{
    size_t i = 0;
    if (p->len > F8K_QPARSE_MAX_BYTES) {
        fail(p, F8K_QPARSE_MAX_BYTES, "query too long (more than %d bytes)", F8K_QPARSE_MAX_BYTES);
        return;
    }
    while (i < p->len) {
        size_t n = utf8_len(p->q, p->len, i);
        if (n == 0) {
            fail(p, i, "invalid UTF-8 (byte 0x%02X)", (unsigned)p->q[i]);
            return;
        }
        if (n == 1 && is_control(p->q[i])) {
            fail(p, i, "control character U+%04X is not allowed", (unsigned)p->q[i]);
            return;
        }
        i += n;
    }
}

/* True when the N bytes at S equal the NUL-terminated WORD. */
static bool bytes_equal(const unsigned char *s, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(s, word, n) == 0;
}

/*
 * Turn a word token that may be an operator into one.  NEAR/n gets its
 * window; a malformed NEAR/ is an error rather than text, since it can
 * only be a mistyped operator.
 */
static void classify_word(parser_t *p, token_t *t)
{
    const unsigned char *s = p->q + t->start;
    size_t n = t->end - t->start;
    unsigned long window = 0;

    if (bytes_equal(s, n, "AND")) {
        t->kind = TOK_AND;
    } else if (bytes_equal(s, n, "OR")) {
        t->kind = TOK_OR;
    } else if (bytes_equal(s, n, "NOT")) {
        t->kind = TOK_NOT;
    } else if (bytes_equal(s, n, "NEAR")) {
        t->kind = TOK_NEAR;
        t->window = F8K_QPARSE_NEAR_DEFAULT;
    } else if (n >= 5 && memcmp(s, "NEAR/", 5) == 0) {
        size_t k = 5;
        if (k == n) {
            fail(p, t->start, "NEAR/ needs a number, as in NEAR/5");
            return;
        }
        while (k < n) {
            if (!is_digit(s[k])) {
                fail(p, t->start, "NEAR/ needs a number, as in NEAR/5");
                return;
            }
            if (window <= F8K_QPARSE_NEAR_MAX)
                window = window * 10 + (unsigned long)(s[k] - '0');
            k++;
        }
        if (window < 1 || window > F8K_QPARSE_NEAR_MAX) {
            fail(p, t->start, "the NEAR window must be 1 to %d", F8K_QPARSE_NEAR_MAX);
            return;
        }
        t->kind = TOK_NEAR;
        t->window = (unsigned)window;
    }
}

/* Fill p->toks.  At most one token per byte, plus TOK_END. */
static void lex(parser_t *p)
{
    const unsigned char *q = p->q;
    size_t len = p->len;
    size_t i = 0;

    p->toks = malloc((len + 1) * sizeof *p->toks);
    if (p->toks == NULL) {
        fail_nomem(p);
        return;
    }
    while (i < len && p->status == F8K_STATUS_SUCCESS) {
        token_t t = {.kind = TOK_WORD, .start = i};
        size_t n = space_len(q, len, i);
        if (n > 0) {
            i += n;
            continue;
        }
        n = quote_len(q, len, i);
        if (n > 0) {
            size_t k = i + n;
            size_t close = 0;
            while (k < len) {
                close = quote_len(q, len, k);
                if (close > 0)
                    break;
                k++;
            }
            if (k >= len) {
                fail(p, i, "unbalanced quote: missing closing '\"'");
                break;
            }
            t.kind = TOK_PHRASE;
            t.inner_start = i + n;
            t.inner_end = k;
            t.end = k + close;
        } else if (q[i] == '(' || q[i] == ')') {
            t.kind = q[i] == '(' ? TOK_LPAREN : TOK_RPAREN;
            t.end = i + 1;
        } else if ((q[i] == '-' || q[i] == '+') && i + 1 < len && space_len(q, len, i + 1) == 0 &&
                   q[i + 1] != ')' && q[i + 1] != '-' && q[i + 1] != '+') {
            t.kind = q[i] == '-' ? TOK_MINUS : TOK_PLUS;
            t.end = i + 1;
        } else {
            size_t k = i;
            while (k < len && space_len(q, len, k) == 0 && quote_len(q, len, k) == 0 &&
                   q[k] != '(' && q[k] != ')')
                k++;
            t.end = k;
            classify_word(p, &t);
        }
        p->toks[p->n_toks++] = t;
        i = t.end;
    }
    p->toks[p->n_toks].kind = TOK_END;
    p->toks[p->n_toks].start = len;
    p->toks[p->n_toks].end = len;
    p->n_toks++;
}

static const token_t *peek(const parser_t *p)
{
    return &p->toks[p->next];
}

static void advance(parser_t *p)
{
    if (p->toks[p->next].kind != TOK_END)
        p->next++;
}

/* How an operator token reads in a message. */
static const char *tok_text(const token_t *t)
{
    switch (t->kind) {
    case TOK_AND:
        return "AND";
    case TOK_OR:
        return "OR";
    case TOK_NOT:
        return "NOT";
    case TOK_NEAR:
        return "NEAR";
    case TOK_MINUS:
        return "-";
    case TOK_PLUS:
        return "+";
    default:
        return "term";
    }
}

/* ------------------------------------------------------------------ */
/* Tree building                                                      */
/* ------------------------------------------------------------------ */

static f8k_qnode_t *node_new(parser_t *p, f8k_qnode_kind_t kind, size_t start, size_t end)
{
    f8k_qnode_t *node = NULL;
    if (p->status != F8K_STATUS_SUCCESS)
        return NULL;
    node = calloc(1, sizeof *node);
    if (node == NULL) {
        fail_nomem(p);
        return NULL;
    }
    node->kind = kind;
    node->start = start;
    node->end = end;
    return node;
}

/*
 * Append CHILD to NODE.  On failure CHILD is freed (NODE stays the
 * caller's), so callers never leak a half-attached child.
 */
static void node_add(parser_t *p, f8k_qnode_t *node, f8k_qnode_t *child)
{
    size_t n = node->n_children;
    if (child == NULL)
        return;
    /* Grow at powers of two so n children cost O(n) in all. */
    if ((n & (n - 1)) == 0) {
        size_t cap = n == 0 ? 2 : n * 2;
        f8k_qnode_t **grown = realloc(node->children, cap * sizeof *grown);
        if (grown == NULL) {
            f8k_qnode_free(child);
            fail_nomem(p);
            return;
        }
        node->children = grown;
    }
    node->children[n] = child;
    node->n_children = n + 1;
    if (child->start < node->start)
        node->start = child->start;
    if (child->end > node->end)
        node->end = child->end;
}

static char *copy_bytes(parser_t *p, size_t start, size_t end)
{
    char *s = malloc(end - start + 1);
    if (s == NULL) {
        fail_nomem(p);
        return NULL;
    }
    memcpy(s, p->q + start, end - start);
    s[end - start] = '\0';
    return s;
}

/* Count one more word against the limit. */
static bool count_term(parser_t *p, size_t pos)
{
    if (p->terms >= F8K_QPARSE_MAX_TERMS) {
        fail(p, pos, "query too long (more than %d terms)", F8K_QPARSE_MAX_TERMS);
        return false;
    }
    p->terms++;
    return true;
}

/* A WORD from the bytes [START, END); a trailing '*' makes a wildcard. */
static f8k_qnode_t *make_word(parser_t *p, size_t start, size_t end, bool allow_wildcard)
{
    f8k_qnode_t *node = NULL;
    size_t text_end = end;
    unsigned flags = 0;

    if (!count_term(p, start))
        return NULL;
    if (allow_wildcard) {
        while (text_end > start && p->q[text_end - 1] == '*')
            text_end--;
        if (text_end != end)
            flags |= F8K_QNODE_WILDCARD;
        if (text_end == start) {
            fail(p, start, "a wildcard '*' needs a word before it");
            return NULL;
        }
    }
    node = node_new(p, F8K_QNODE_WORD, start, end);
    if (node == NULL)
        return NULL;
    node->flags = flags;
    node->text = copy_bytes(p, start, text_end);
    if (node->text == NULL) {
        f8k_qnode_free(node);
        return NULL;
    }
    return node;
}

/* A PHRASE from a phrase token: its words split at white space. */
static f8k_qnode_t *make_phrase(parser_t *p, const token_t *t)
{
    f8k_qnode_t *node = NULL;
    size_t i = t->inner_start;

    node = node_new(p, F8K_QNODE_PHRASE, t->start, t->end);
    if (node == NULL)
        return NULL;
    node->text = copy_bytes(p, t->inner_start, t->inner_end);
    while (i < t->inner_end && p->status == F8K_STATUS_SUCCESS) {
        size_t n = space_len(p->q, t->inner_end, i);
        size_t word_start = i;
        if (n > 0) {
            i += n;
            continue;
        }
        while (i < t->inner_end && space_len(p->q, t->inner_end, i) == 0)
            i++;
        f8k_qnode_t *word = make_word(p, word_start, i, false);
        node_add(p, node, word);
    }
    if (p->status == F8K_STATUS_SUCCESS && node->n_children == 0)
        fail(p, t->start, "empty phrase");
    if (p->status != F8K_STATUS_SUCCESS) {
        f8k_qnode_free(node);
        return NULL;
    }
    return node;
}

/* ------------------------------------------------------------------ */
/* Dates                                                              */
/* ------------------------------------------------------------------ */

static unsigned days_in_month(unsigned year, unsigned month)
{
    static const unsigned days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month == 2 && leap)
        return 29;
    return days[month - 1];
}

static unsigned digits_value(const unsigned char *s, size_t n)
{
    unsigned v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (unsigned)(s[i] - '0');
    return v;
}

/* Write YEAR (< 10000), MONTH and DAY as "YYYYMMDD" into OUT[9]. */
static void write_yyyymmdd(char out[9], unsigned year, unsigned month, unsigned day)
{
    unsigned v = (year % 10000) * 10000 + (month % 100) * 100 + day % 100;
    for (int i = 7; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
    out[8] = '\0';
}

/*
 * Parse one end of a date range, [START, END): YYYY, YYYY-MM or
 * YYYY-MM-DD.  Writes the first and last day it covers as YYYYMMDD.
 */
static bool parse_date_point(parser_t *p, size_t start, size_t end, char lo[9], char hi[9])
{
    const unsigned char *s = p->q + start;
    size_t n = end - start;
    unsigned year = 0;
    unsigned month = 0;
    unsigned day = 0;
    bool shape = n == 4 || (n == 7 && s[4] == '-') || (n == 10 && s[4] == '-' && s[7] == '-');

    for (size_t i = 0; shape && i < n; i++) {
        if (i != 4 && i != 7 && !is_digit(s[i]))
            shape = false;
    }
    if (!shape) {
        fail(p, start, "expected a date as YYYY, YYYY-MM or YYYY-MM-DD");
        return false;
    }
    year = digits_value(s, 4);
    if (year == 0) {
        fail(p, start, "year 0000 is not a date");
        return false;
    }
    if (n >= 7) {
        month = digits_value(s + 5, 2);
        if (month < 1 || month > 12) {
            fail(p, start + 5, "month must be 01 to 12");
            return false;
        }
    }
    if (n == 10) {
        day = digits_value(s + 8, 2);
        if (day < 1 || day > days_in_month(year, month)) {
            fail(p, start + 8, "day %02u does not exist in %04u-%02u", day, year, month);
            return false;
        }
    }
    write_yyyymmdd(lo, year, month ? month : 1, day ? day : 1);
    write_yyyymmdd(hi, year, month ? month : 12,
                   day ? day : days_in_month(year, month ? month : 12));
    return true;
}

/* A DATE_RANGE for FIELD from the value [START, END). */
static f8k_qnode_t *make_date(parser_t *p, f8k_qfield_t field, size_t name_start, size_t start,
                              size_t end)
{
    f8k_qnode_t *node = NULL;
    char lo[9] = "";
    char hi[9] = "";
    char ignore[9] = "";
    size_t dots = start;
    bool ok = true;

    while (dots + 1 < end && !(p->q[dots] == '.' && p->q[dots + 1] == '.'))
        dots++;
    if (dots + 1 >= end) {
        ok = parse_date_point(p, start, end, lo, hi);
    } else {
        if (dots == start && dots + 2 == end) {
            fail(p, start, "a date range needs at least one end");
            return NULL;
        }
        if (dots > start)
            ok = parse_date_point(p, start, dots, lo, ignore);
        if (ok && dots + 2 < end)
            ok = parse_date_point(p, dots + 2, end, ignore, hi);
        if (ok && lo[0] != '\0' && hi[0] != '\0' && strcmp(lo, hi) > 0) {
            fail(p, start, "the date range ends before it starts");
            ok = false;
        }
    }
    if (!ok)
        return NULL;
    node = node_new(p, F8K_QNODE_DATE_RANGE, name_start, end);
    if (node == NULL)
        return NULL;
    node->field = field;
    if (lo[0] != '\0')
        node->lo = strdup(lo);
    if (hi[0] != '\0')
        node->hi = strdup(hi);
    if ((lo[0] != '\0' && node->lo == NULL) || (hi[0] != '\0' && node->hi == NULL)) {
        fail_nomem(p);
        f8k_qnode_free(node);
        return NULL;
    }
    return node;
}

/* ------------------------------------------------------------------ */
/* Parser                                                             */
/* ------------------------------------------------------------------ */

static f8k_qnode_t *parse_or(parser_t *p, const token_t *after_op);

/* A children array for N nodes that node_add() may still grow. */
static f8k_qnode_t **children_alloc(size_t n)
{
    size_t cap = 2;
    while (cap < n)
        cap *= 2;
    return malloc(cap * sizeof(f8k_qnode_t *));
}

/*
 * Report why the token T cannot start an operand.  AFTER_OP is the
 * operator that asked for one, or NULL at the start of a group.
 */
static void operand_error(parser_t *p, const token_t *t, const token_t *after_op)
{
    if (after_op != NULL) {
        const char *op = tok_text(after_op);
        fail(p, after_op->start, "'%s' needs a term after it", op);
    } else if (t->kind == TOK_AND || t->kind == TOK_OR || t->kind == TOK_NEAR) {
        const char *op = tok_text(t);
        fail(p, t->start, "'%s' needs a term before it", op);
    } else if (t->kind == TOK_RPAREN) {
        fail(p, t->start, "unbalanced ')': no matching '('");
    } else {
        fail(p, t->start, "expected a word, a phrase or '('");
    }
}

/* "( or )" after the '(' token LP has been consumed. */
static f8k_qnode_t *parse_group(parser_t *p, const token_t *lp)
{
    f8k_qnode_t *inner = NULL;

    if (p->depth >= F8K_QPARSE_MAX_DEPTH) {
        fail(p, lp->start, "query nested too deeply (more than %d levels)", F8K_QPARSE_MAX_DEPTH);
        return NULL;
    }
    if (peek(p)->kind == TOK_RPAREN) {
        fail(p, lp->start, "empty parentheses");
        return NULL;
    }
    p->depth++;
    inner = parse_or(p, NULL);
    p->depth--;
    if (inner == NULL)
        return NULL;
    if (peek(p)->kind != TOK_RPAREN) {
        fail(p, lp->start, "unbalanced '(': missing ')'");
        f8k_qnode_free(inner);
        return NULL;
    }
    advance(p);
    return inner;
}

/* A word token T: a field with its value, or a plain word. */
static f8k_qnode_t *parse_word_or_field(parser_t *p, const token_t *t)
{
    const unsigned char *s = p->q + t->start;
    size_t n = t->end - t->start;
    size_t name_len = 0;
    f8k_qfield_t field = F8K_QFIELD_NONE;
    f8k_qnode_t *node = NULL;
    f8k_qnode_t *value = NULL;
    const token_t *next = NULL;
    size_t value_start = 0;

    while (name_len < n && is_alpha(s[name_len]))
        name_len++;
    if (name_len > 0 && name_len < n && s[name_len] == ':')
        field = field_lookup((const char *)s, name_len);
    if (field == F8K_QFIELD_NONE)
        return make_word(p, t->start, t->end, true);

    if (p->in_field_group) {
        fail(p, t->start, "a field cannot appear inside another field's parentheses");
        return NULL;
    }
    value_start = t->start + name_len + 1;
    next = peek(p);
    if (value_start < t->end) {
        if (field_is_date(field))
            return make_date(p, field, t->start, value_start, t->end);
        value = make_word(p, value_start, t->end, true);
    } else if (next->start == t->end && next->kind == TOK_PHRASE) {
        if (field_is_date(field)) {
            fail(p, next->start, "'%s:' takes a date: YYYY, YYYY-MM, YYYY-MM-DD or A..B",
                 field_names[field]);
            return NULL;
        }
        advance(p);
        value = make_phrase(p, next);
    } else if (next->start == t->end && next->kind == TOK_LPAREN) {
        token_t lp = *next;
        if (!f8k_qfield_is_text(field)) {
            fail(p, next->start,
                 "only the text fields company: and officer: take a (group); "
                 "use OR between fields");
            return NULL;
        }
        advance(p);
        p->in_field_group = true;
        value = parse_group(p, &lp);
        p->in_field_group = false;
    } else {
        fail(p, t->start, "'%s:' needs a value right after the colon", field_names[field]);
        return NULL;
    }
    if (value == NULL)
        return NULL;
    if (field == F8K_QFIELD_CIK) {
        bool digits = value->kind == F8K_QNODE_WORD && value->flags == 0 &&
                      strlen(value->text) >= 1 && strlen(value->text) <= 10;
        for (const char *c = value->text; digits && *c != '\0'; c++)
            digits = is_digit((unsigned char)*c);
        if (!digits) {
            fail(p, value->start, "cik: takes a number of 1 to 10 digits");
            f8k_qnode_free(value);
            return NULL;
        }
    }
    node = node_new(p, F8K_QNODE_FIELD, t->start, t->end);
    if (node == NULL) {
        f8k_qnode_free(value);
        return NULL;
    }
    node->field = field;
    node_add(p, node, value);
    if (p->status != F8K_STATUS_SUCCESS) {
        f8k_qnode_free(node);
        return NULL;
    }
    return node;
}

/* primary := WORD | FIELD | PHRASE | "(" or ")" */
static f8k_qnode_t *parse_primary(parser_t *p, const token_t *after_op)
{
    const token_t *t = peek(p);

    switch (t->kind) {
    case TOK_WORD:
        advance(p);
        return parse_word_or_field(p, t);
    case TOK_PHRASE:
        advance(p);
        return make_phrase(p, t);
    case TOK_LPAREN:
        advance(p);
        return parse_group(p, t);
    default:
        operand_error(p, t, after_op);
        return NULL;
    }
}

/* prefixed := "-" primary | "+" primary | primary */
static f8k_qnode_t *parse_prefixed(parser_t *p, const token_t *after_op)
{
    const token_t *t = peek(p);
    f8k_qnode_t *child = NULL;
    f8k_qnode_t *node = NULL;

    if (t->kind != TOK_MINUS && t->kind != TOK_PLUS)
        return parse_primary(p, after_op);
    advance(p);
    child = parse_primary(p, t);
    if (child == NULL)
        return NULL;
    if (t->kind == TOK_PLUS) {
        child->flags |= F8K_QNODE_REQUIRED;
        child->start = t->start;
        return child;
    }
    node = node_new(p, F8K_QNODE_NOT, t->start, child->end);
    if (node == NULL) {
        f8k_qnode_free(child);
        return NULL;
    }
    node_add(p, node, child);
    if (p->status != F8K_STATUS_SUCCESS) {
        f8k_qnode_free(node);
        return NULL;
    }
    return node;
}

static bool near_operand_ok(parser_t *p, const f8k_qnode_t *node)
{
    if (node->kind == F8K_QNODE_WORD || node->kind == F8K_QNODE_PHRASE)
        return true;
    fail(p, node->start, "NEAR works on words and phrases only");
    return false;
}

/* near := prefixed ( "NEAR"["/"n] prefixed )* */
static f8k_qnode_t *parse_near(parser_t *p, const token_t *after_op)
{
    f8k_qnode_t *left = parse_prefixed(p, after_op);
    f8k_qnode_t *node = NULL;

    if (left == NULL || peek(p)->kind != TOK_NEAR)
        return left;
    if (!near_operand_ok(p, left)) {
        f8k_qnode_free(left);
        return NULL;
    }
    node = node_new(p, F8K_QNODE_NEAR, left->start, left->end);
    if (node == NULL) {
        f8k_qnode_free(left);
        return NULL;
    }
    node->window = peek(p)->window;
    node_add(p, node, left);
    while (p->status == F8K_STATUS_SUCCESS && peek(p)->kind == TOK_NEAR) {
        const token_t *op = peek(p);
        f8k_qnode_t *right = NULL;
        if (op->window != node->window) {
            fail(p, op->start, "one chain of NEAR must use one window (NEAR/%u before)",
                 node->window);
            break;
        }
        advance(p);
        right = parse_prefixed(p, op);
        if (right == NULL)
            break;
        if (!near_operand_ok(p, right)) {
            f8k_qnode_free(right);
            break;
        }
        node_add(p, node, right);
    }
    if (p->status != F8K_STATUS_SUCCESS) {
        f8k_qnode_free(node);
        return NULL;
    }
    return node;
}

/* not := "NOT" not | near */
static f8k_qnode_t *parse_not(parser_t *p, const token_t *after_op)
{
    const token_t *t = peek(p);
    f8k_qnode_t *child = NULL;
    f8k_qnode_t *node = NULL;

    if (t->kind != TOK_NOT)
        return parse_near(p, after_op);
    if (p->depth >= F8K_QPARSE_MAX_DEPTH) {
        fail(p, t->start, "query nested too deeply (more than %d levels)", F8K_QPARSE_MAX_DEPTH);
        return NULL;
    }
    advance(p);
    p->depth++;
    child = parse_not(p, t);
    p->depth--;
    if (child == NULL)
        return NULL;
    node = node_new(p, F8K_QNODE_NOT, t->start, child->end);
    if (node == NULL) {
        f8k_qnode_free(child);
        return NULL;
    }
    node_add(p, node, child);
    if (p->status != F8K_STATUS_SUCCESS) {
        f8k_qnode_free(node);
        return NULL;
    }
    return node;
}

/*
 * Turn the AND node of one level into its final shape: a single child
 * stands alone; positives beside negations become
 * AND_NOT(positives, negated...), which is what Xapian's OP_AND_NOT
 * wants; negations alone stay an AND of NOTs (pure negation).
 */
static f8k_qnode_t *finish_and(parser_t *p, f8k_qnode_t *and_node)
{
    size_t n = and_node->n_children;
    size_t n_neg = 0;
    size_t i_pos = 0;
    size_t i_neg = 1;
    f8k_qnode_t *an = NULL;
    f8k_qnode_t *pos = NULL;

    if (n == 1) {
        f8k_qnode_t *only = and_node->children[0];
        and_node->n_children = 0;
        f8k_qnode_free(and_node);
        return only;
    }
    for (size_t i = 0; i < n; i++)
        n_neg += and_node->children[i]->kind == F8K_QNODE_NOT;
    if (n_neg == 0 || n_neg == n)
        return and_node;

    an = node_new(p, F8K_QNODE_AND_NOT, and_node->start, and_node->end);
    if (an != NULL)
        an->children = children_alloc(n_neg + 1);
    if (an != NULL && n - n_neg > 1) {
        pos = node_new(p, F8K_QNODE_AND, and_node->end, and_node->start);
        if (pos != NULL)
            pos->children = children_alloc(n - n_neg);
    }
    if (an == NULL || an->children == NULL ||
        (n - n_neg > 1 && (pos == NULL || pos->children == NULL))) {
        fail_nomem(p);
        f8k_qnode_free(an);
        f8k_qnode_free(pos);
        f8k_qnode_free(and_node);
        return NULL;
    }
    /* No allocation from here on: every child moves exactly once. */
    for (size_t i = 0; i < n; i++) {
        f8k_qnode_t *c = and_node->children[i];
        if (c->kind == F8K_QNODE_NOT) {
            an->children[i_neg++] = c->children[0];
            c->n_children = 0;
            f8k_qnode_free(c);
        } else if (pos != NULL) {
            pos->children[i_pos++] = c;
            if (c->start < pos->start)
                pos->start = c->start;
            if (c->end > pos->end)
                pos->end = c->end;
        } else {
            an->children[0] = c;
        }
    }
    if (pos != NULL) {
        pos->n_children = i_pos;
        an->children[0] = pos;
    }
    an->n_children = i_neg;
    and_node->n_children = 0;
    f8k_qnode_free(and_node);
    return an;
}

static bool starts_operand(tok_kind_t kind)
{
    return kind == TOK_WORD || kind == TOK_PHRASE || kind == TOK_LPAREN || kind == TOK_NOT ||
           kind == TOK_MINUS || kind == TOK_PLUS;
}

/* and := not ( ["AND"] not )* */
static f8k_qnode_t *parse_and(parser_t *p, const token_t *after_op)
{
    f8k_qnode_t *first = parse_not(p, after_op);
    f8k_qnode_t *node = NULL;

    if (first == NULL)
        return NULL;
    node = node_new(p, F8K_QNODE_AND, first->start, first->end);
    if (node == NULL) {
        f8k_qnode_free(first);
        return NULL;
    }
    node_add(p, node, first);
    while (p->status == F8K_STATUS_SUCCESS) {
        const token_t *t = peek(p);
        f8k_qnode_t *next = NULL;
        if (t->kind == TOK_AND) {
            advance(p);
            next = parse_not(p, t);
        } else if (starts_operand(t->kind)) {
            next = parse_not(p, NULL);
        } else {
            break;
        }
        node_add(p, node, next);
    }
    if (p->status != F8K_STATUS_SUCCESS) {
        f8k_qnode_free(node);
        return NULL;
    }
    return finish_and(p, node);
}

/* or := and ( "OR" and )* */
static f8k_qnode_t *parse_or(parser_t *p, const token_t *after_op)
{
    f8k_qnode_t *first = parse_and(p, after_op);
    f8k_qnode_t *node = NULL;

    if (first == NULL || peek(p)->kind != TOK_OR)
        return first;
    node = node_new(p, F8K_QNODE_OR, first->start, first->end);
    if (node == NULL) {
        f8k_qnode_free(first);
        return NULL;
    }
    node_add(p, node, first);
    while (p->status == F8K_STATUS_SUCCESS && peek(p)->kind == TOK_OR) {
        const token_t *t = peek(p);
        f8k_qnode_t *next = NULL;
        advance(p);
        next = parse_and(p, t);
        node_add(p, node, next);
    }
    if (p->status != F8K_STATUS_SUCCESS) {
        f8k_qnode_free(node);
        return NULL;
    }
    return node;
}

f8k_status_t f8k_qparse(const char *query, size_t length, f8k_qnode_t **root_out,
                        f8k_qparse_error_t *error_out)
{
    f8k_qparse_error_t scratch;
    parser_t p = {0};
    f8k_qnode_t *root = NULL;

    if (error_out == NULL)
        error_out = &scratch;
    error_out->position = 0;
    error_out->message[0] = '\0';
    if (root_out != NULL)
        *root_out = NULL;
    if (root_out == NULL || (query == NULL && length > 0)) {
        snprintf(error_out->message, sizeof error_out->message, "invalid argument");
        return F8K_STATUS_INVALID_ARG;
    }
    p.q = (const unsigned char *)(query != NULL ? query : "");
    p.len = length;
    p.error = error_out;
    p.status = F8K_STATUS_SUCCESS;

    check_bytes(&p);
    if (p.status == F8K_STATUS_SUCCESS)
        lex(&p);
    if (p.status == F8K_STATUS_SUCCESS && p.n_toks == 1)
        fail(&p, 0, "empty query");
    if (p.status == F8K_STATUS_SUCCESS)
        root = parse_or(&p, NULL);
    if (p.status == F8K_STATUS_SUCCESS && peek(&p)->kind != TOK_END) {
        /* parse_or stops only at ')' or the end. */
        operand_error(&p, peek(&p), NULL);
    }
    if (p.status != F8K_STATUS_SUCCESS) {
        f8k_qnode_free(root);
        root = NULL;
    }
    free(p.toks);
    *root_out = root;
    return p.status;
}

/* ------------------------------------------------------------------ */
/* Output: the dump and the error display                             */
/* ------------------------------------------------------------------ */

typedef struct strbuf {
    char *buf;  /* NUL-terminated once anything is written */
    size_t len; /* bytes used, NUL excluded */
    size_t cap; /* bytes allocated */
    bool nomem; /* sticky allocation failure */
} strbuf_t;

static void sb_add(strbuf_t *sb, const char *s, size_t n)
{
    if (sb->nomem)
        return;
    if (sb->len + n + 1 > sb->cap) {
        size_t cap = sb->cap == 0 ? 64 : sb->cap;
        char *grown = NULL;
        while (cap < sb->len + n + 1)
            cap *= 2;
        grown = realloc(sb->buf, cap);
        if (grown == NULL) {
            sb->nomem = true;
            return;
        }
        sb->buf = grown;
        sb->cap = cap;
    }
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

static void sb_puts(strbuf_t *sb, const char *s)
{
    size_t n = strlen(s);
    sb_add(sb, s, n);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
sb_printf(strbuf_t *sb, const char *fmt, ...)
{
    char tmp[256];
    int n = 0;
    va_list ap;
    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        sb_add(sb, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void sb_quoted(strbuf_t *sb, const char *s)
{
    sb_puts(sb, "\"");
    for (; *s != '\0'; s++) {
        if (*s == '"' || *s == '\\')
            sb_puts(sb, "\\");
        sb_add(sb, s, 1);
    }
    sb_puts(sb, "\"");
}

/* Depth is bounded by the parser's limits, so recursion is safe here. */
static void dump_node(strbuf_t *sb, const f8k_qnode_t *node, unsigned flags)
{
    sb_printf(sb, "(%s", f8k_qnode_kind_name(node->kind));
    switch (node->kind) {
    case F8K_QNODE_NEAR:
        sb_printf(sb, " %u", node->window);
        break;
    case F8K_QNODE_WORD:
        sb_puts(sb, " ");
        sb_quoted(sb, node->text != NULL ? node->text : "");
        break;
    case F8K_QNODE_FIELD:
        sb_printf(sb, " %s", f8k_qfield_name(node->field));
        break;
    case F8K_QNODE_DATE_RANGE:
        sb_printf(sb, " %s %s %s", f8k_qfield_name(node->field), node->lo != NULL ? node->lo : "*",
                  node->hi != NULL ? node->hi : "*");
        break;
    default:
        break;
    }
    for (size_t i = 0; i < node->n_children; i++) {
        const f8k_qnode_t *c = node->children[i];
        if (node->kind == F8K_QNODE_PHRASE && c->kind == F8K_QNODE_WORD && flags == 0) {
            sb_puts(sb, " ");
            sb_quoted(sb, c->text != NULL ? c->text : "");
        } else {
            sb_puts(sb, " ");
            dump_node(sb, c, flags);
        }
    }
    if (node->flags & F8K_QNODE_WILDCARD)
        sb_puts(sb, " :wildcard");
    if (node->flags & F8K_QNODE_REQUIRED)
        sb_puts(sb, " :required");
    sb_puts(sb, ")");
    if (flags & F8K_QDUMP_SPANS)
        sb_printf(sb, "@%zu-%zu", node->start, node->end);
}

f8k_status_t f8k_qnode_dump(const f8k_qnode_t *node, unsigned flags, char **dump_out)
{
    strbuf_t sb = {0};

    if (dump_out != NULL)
        *dump_out = NULL;
    if (node == NULL || dump_out == NULL)
        return F8K_STATUS_INVALID_ARG;
    dump_node(&sb, node, flags);
    if (sb.nomem) {
        free(sb.buf);
        return F8K_STATUS_NOMEM;
    }
    *dump_out = sb.buf;
    return F8K_STATUS_SUCCESS;
}

/* Characters shown before and after the error position at most. */
#define SHOW_BEFORE 60
#define SHOW_AFTER  20

f8k_status_t f8k_qparse_format_error(const char *query, size_t length,
                                     const f8k_qparse_error_t *error, char **text_out)
{
    const unsigned char *q = (const unsigned char *)(query != NULL ? query : "");
    strbuf_t sb = {0};
    size_t pos = 0;
    size_t column = 0; /* characters before pos */
    size_t skip = 0;   /* characters left out at the start */
    size_t shown = 0;  /* characters shown after pos */
    size_t chars = 0;
    size_t i = 0;
    bool cut_end = false;

    if (text_out != NULL)
        *text_out = NULL;
    if (error == NULL || text_out == NULL || (query == NULL && length > 0))
        return F8K_STATUS_INVALID_ARG;
    pos = error->position < length ? error->position : length;

    /* One character: a valid UTF-8 sequence, else one byte. */
    for (i = 0; i < pos; chars++) {
        size_t n = utf8_len(q, length, i);
        i += n == 0 ? 1 : n;
    }
    column = chars;
    if (column > SHOW_BEFORE)
        skip = column - SHOW_BEFORE;

    sb_printf(&sb, "syntax error at column %zu: %s\n  ", column + 1, error->message);
    if (skip > 0)
        sb_puts(&sb, "...");
    chars = 0;
    for (i = 0; i < length; chars++) {
        size_t n = utf8_len(q, length, i);
        if (chars >= column && shown >= SHOW_AFTER) {
            cut_end = true;
            break;
        }
        if (chars >= skip) {
            if (n == 0)
                sb_puts(&sb, "\xEF\xBF\xBD");
            else if (n == 1 && (q[i] < 0x20 || q[i] == 0x7F))
                sb_puts(&sb, q[i] == '\t' || q[i] == '\n' || q[i] == '\r' ? " " : "?");
            else
                sb_add(&sb, (const char *)q + i, n);
            if (chars >= column)
                shown++;
        }
        i += n == 0 ? 1 : n;
    }
    if (cut_end)
        sb_puts(&sb, "...");
    sb_puts(&sb, "\n  ");
    for (size_t k = 0; k < column - skip + (skip > 0 ? 3 : 0); k++)
        sb_puts(&sb, " ");
    sb_puts(&sb, "^\n");
    if (sb.nomem) {
        free(sb.buf);
        return F8K_STATUS_NOMEM;
    }
    *text_out = sb.buf;
    return F8K_STATUS_SUCCESS;
}
