/*
 * index.c - filings into the Xapian index (see f8k_index.h).
 *
 * Threads: the calling thread owns the database and is the only one
 * that touches it.  A walker thread walks the paths and hands
 * candidate files over; the caller checks each against its file-state
 * record and hands the changed ones to JOBS worker threads, which
 * read, hash, parse, extract and analyze them into standalone Xapian
 * documents.  The caller writes the finished filings and commits
 * every batch; or, in a build from empty with JOBS >= 2, routes each
 * filing to one of several shard writer threads, whose temporary
 * databases are merged into the index at the end ("Parallel build"
 * below).  A sharded index (add --shard-by) always writes through one
 * writer thread per permanent shard ("Sharded index" below).  All
 * queues are bounded, so memory does not grow with the size of the
 * input.
 */
#include <f8k/f8k_index.h>
#include <f8k/f8k_schema.h>

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <xxhash.h>

#include <f8k/f8k_analyzer.h>
#include <f8k/f8k_filing.h>
#include <f8k/f8k_xapian.h>

#include "index-private.h"

#define META_ANALYZER      "f8k:analyzer"
#define META_SCHEMA        "f8k:schema"
#define META_FILE_PREFIX   "f8k:file:"
#define META_FILING_PREFIX "f8k:filing:"
#define META_LASTRUN       "f8k:lastrun"
#define SCHEMA_VERSION     "2" /* 2: no Z term where the stem is the word */

/* Xapian rejects terms over 245 bytes; longer ones are hashed (Omega's 240). */
#define TERM_LIMIT 240

/* Commit at the latest after this many bytes of input, so that a few
 * huge filings cannot make Xapian's in-memory batch grow unbounded. */
#define BATCH_BYTES (24ULL << 20)

struct f8k_index {
    f8k_db_t *db;            /* the writable database (holds the lock); NULL when sharded */
    char *path;              /* the database path */
    char *last_error;        /* malloc'd; "" when none */
    struct sharded *sharded; /* a sharded index (a stub of shards); else NULL */
};

/* ------------------------------------------------------------------ */
/* Small helpers.                                                      */
/* ------------------------------------------------------------------ */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Replace *MESSAGE with the concatenation of the strings that follow, up to NULL. */
static void set_message(char **message, ...)
{
    va_list ap;
    size_t n = 1;
    const char *part = NULL;
    char *m = NULL;
    if (message == NULL)
        return;
    va_start(ap, message);
    while ((part = va_arg(ap, const char *)) != NULL)
        n += strlen(part);
    va_end(ap);
    m = malloc(n);
    if (m != NULL) {
        m[0] = '\0';
        va_start(ap, message);
        while ((part = va_arg(ap, const char *)) != NULL)
            strcat(m, part);
        va_end(ap);
    }
    free(*message);
    *message = m;
}

static void hex_encode(const unsigned char *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

static void hash128_hex(const void *data, size_t len, char out[33])
{
    XXH128_hash_t h = XXH3_128bits(data, len);
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, h);
    hex_encode(c.digest, sizeof c.digest, out);
}

void index_file_key(const char *path, char key_out[48])
{
    char hex[33];
    hash128_hex(path, strlen(path), hex);
    snprintf(key_out, 48, "%s%s", META_FILE_PREFIX, hex);
}

void index_filing_id(const f8k_filing_t *filing, const char *content, size_t len,
                     char id_out[INDEX_ID_MAX])
{
    if (filing != NULL && filing->accession != NULL && filing->accession[0] != '\0' &&
        strlen(filing->accession) < INDEX_ID_MAX) {
        snprintf(id_out, INDEX_ID_MAX, "%s", filing->accession);
    } else {
        XXH64_hash_t h = XXH3_64bits(content, len);
        snprintf(id_out, INDEX_ID_MAX, "h%016llx", (unsigned long long)h);
    }
}

/* ------------------------------------------------------------------ */
/* Terms of one document.                                              */
/* ------------------------------------------------------------------ */

/*
 * Copy PREFIX + VALUE[0..LEN) into BUF (TERM_LIMIT + 1 bytes).  A term
 * over Xapian's limit keeps its first bytes and ends with a hash of
 * the whole value, so it stays stable and distinct.
 */
static const char *make_term(char *buf, const char *prefix, const char *value, size_t len)
{
    size_t pl = strlen(prefix);
    if (pl + len <= TERM_LIMIT) {
        memcpy(buf, prefix, pl);
        memcpy(buf + pl, value, len);
        buf[pl + len] = '\0';
    } else {
        XXH64_hash_t h = XXH3_64bits(value, len);
        size_t keep = TERM_LIMIT - pl - 17;
        memcpy(buf, prefix, pl);
        memcpy(buf + pl, value, keep);
        snprintf(buf + pl + keep, 18, "~%016llx", (unsigned long long)h);
    }
    return buf;
}

/* A boolean term PREFIX + VALUE; NULL or empty values add nothing. */
static f8k_status_t add_boolean(f8k_doc_t *doc, const char *prefix, const char *value)
{
    char buf[TERM_LIMIT + 1];
    if (value == NULL || value[0] == '\0')
        return F8K_STATUS_SUCCESS;
    return f8k_doc_add_boolean_term(doc, make_term(buf, prefix, value, strlen(value)));
}

/* A boolean term PREFIX + upper-cased VALUE. */
static f8k_status_t add_boolean_upper(f8k_doc_t *doc, const char *prefix, const char *value)
{
    char up[TERM_LIMIT + 1];
    size_t i;
    if (value == NULL || value[0] == '\0')
        return F8K_STATUS_SUCCESS;
    for (i = 0; value[i] != '\0' && i < TERM_LIMIT; i++) {
        char c = value[i];
        up[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    }
    up[i] = '\0';
    return add_boolean(doc, prefix, up);
}

/* What the token callback does with each token. */
typedef struct termgen {
    f8k_doc_t *doc;     /* the document being built */
    const char *prefix; /* field prefix for positional field terms, or NULL */
    unsigned wdf;       /* wdf of the unprefixed term (and its stem) */
    char buf[TERM_LIMIT + 1];
} termgen_t;

static f8k_status_t on_token(void *closure, const f8k_token_t *token)
{
    termgen_t *tg = closure;
    f8k_status_t status = F8K_STATUS_SUCCESS;

    if (tg->prefix != NULL) {
        make_term(tg->buf, tg->prefix, token->term, token->term_len);
        status = f8k_doc_add_posting(tg->doc, tg->buf, token->position, 1);
        if (status != F8K_STATUS_SUCCESS)
            return status;
    }
    memcpy(tg->buf, token->term, token->term_len);
    tg->buf[token->term_len] = '\0';
    status = f8k_doc_add_posting(tg->doc, tg->buf, token->position, tg->wdf);
    /* No Z term where the stem is the word itself: the word's own term
     * stands for it (see stem_some() in query/compile.c), and six tokens
     * in ten need no second term. */
    if (status == F8K_STATUS_SUCCESS && token->stem != NULL && token->stem_len > 0 &&
        !(token->stem_len == token->term_len &&
          memcmp(token->stem, token->term, token->term_len) == 0)) {
        make_term(tg->buf, "Z", token->stem, token->stem_len);
        status = f8k_doc_add_term(tg->doc, tg->buf, tg->wdf);
    }
    return status;
}

/*
 * Analyze TEXT as one field starting at *POS; afterwards *POS is past
 * it plus the field gap.
 */
static f8k_status_t add_text(f8k_analyzer_t *analyzer, termgen_t *tg, const char *prefix,
                             unsigned wdf, const char *text, size_t len, uint32_t *pos)
{
    uint32_t next = *pos;
    f8k_status_t status = F8K_STATUS_SUCCESS;
    if (text == NULL || len == 0)
        return F8K_STATUS_SUCCESS;
    tg->prefix = prefix;
    tg->wdf = wdf;
    status = f8k_analyze_at(analyzer, F8K_ANALYZE_DOCUMENT, text, len, *pos, on_token, tg, &next);
    if (next > *pos)
        *pos = next + INDEX_FIELD_GAP;
    return status;
}

static f8k_status_t add_field_text(f8k_analyzer_t *analyzer, termgen_t *tg, const char *prefix,
                                   const char *text, uint32_t *pos)
{
    if (text == NULL)
        return F8K_STATUS_SUCCESS;
    return add_text(analyzer, tg, prefix, INDEX_FIELD_WDF, text, strlen(text), pos);
}

/* "8-K" -> "8-K"; "EX-99.1" -> "99.1" plus major "99". */
static f8k_status_t add_doctype_terms(f8k_doc_t *doc, const char *type)
{
    char up[TERM_LIMIT + 1];
    const char *t = type;
    f8k_status_t status = F8K_STATUS_SUCCESS;
    size_t i;
    if (type == NULL || type[0] == '\0')
        return F8K_STATUS_SUCCESS;
    if ((t[0] == 'E' || t[0] == 'e') && (t[1] == 'X' || t[1] == 'x') && t[2] == '-')
        t += 3;
    for (i = 0; t[i] != '\0' && i < TERM_LIMIT - 8; i++) {
        char c = t[i];
        up[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    }
    up[i] = '\0';
    status = add_boolean(doc, "XDT", up);
    if (status == F8K_STATUS_SUCCESS && t != type) {
        size_t major = strcspn(up, ".-( ");
        if (major > 0 && up[major] != '\0') {
            up[major] = '\0';
            status = add_boolean(doc, "XDT", up);
        }
    }
    return status;
}

/* ------------------------------------------------------------------ */
/* Document data: a bounded prefix of the plain text; slot 7: JSON.    */
/* ------------------------------------------------------------------ */

static json_object *json_string_or_null(const char *s)
{
    return s != NULL ? json_object_new_string(s) : NULL;
}

/* The filing-level part of the JSON line (shared by its documents). */
static json_object *filing_json(const f8k_filing_t *filing, const char *path)
{
    json_object *o = json_object_new_object();
    json_object *items = json_object_new_array();
    json_object *modern = json_object_new_array();
    json_object *officers = json_object_new_array();
    json_object *docs = json_object_new_array();
    size_t i, j;

    json_object_object_add(o, "accession", json_string_or_null(filing->accession));
    json_object_object_add(o, "cik", json_string_or_null(filing->cik));
    json_object_object_add(o, "company", json_string_or_null(filing->company));
    json_object_object_add(o, "form", json_string_or_null(filing->form));
    json_object_object_add(o, "filed", json_string_or_null(filing->filed));
    json_object_object_add(o, "date_of_report", json_string_or_null(filing->date_of_report));
    for (i = 0; i < filing->n_items; i++) {
        const char *m = filing->items[i].modern;
        bool seen = false;
        json_object_array_add(items, json_string_or_null(filing->items[i].number));
        if (m == NULL)
            continue;
        for (j = 0; j < i; j++)
            if (filing->items[j].modern != NULL && strcmp(filing->items[j].modern, m) == 0)
                seen = true;
        if (!seen)
            json_object_array_add(modern, json_object_new_string(m));
    }
    json_object_object_add(o, "items", items);
    json_object_object_add(o, "items_modern", modern);
    for (i = 0; i < filing->n_officers; i++) {
        const f8k_officer_t *of = &filing->officers[i];
        json_object *oo = json_object_new_object();
        json_object_object_add(oo, "name", json_string_or_null(of->name));
        json_object_object_add(oo, "role", json_string_or_null(of->role));
        json_object_object_add(oo, "event",
                               json_object_new_string(f8k_officer_event_name(of->event)));
        json_object_array_add(officers, oo);
    }
    json_object_object_add(o, "officers", officers);
    json_object_object_add(o, "path", json_object_new_string(path));
    for (i = 0; i < filing->n_documents; i++)
        json_object_array_add(docs, json_string_or_null(filing->documents[i].type));
    json_object_object_add(o, "documents", docs);
    return o;
}

/*
 * The document's JSON line goes to value slot 7 (read for every hit and
 * every matched document: small, uncompressed, no text to skip); the
 * document data holds only the first F8K_TEXT_STORED bytes of its plain
 * text, for snippets (read for the hits on the page that show one).
 * The cut is at a white space when one is near, else at a UTF-8
 * boundary.  Searches beyond the prefix still match (every word is
 * indexed); only their snippet falls back to the start of the text.
 */

static size_t stored_text_len(const char *text, size_t len)
{
    size_t cut = F8K_TEXT_STORED, k;
    if (len <= F8K_TEXT_STORED)
        return len;
    for (k = cut; k > cut - 64; k--)
        if (text[k] == ' ' || text[k] == '\n' || text[k] == '\t' || text[k] == '\r')
            return k;
    while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
        cut--;
    return cut;
}

static f8k_status_t set_document_data(f8k_doc_t *doc, json_object *fj, const f8k_document_t *d,
                                      int sequence)
{
    const char *line = NULL;
    size_t text_len = 0;
    f8k_status_t status = F8K_STATUS_NOMEM;

    json_object_object_add(fj, "type", json_string_or_null(d ? d->type : NULL));
    json_object_object_add(fj, "sequence", json_object_new_int(sequence));
    json_object_object_add(fj, "description", json_string_or_null(d ? d->description : NULL));
    line =
        json_object_to_json_string_ext(fj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (line == NULL)
        return status;
    status = f8k_doc_set_value(doc, F8K_SLOT_DOCUMENT, line, strlen(line));
    text_len = (d != NULL && d->is_text && d->text != NULL) ? d->text_len : 0;
    if (status == F8K_STATUS_SUCCESS && text_len > 0)
        status = f8k_doc_set_data(doc, d->text, stored_text_len(d->text, text_len));
    return status;
}

/* ------------------------------------------------------------------ */
/* Documents of one filing.                                            */
/* ------------------------------------------------------------------ */

/* Values: 0 sort date, 1 filing id, 2 year, 3 company, 4 items, 5 form,
 * 6 date of report (7, the document's JSON, is set with the data). */
/* "2003-06-27" -> "20030627" in YMD; false unless there are eight digits. */
static bool date_digits(const char *date, char ymd[9])
{
    size_t i, n = 0;
    if (date == NULL)
        return false;
    for (i = 0; date[i] != '\0' && n < 8; i++)
        if (date[i] >= '0' && date[i] <= '9')
            ymd[n++] = date[i];
    ymd[n] = '\0';
    return n == 8;
}

static f8k_status_t set_values(f8k_doc_t *doc, const f8k_filing_t *filing, const char *id,
                               const char *items_value, size_t items_len)
{
    const char *date = filing->filed != NULL ? filing->filed : filing->date_of_report;
    f8k_status_t status = F8K_STATUS_SUCCESS;
    char ymd[9];

    if (date_digits(date, ymd)) {
        status = f8k_doc_set_value(doc, F8K_SLOT_DATE, ymd, 8);
        if (status == F8K_STATUS_SUCCESS)
            status = f8k_doc_set_value(doc, F8K_SLOT_YEAR, ymd, 4);
    }
    if (status == F8K_STATUS_SUCCESS && date_digits(filing->date_of_report, ymd))
        status = f8k_doc_set_value(doc, F8K_SLOT_REPORTED, ymd, 8);
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_doc_set_value(doc, F8K_SLOT_FILING, id, strlen(id));
    if (status == F8K_STATUS_SUCCESS && filing->company != NULL)
        status = f8k_doc_set_value(doc, F8K_SLOT_COMPANY, filing->company, strlen(filing->company));
    if (status == F8K_STATUS_SUCCESS && items_len > 0)
        status = f8k_doc_set_value(doc, F8K_SLOT_ITEMS, items_value, items_len);
    if (status == F8K_STATUS_SUCCESS && filing->form != NULL)
        status = f8k_doc_set_value(doc, F8K_SLOT_FORM, filing->form, strlen(filing->form));
    return status;
}

/* The filing-level boolean terms every document carries. */
static f8k_status_t add_filing_terms(f8k_doc_t *doc, const f8k_filing_t *filing, const char *id)
{
    f8k_status_t status = add_boolean(doc, "XF", id);
    size_t i;
    if (status == F8K_STATUS_SUCCESS)
        status = add_boolean(doc, "XCIK", filing->cik);
    if (status == F8K_STATUS_SUCCESS)
        status = add_boolean_upper(doc, "XFORM", filing->form);
    if (status == F8K_STATUS_SUCCESS)
        status = add_boolean_upper(doc, "XST", filing->state);
    if (status == F8K_STATUS_SUCCESS)
        status = add_boolean(doc, "XSIC", filing->sic);
    for (i = 0; status == F8K_STATUS_SUCCESS && i < filing->n_items; i++) {
        status = add_boolean(doc, "XI", filing->items[i].number);
        if (status == F8K_STATUS_SUCCESS)
            status = add_boolean(doc, "XM", filing->items[i].modern);
    }
    for (i = 0; status == F8K_STATUS_SUCCESS && i < filing->n_officers; i++) {
        const f8k_officer_t *of = &filing->officers[i];
        status = add_boolean(doc, "XRO", of->role_code);
        /* The role with the direction of its change: XOEcfo:in for a CFO
         * appointed or elected, XOEcfo:out for one who resigned, retired,
         * was terminated or died (the query's event words pick one). */
        if (status == F8K_STATUS_SUCCESS && of->role_code != NULL && of->role_code[0] != '\0') {
            const char *dir =
                of->event == F8K_EVENT_APPOINTED || of->event == F8K_EVENT_ELECTED ? "in"
                : of->event == F8K_EVENT_UNKNOWN || of->event == F8K_EVENT_SIGNED  ? NULL
                                                                                   : "out";
            char term[TERM_LIMIT + 1];
            if (dir != NULL) {
                snprintf(term, sizeof term, "XOE%s:%s", of->role_code, dir);
                status = f8k_doc_add_boolean_term(doc, term);
            }
        }
    }
    return status;
}

/* The field words: company and former names, officers and roles, item titles. */
static f8k_status_t add_field_words(f8k_analyzer_t *analyzer, termgen_t *tg,
                                    const f8k_filing_t *filing, uint32_t *pos)
{
    f8k_status_t status = add_field_text(analyzer, tg, "XCO", filing->company, pos);
    size_t i;
    for (i = 0; status == F8K_STATUS_SUCCESS && i < filing->n_former_names; i++)
        status = add_field_text(analyzer, tg, "XCO", filing->former_names[i], pos);
    for (i = 0; status == F8K_STATUS_SUCCESS && i < filing->n_officers; i++) {
        status = add_field_text(analyzer, tg, "XOF", filing->officers[i].name, pos);
        if (status == F8K_STATUS_SUCCESS)
            status = add_field_text(analyzer, tg, NULL, filing->officers[i].role, pos);
        /* What happened to the officer ("appointed", "resigned") is the news
         * itself: weighted like the role, so "CFO appointment" ranks the
         * filing that appoints a CFO above one that merely names a CFO. */
        if (status == F8K_STATUS_SUCCESS && filing->officers[i].event != F8K_EVENT_UNKNOWN &&
            filing->officers[i].event != F8K_EVENT_SIGNED)
            status = add_field_text(analyzer, tg, NULL,
                                    f8k_officer_event_name(filing->officers[i].event), pos);
    }
    for (i = 0; status == F8K_STATUS_SUCCESS && i < filing->n_items; i++)
        status = add_field_text(analyzer, tg, NULL, filing->items[i].title, pos);
    return status;
}

/* True when the documents' sequence numbers are all set and distinct. */
static bool sequences_usable(const f8k_filing_t *filing)
{
    size_t i, j;
    for (i = 0; i < filing->n_documents; i++) {
        if (filing->documents[i].sequence <= 0)
            return false;
        for (j = 0; j < i; j++)
            if (filing->documents[j].sequence == filing->documents[i].sequence)
                return false;
    }
    return true;
}

static f8k_status_t build_document(f8k_analyzer_t *analyzer, const f8k_filing_t *filing,
                                   const char *id, const f8k_document_t *d, int sequence,
                                   json_object *fj, const char *items_value, size_t items_len,
                                   f8k_doc_t **doc_out)
{
    f8k_doc_t *doc = NULL;
    termgen_t *tg = NULL;
    char seqbuf[INDEX_ID_MAX + 16];
    uint32_t pos = 1;
    f8k_status_t status = f8k_doc_new(&doc);

    *doc_out = NULL;
    if (status != F8K_STATUS_SUCCESS)
        goto done;
    tg = malloc(sizeof *tg);
    if (tg == NULL) {
        status = F8K_STATUS_NOMEM;
        goto done;
    }
    tg->doc = doc;
    snprintf(seqbuf, sizeof seqbuf, "%s#%d", id, sequence);
    status = add_boolean(doc, "Q", seqbuf);
    if (status == F8K_STATUS_SUCCESS)
        status = add_filing_terms(doc, filing, id);
    if (status == F8K_STATUS_SUCCESS && d != NULL)
        status = add_doctype_terms(doc, d->type);
    if (status == F8K_STATUS_SUCCESS)
        status = add_field_words(analyzer, tg, filing, &pos);
    if (status == F8K_STATUS_SUCCESS && d != NULL && d->is_text)
        status = add_text(analyzer, tg, NULL, 1, d->text, d->text_len, &pos);
    if (status == F8K_STATUS_SUCCESS)
        status = set_values(doc, filing, id, items_value, items_len);
    if (status == F8K_STATUS_SUCCESS)
        status = set_document_data(doc, fj, d, sequence);
done:
    free(tg);
    if (status != F8K_STATUS_SUCCESS) {
        f8k_doc_free(doc);
        doc = NULL;
    }
    *doc_out = doc;
    return status;
}

f8k_status_t index_filing_documents(f8k_analyzer_t *analyzer, const f8k_filing_t *filing,
                                    const char *id, const char *path, f8k_doc_t ***docs_out,
                                    size_t *n_out)
{
    f8k_doc_t **docs = NULL;
    json_object *fj = NULL;
    char *items_value = NULL;
    size_t n = 0, cap = filing->n_documents + 1, items_len = 0, i;
    bool use_seq = sequences_usable(filing);
    bool any_text = false;
    f8k_status_t status = F8K_STATUS_NOMEM;

    *docs_out = NULL;
    *n_out = 0;
    docs = calloc(cap, sizeof *docs);
    fj = filing_json(filing, path);
    if (docs == NULL || fj == NULL)
        goto done;

    /* Slot 4: the modern item numbers, '\n'-separated, no repeats. */
    items_value = malloc(filing->n_items * 16 + 1);
    if (items_value == NULL)
        goto done;
    for (i = 0; i < filing->n_items; i++) {
        const char *m = filing->items[i].modern;
        size_t ml = m != NULL ? strlen(m) : 0;
        size_t j;
        bool seen = false;
        if (ml == 0 || ml > 14)
            continue;
        for (j = 0; j < i; j++)
            if (filing->items[j].modern != NULL && strcmp(filing->items[j].modern, m) == 0)
                seen = true;
        if (seen)
            continue;
        if (items_len > 0)
            items_value[items_len++] = '\n';
        memcpy(items_value + items_len, m, ml);
        items_len += ml;
    }

    status = F8K_STATUS_SUCCESS;
    for (i = 0; status == F8K_STATUS_SUCCESS && i < filing->n_documents; i++) {
        const f8k_document_t *d = &filing->documents[i];
        int seq = use_seq ? d->sequence : (int)i + 1;
        if (!d->is_text)
            continue;
        any_text = true;
        status = build_document(analyzer, filing, id, d, seq, fj, items_value, items_len, &docs[n]);
        if (status == F8K_STATUS_SUCCESS)
            n++;
    }
    if (status == F8K_STATUS_SUCCESS && !any_text) {
        /* No text document: one document for the filing's fields. */
        const f8k_document_t *d = filing->n_documents > 0 ? &filing->documents[0] : NULL;
        int seq = (d != NULL && use_seq) ? d->sequence : 1;
        status = build_document(analyzer, filing, id, d, seq, fj, items_value, items_len, &docs[n]);
        if (status == F8K_STATUS_SUCCESS)
            n++;
    }
done:
    json_object_put(fj);
    free(items_value);
    if (status != F8K_STATUS_SUCCESS) {
        for (i = 0; i < n; i++)
            f8k_doc_free(docs[i]);
        free(docs);
        docs = NULL;
        n = 0;
    }
    *docs_out = docs;
    *n_out = n;
    return status;
}

/* ------------------------------------------------------------------ */
/* File-state records.                                                 */
/* ------------------------------------------------------------------ */

/* One path's record: "1 ino size mtime_s mtime_ns hash id\npath". */
typedef struct file_record {
    unsigned long long ino, size;
    long long mtime_s, mtime_ns;
    char hash[33];
    char id[INDEX_ID_MAX];
    const char *path; /* points into the record's buffer */
} file_record_t;

static bool parse_record(char *value, file_record_t *rec)
{
    char *nl = strchr(value, '\n');
    int used = 0;
    if (nl == NULL)
        return false;
    *nl = '\0';
    if (sscanf(value, "1 %llu %llu %lld %lld %32s %63s%n", &rec->ino, &rec->size, &rec->mtime_s,
               &rec->mtime_ns, rec->hash, rec->id, &used) != 6)
        return false;
    rec->path = nl + 1;
    return true;
}

static f8k_status_t write_record(f8k_db_t *db, const char *path, const struct stat *st,
                                 const char *hash, const char *id)
{
    char key[48];
    char *value = NULL;
    size_t n = strlen(path) + 200;
    f8k_status_t status = F8K_STATUS_NOMEM;
    int len = 0;

    value = malloc(n);
    if (value == NULL)
        return status;
    len = snprintf(value, n, "1 %llu %llu %lld %lld %s %s\n%s", (unsigned long long)st->st_ino,
                   (unsigned long long)st->st_size, (long long)st->st_mtim.tv_sec,
                   (long long)st->st_mtim.tv_nsec, hash, id, path);
    index_file_key(path, key);
    status = f8k_db_set_metadata(db, key, value, (size_t)len);
    free(value);
    return status;
}

/* Read the record of PATH into *REC (*VALUE_OUT owns its storage). */
static f8k_status_t read_record(f8k_db_t *db, const char *path, file_record_t *rec,
                                char **value_out, bool *found_out)
{
    char key[48];
    size_t len = 0;
    f8k_status_t status;

    *found_out = false;
    *value_out = NULL;
    index_file_key(path, key);
    status = f8k_db_get_metadata(db, key, value_out, &len);
    if (status != F8K_STATUS_SUCCESS)
        return status;
    if (len > 0 && parse_record(*value_out, rec) && strcmp(rec->path, path) == 0)
        *found_out = true;
    return F8K_STATUS_SUCCESS;
}

/* Delete FILING_ID's documents and records.  *removed_out: was it there. */
static f8k_status_t remove_filing(f8k_db_t *db, const char *id, bool forget_file, bool *removed_out)
{
    char term[TERM_LIMIT + 1];
    char key[INDEX_ID_MAX + 16];
    char *path = NULL;
    bool has = false;
    f8k_status_t status;

    *removed_out = false;
    make_term(term, "XF", id, strlen(id));
    status = f8k_db_has_term(db, term, &has);
    if (status == F8K_STATUS_SUCCESS && has)
        status = f8k_db_delete_documents_by_term(db, term);
    snprintf(key, sizeof key, "%s%s", META_FILING_PREFIX, id);
    if (status == F8K_STATUS_SUCCESS && forget_file)
        status = f8k_db_get_metadata(db, key, &path, NULL);
    if (status == F8K_STATUS_SUCCESS && forget_file && path != NULL && path[0] != '\0') {
        char fkey[48];
        index_file_key(path, fkey);
        status = f8k_db_set_metadata(db, fkey, "", 0);
    }
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_db_set_metadata(db, key, "", 0);
    free(path);
    *removed_out = has;
    return status;
}

/* ------------------------------------------------------------------ */
/* Queues between the walker, the caller and the workers.              */
/* ------------------------------------------------------------------ */

typedef enum job_kind {
    JOB_INDEX,  /* new or changed: parse and build documents */
    JOB_CONFIRM /* only the mtime changed: compare the content hash first */
} job_kind_t;

typedef struct job {
    struct job *next;
    char *path;     /* absolute path (or as walked) */
    struct stat st; /* stat at walk time */
    job_kind_t kind;
    char old_hash[33];         /* JOB_CONFIRM: the recorded content hash */
    char old_id[INDEX_ID_MAX]; /* the recorded filing id, "" when none */
    /* Walker failures travel as jobs with FAILED set. */
    bool failed;
    f8k_status_t status; /* the failure's status */
    char *reason;        /* malloc'd one-line reason */
    long rec_shard;      /* sharded index: the shard holding the file's record, or -1 */
    /* Results. */
    bool same_content; /* JOB_CONFIRM: content unchanged */
    char hash[33];
    char id[INDEX_ID_MAX];
    char year[INDEX_SHARD_NAME_MAX]; /* the filing's year shard (index_year_shard()) */
    f8k_doc_t **docs;
    size_t n_docs;
    size_t bytes;
    /* Sharded index: a copy that tells another shard to forget the
     * filing (purge_job()), and whether the filing moved shards. */
    bool purge;
    bool moved;
} job_t;

typedef struct job_queue {
    job_t *head, *tail;
    size_t count;
} job_queue_t;

static void queue_push(job_queue_t *q, job_t *job)
{
    job->next = NULL;
    if (q->tail != NULL)
        q->tail->next = job;
    else
        q->head = job;
    q->tail = job;
    q->count++;
}

static job_t *queue_pop(job_queue_t *q)
{
    job_t *job = q->head;
    if (job != NULL) {
        q->head = job->next;
        if (q->head == NULL)
            q->tail = NULL;
        q->count--;
        job->next = NULL;
    }
    return job;
}

static void job_free(job_t *job)
{
    size_t i;
    if (job == NULL)
        return;
    for (i = 0; i < job->n_docs; i++)
        f8k_doc_free(job->docs[i]);
    free(job->docs);
    free(job->path);
    free(job->reason);
    free(job);
}

static job_t *job_new(const char *path, const struct stat *st)
{
    job_t *job = calloc(1, sizeof *job);
    if (job == NULL)
        return NULL;
    job->path = strdup(path);
    if (job->path == NULL) {
        free(job);
        return NULL;
    }
    if (st != NULL)
        job->st = *st;
    job->rec_shard = -1;
    return job;
}

/* Everything the threads share; MUTEX guards the queues and flags. */
typedef struct pipeline {
    pthread_mutex_t mutex;
    pthread_cond_t main_cond;   /* the caller: candidates, results, walk end */
    pthread_cond_t worker_cond; /* workers: work or shutdown */
    pthread_cond_t walker_cond; /* walker: room in the candidate queue */
    job_queue_t candidates;     /* walker -> caller */
    job_queue_t work;           /* caller -> workers */
    job_queue_t results;        /* workers -> caller */
    size_t in_flight;           /* jobs handed to workers and not yet collected */
    size_t max_in_flight;
    size_t max_candidates;
    bool walk_done;
    bool shutdown; /* workers exit when the work queue is empty */
    bool stopping; /* stop requested: the walker stops early */
    /* Walker input and counting totals. */
    const char *const *roots;
    size_t n_roots;
    bool count_first;
    unsigned long files_total; /* published by the walker after counting */
    unsigned long long bytes_total;
    unsigned long count_files; /* the walker's own running counts */
    unsigned long long count_bytes;
    /* Directories seen (dev, ino), to never walk one twice. */
    struct dirid {
        dev_t dev;
        ino_t ino;
        bool used;
    } * seen;
    size_t n_seen, cap_seen;
} pipeline_t;

/* ------------------------------------------------------------------ */
/* The walker thread.                                                  */
/* ------------------------------------------------------------------ */

static bool wanted_extension(const char *name)
{
    static const char *const exts[] = {"txt", "htm", "html", "xhtml", "xml", "nc", "sgml", "sgm"};
    const char *dot = strrchr(name, '.');
    size_t i;
    if (dot == NULL)
        return false;
    for (i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (strcasecmp(dot + 1, exts[i]) == 0)
            return true;
    return false;
}

static bool walker_stopping(pipeline_t *p)
{
    bool s;
    pthread_mutex_lock(&p->mutex);
    s = p->stopping;
    pthread_mutex_unlock(&p->mutex);
    return s;
}

/* Hand JOB to the caller, waiting for room. */
static void walker_emit(pipeline_t *p, job_t *job)
{
    pthread_mutex_lock(&p->mutex);
    while (p->candidates.count >= p->max_candidates && !p->stopping)
        pthread_cond_wait(&p->walker_cond, &p->mutex);
    if (p->stopping) {
        pthread_mutex_unlock(&p->mutex);
        job_free(job);
        return;
    }
    queue_push(&p->candidates, job);
    pthread_cond_signal(&p->main_cond);
    pthread_mutex_unlock(&p->mutex);
}

static void walker_fail(pipeline_t *p, bool counting, const char *path, f8k_status_t status,
                        const char *reason)
{
    job_t *job = NULL;
    if (counting)
        return;
    job = job_new(path, NULL);
    if (job == NULL)
        return;
    job->failed = true;
    job->status = status;
    job->reason = strdup(reason);
    walker_emit(p, job);
}

static const char *file_type_name(mode_t mode)
{
    if (S_ISFIFO(mode))
        return "not a regular file (FIFO)";
    if (S_ISSOCK(mode))
        return "not a regular file (socket)";
    if (S_ISCHR(mode))
        return "not a regular file (character device)";
    if (S_ISBLK(mode))
        return "not a regular file (block device)";
    return "not a regular file";
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Slot of (DEV, INO) in the open-addressing set P->seen (capacity a power of 2). */
static size_t seen_slot(const pipeline_t *p, dev_t dev, ino_t ino)
{
    unsigned long long h = ((unsigned long long)dev * 0x9E3779B97F4A7C15ULL) ^
                           ((unsigned long long)ino * 0xC2B2AE3D27D4EB4FULL);
    size_t mask = p->cap_seen - 1;
    size_t i = (size_t)(h ^ (h >> 29)) & mask;
    while (p->seen[i].used && !(p->seen[i].dev == dev && p->seen[i].ino == ino))
        i = (i + 1) & mask;
    return i;
}

/*
 * Whether the directory ST was walked already (by dev/ino, so a
 * symbolic link back into the tree is caught); remembers it if not.
 * Memory grows with the number of directories, not of files.
 */
static bool seen_before(pipeline_t *p, const struct stat *st)
{
    size_t i;
    if (p->n_seen * 2 >= p->cap_seen) {
        size_t cap = p->cap_seen ? p->cap_seen * 2 : 256, k;
        struct dirid *old = p->seen, *fresh = calloc(cap, sizeof *fresh);
        size_t old_cap = p->cap_seen;
        if (fresh == NULL)
            return false;
        p->seen = fresh;
        p->cap_seen = cap;
        for (k = 0; k < old_cap; k++)
            if (old[k].used)
                p->seen[seen_slot(p, old[k].dev, old[k].ino)] = old[k];
        free(old);
    }
    i = seen_slot(p, st->st_dev, st->st_ino);
    if (p->seen[i].used)
        return true;
    p->seen[i].dev = st->st_dev;
    p->seen[i].ino = st->st_ino;
    p->seen[i].used = true;
    p->n_seen++;
    return false;
}

static void walk(pipeline_t *p, const char *path, bool named, bool counting, unsigned depth);

static void walk_directory(pipeline_t *p, const char *path, bool counting, unsigned depth)
{
    DIR *dir = NULL;
    struct dirent *e = NULL;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    size_t plen = strlen(path);

    dir = opendir(path);
    if (dir == NULL) {
        walker_fail(p, counting, path, F8K_STATUS_IO, strerror(errno));
        return;
    }
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.')
            continue; /* ".", ".." and hidden files */
        if (n == cap) {
            size_t c = cap ? cap * 2 : 64;
            char **nn = realloc(names, c * sizeof *nn);
            if (nn == NULL)
                break;
            names = nn;
            cap = c;
        }
        names[n] = strdup(e->d_name);
        if (names[n] == NULL)
            break;
        n++;
    }
    closedir(dir);
    if (n > 1)
        qsort(names, n, sizeof *names, compare_names);
    for (i = 0; i < n; i++) {
        size_t nl = strlen(names[i]);
        char *child = malloc(plen + nl + 2);
        if (child != NULL && !walker_stopping(p)) {
            memcpy(child, path, plen);
            child[plen] = '/';
            memcpy(child + plen + 1, names[i], nl + 1);
            walk(p, child, false, counting, depth + 1);
        }
        free(child);
        free(names[i]);
    }
    free(names);
}

/* Walk PATH: a file is emitted, a directory walked, anything else reported. */
static void walk(pipeline_t *p, const char *path, bool named, bool counting, unsigned depth)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        int err = errno;
        struct stat lst;
        if (err == ELOOP || (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) && err == ENOENT))
            walker_fail(p, counting, path, F8K_STATUS_IO,
                        err == ELOOP ? "symbolic link loop" : "dangling symbolic link");
        else
            walker_fail(p, counting, path, F8K_STATUS_IO, strerror(err));
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        if (seen_before(p, &st)) {
            /* A symbolic link back into the tree, or a repeated argument. */
            if (!named)
                walker_fail(p, counting, path, F8K_STATUS_IO,
                            "directory already walked (symbolic link loop?)");
            return;
        }
        if (depth > 256) {
            walker_fail(p, counting, path, F8K_STATUS_IO, "directories nested too deep");
            return;
        }
        walk_directory(p, path, counting, depth);
        return;
    }
    if (!S_ISREG(st.st_mode)) {
        walker_fail(p, counting, path, F8K_STATUS_IO, file_type_name(st.st_mode));
        return;
    }
    if (!named && !wanted_extension(path))
        return;
    if (counting) {
        p->count_files++;
        p->count_bytes += (unsigned long long)st.st_size;
        return;
    }
    {
        job_t *job = job_new(path, &st);
        if (job != NULL)
            walker_emit(p, job);
    }
}

static void *walker_main(void *arg)
{
    pipeline_t *p = arg;
    size_t i;
    if (p->count_first) {
        unsigned long files = 0;
        unsigned long long bytes = 0;
        for (i = 0; i < p->n_roots && !walker_stopping(p); i++)
            walk(p, p->roots[i], true, true, 0);
        files = p->count_files;
        bytes = p->count_bytes;
        if (p->seen != NULL)
            memset(p->seen, 0, p->cap_seen * sizeof *p->seen);
        p->n_seen = 0;
        pthread_mutex_lock(&p->mutex);
        p->files_total = files;
        p->bytes_total = bytes;
        pthread_mutex_unlock(&p->mutex);
    }
    for (i = 0; i < p->n_roots && !walker_stopping(p); i++)
        walk(p, p->roots[i], true, false, 0);
    pthread_mutex_lock(&p->mutex);
    p->walk_done = true;
    pthread_cond_signal(&p->main_cond);
    pthread_mutex_unlock(&p->mutex);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Worker threads: read, hash, parse, extract, analyze.                */
/* ------------------------------------------------------------------ */

static void job_fail(job_t *job, f8k_status_t status, const char *reason)
{
    job->failed = true;
    job->status = status;
    free(job->reason);
    job->reason = strdup(reason != NULL ? reason : f8k_status_to_string(status));
}

/* Read the whole regular file at PATH without ever blocking on a FIFO. */
static f8k_status_t read_whole_file(const char *path, char **buf_out, size_t *len_out,
                                    const char **reason)
{
    struct stat st;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    f8k_status_t status = F8K_STATUS_IO;

    *buf_out = NULL;
    *len_out = 0;
    *reason = NULL;
    if (fd < 0) {
        *reason = strerror(errno);
        return status;
    }
    if (fstat(fd, &st) != 0) {
        *reason = strerror(errno);
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        *reason = file_type_name(st.st_mode);
        goto done;
    }
    cap = (size_t)st.st_size + 1;
    buf = malloc(cap);
    if (buf == NULL) {
        status = F8K_STATUS_NOMEM;
        goto done;
    }
    for (;;) {
        ssize_t n;
        if (len + 1 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                status = F8K_STATUS_NOMEM;
                goto done;
            }
            buf = nb;
            cap *= 2;
        }
        n = read(fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            *reason = strerror(errno);
            goto done;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    status = F8K_STATUS_SUCCESS;
done:
    close(fd);
    if (status != F8K_STATUS_SUCCESS) {
        free(buf);
        buf = NULL;
        len = 0;
    }
    *buf_out = buf;
    *len_out = len;
    return status;
}

static void run_job(f8k_analyzer_t *analyzer, job_t *job)
{
    char *buf = NULL, *err = NULL;
    size_t len = 0;
    const char *reason = NULL;
    f8k_filing_t *filing = NULL;
    f8k_status_t status = read_whole_file(job->path, &buf, &len, &reason);

    if (status != F8K_STATUS_SUCCESS) {
        job_fail(job, status, reason);
        goto done;
    }
    job->bytes = len;
    hash128_hex(buf, len, job->hash);
    if (job->kind == JOB_CONFIRM && strcmp(job->hash, job->old_hash) == 0) {
        job->same_content = true;
        goto done;
    }
    status = f8k_filing_parse(job->path, buf, len, &filing, &err);
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_filing_extract(filing);
    if (status != F8K_STATUS_SUCCESS) {
        job_fail(job, status, err);
        goto done;
    }
    index_filing_id(filing, buf, len, job->id);
    index_year_shard(filing->filed, filing->date_of_report, job->year);
    status = index_filing_documents(analyzer, filing, job->id, job->path, &job->docs, &job->n_docs);
    if (status != F8K_STATUS_SUCCESS)
        job_fail(job, status, NULL);
done:
    f8k_filing_free(filing);
    free(err);
    free(buf);
}

static void *worker_main(void *arg)
{
    pipeline_t *p = arg;
    f8k_analyzer_t *analyzer = NULL;
    f8k_status_t astatus = f8k_analyzer_new("en", &analyzer);

    for (;;) {
        job_t *job = NULL;
        pthread_mutex_lock(&p->mutex);
        while (p->work.count == 0 && !p->shutdown)
            pthread_cond_wait(&p->worker_cond, &p->mutex);
        job = queue_pop(&p->work);
        pthread_mutex_unlock(&p->mutex);
        if (job == NULL)
            break;
        if (astatus != F8K_STATUS_SUCCESS)
            job_fail(job, astatus, "could not create the analyzer");
        else
            run_job(analyzer, job);
        pthread_mutex_lock(&p->mutex);
        queue_push(&p->results, job);
        pthread_cond_signal(&p->main_cond);
        pthread_mutex_unlock(&p->mutex);
    }
    f8k_analyzer_free(analyzer);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* The writer (the calling thread).                                    */
/* ------------------------------------------------------------------ */

typedef struct writer {
    f8k_index_t *index;
    const f8k_index_add_options_t *opts;
    f8k_index_counts_t counts;
    unsigned long files_done;
    unsigned long long bytes_done;
    size_t pending;                   /* documents in the open transaction */
    unsigned long long pending_bytes; /* bytes of the files in it */
    size_t batch;                     /* commit every BATCH documents */
    bool in_transaction;
    double start, last_progress;
    pipeline_t *p;
    struct shard_set *shards; /* a parallel build's shard writers, or NULL */
} writer_t;

static void emit(writer_t *w, f8k_index_event_kind_t kind, const char *path, f8k_status_t status,
                 const char *reason)
{
    f8k_index_event_t ev;
    if (w->opts == NULL || w->opts->progress == NULL)
        return;
    memset(&ev, 0, sizeof ev);
    ev.kind = kind;
    ev.path = path;
    ev.status = status;
    ev.reason = reason;
    ev.files_done = w->files_done;
    ev.bytes_done = w->bytes_done;
    pthread_mutex_lock(&w->p->mutex);
    ev.files_total = w->p->walk_done || w->p->count_first ? w->p->files_total : 0;
    ev.bytes_total = w->p->bytes_total;
    pthread_mutex_unlock(&w->p->mutex);
    ev.elapsed = now_seconds() - w->start;
    ev.counts = &w->counts;
    w->opts->progress(w->opts->closure, &ev);
}

static f8k_status_t writer_begin(writer_t *w)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    if (!w->in_transaction) {
        status = f8k_db_begin_transaction(w->index->db, true);
        if (status == F8K_STATUS_SUCCESS)
            w->in_transaction = true;
    }
    return status;
}

static f8k_status_t writer_commit(writer_t *w)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    if (w->in_transaction) {
        w->in_transaction = false;
        status = f8k_db_commit_transaction(w->index->db);
        w->pending = 0;
        w->pending_bytes = 0;
        if (status == F8K_STATUS_SUCCESS)
            emit(w, F8K_INDEX_EVENT_COMMIT, NULL, F8K_STATUS_SUCCESS, NULL);
    }
    return status;
}

/*
 * Write the filing of the finished JOB into DB: drop the filing the
 * file held before (when it was another one), replace the filing's
 * documents, record the filing and its file.  *HAD_OUT: whether the
 * filing was in DB already.
 */
static f8k_status_t store_job(f8k_db_t *db, const job_t *job, bool *had_out)
{
    char term[TERM_LIMIT + 1];
    char key[INDEX_ID_MAX + 16];
    bool has = false, removed = false;
    size_t i;
    f8k_status_t status = F8K_STATUS_SUCCESS;

    *had_out = false;
    if (job->same_content)
        return write_record(db, job->path, &job->st, job->hash, job->old_id);
    /* The file now holds another filing: drop the old one if it came from here. */
    if (job->old_id[0] != '\0' && strcmp(job->old_id, job->id) != 0) {
        char *from = NULL;
        snprintf(key, sizeof key, "%s%s", META_FILING_PREFIX, job->old_id);
        status = f8k_db_get_metadata(db, key, &from, NULL);
        if (status == F8K_STATUS_SUCCESS && from != NULL && strcmp(from, job->path) == 0)
            status = remove_filing(db, job->old_id, false, &removed);
        free(from);
        if (status != F8K_STATUS_SUCCESS)
            return status;
    }
    make_term(term, "XF", job->id, strlen(job->id));
    status = f8k_db_has_term(db, term, &has);
    if (status == F8K_STATUS_SUCCESS && has)
        status = f8k_db_delete_documents_by_term(db, term);
    for (i = 0; status == F8K_STATUS_SUCCESS && i < job->n_docs; i++)
        status = f8k_db_add_document(db, job->docs[i], NULL);
    snprintf(key, sizeof key, "%s%s", META_FILING_PREFIX, job->id);
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_db_set_metadata(db, key, job->path, strlen(job->path));
    if (status == F8K_STATUS_SUCCESS)
        status = write_record(db, job->path, &job->st, job->hash, job->id);
    *had_out = has;
    return status;
}

/* ------------------------------------------------------------------ */
/* Parallel build: shard writers.                                      */
/* ------------------------------------------------------------------ */

/*
 * Xapian's writer is the bottleneck of a build, so a build from empty
 * writes on several cores: each shard writer thread owns a temporary
 * database inside the index directory (SHARD_DIR_PREFIX + number) and
 * writes the filings routed to it by index_shard_of(), with their
 * file records, committing small batches (small in-memory batches
 * are faster to write).  At the end the shards and the index (its
 * own metadata) are compacted into one new database that replaces
 * the index.  Until then the index has no document and no file
 * record, so a build killed before the merge leaves an empty index:
 * the next run builds it again, after removing the stale shards.
 *
 * A sharded index (add --shard-by) uses the same writer threads over
 * its permanent shards, one thread per shard; the shards stay.
 */
#define SHARD_DIR_PREFIX "f8k-shard."
#define SHARD_QUEUE      8  /* finished jobs waiting for each shard writer */
#define SHARDS_QUEUED    64 /* ... and for all of them (a year index has dozens) */
#define SHARDS_MAX       8  /* temporary shards of a parallel build */

/* The permanent shards of a sharded index share BATCH_BYTES of input in
 * memory (each commits after its share), but commit no smaller batches
 * than this: a year index has a few dozen shards. */
#define SHARD_BATCH_BYTES_MIN (1ULL << 20)

typedef struct shard {
    struct shard_set *set;
    pthread_t thread;
    bool started;
    char *path;                       /* the shard's database directory */
    f8k_db_t *db;                     /* its writer; NULL once closed */
    pthread_cond_t work;              /* its writer: a job, or closing */
    job_queue_t queue;                /* guarded by set->mutex */
    size_t pending;                   /* documents since the last commit */
    unsigned long long pending_bytes; /* bytes of their files */
    unsigned long replaced;           /* filings met again in this run */
    unsigned long written;            /* jobs written (read after the writer exits) */
    f8k_status_t status;              /* the first failure (set->mutex) */
    char *error;                      /* its message */
} shard_t;

typedef struct shard_set {
    pthread_mutex_t mutex;
    pthread_cond_t room;            /* the caller: room in a queue */
    bool closing;                   /* writers: finish the queue, then exit */
    bool permanent;                 /* a sharded index's shards: DBs not ours to close */
    size_t batch;                   /* commit every BATCH documents */
    unsigned long long batch_bytes; /* or this many bytes of input (mutex) */
    size_t queued;                  /* jobs in all the queues */
    size_t n, cap;
    shard_t **shards;
} shard_set_t;

size_t index_shard_of(const char *filing_id, size_t n_shards)
{
    if (n_shards <= 1)
        return 0;
    return (size_t)(XXH3_64bits(filing_id, strlen(filing_id)) % n_shards);
}

static void shard_fail(shard_t *sh, f8k_status_t status, const char *message)
{
    pthread_mutex_lock(&sh->set->mutex);
    if (sh->status == F8K_STATUS_SUCCESS) {
        sh->status = status;
        sh->error = strdup(message != NULL ? message : f8k_status_to_string(status));
    }
    pthread_cond_broadcast(&sh->set->room);
    pthread_mutex_unlock(&sh->set->mutex);
}

/*
 * Forget in DB what the purge JOB supersedes, now that its filing is
 * written to another shard: the filing itself, the filing DB's record
 * of the file names (when it came from that file), and the record.
 */
static f8k_status_t purge_job(f8k_db_t *db, const job_t *job)
{
    char key[INDEX_ID_MAX + 16], fkey[48];
    char *value = NULL, *from = NULL;
    file_record_t rec;
    bool removed = false, found = false;
    f8k_status_t status = remove_filing(db, job->id, false, &removed);

    if (status == F8K_STATUS_SUCCESS)
        status = read_record(db, job->path, &rec, &value, &found);
    if (status == F8K_STATUS_SUCCESS && found && strcmp(rec.id, job->id) != 0) {
        snprintf(key, sizeof key, "%s%s", META_FILING_PREFIX, rec.id);
        status = f8k_db_get_metadata(db, key, &from, NULL);
        if (status == F8K_STATUS_SUCCESS && from != NULL && strcmp(from, job->path) == 0)
            status = remove_filing(db, rec.id, false, &removed);
    }
    index_file_key(job->path, fkey);
    if (status == F8K_STATUS_SUCCESS && found)
        status = f8k_db_set_metadata(db, fkey, "", 0);
    free(from);
    free(value);
    return status;
}

/* Write one job into the shard; commit when the batch is full (BATCH_BYTES: its input bytes). */
static f8k_status_t shard_write(shard_t *sh, const job_t *job, unsigned long long batch_bytes)
{
    bool had = false;
    f8k_status_t status = job->purge ? purge_job(sh->db, job) : store_job(sh->db, job, &had);
    if (status == F8K_STATUS_SUCCESS)
        sh->written++;
    if (status != F8K_STATUS_SUCCESS || job->same_content)
        return status;
    /* A filing that moved here from another shard was counted already. */
    sh->replaced += had && !job->moved;
    sh->pending += job->purge ? 1 : job->n_docs;
    sh->pending_bytes += job->bytes;
    if (sh->pending >= sh->set->batch || sh->pending_bytes >= batch_bytes) {
        sh->pending = 0;
        sh->pending_bytes = 0;
        status = f8k_db_commit(sh->db);
    }
    return status;
}

static void *shard_main(void *arg)
{
    shard_t *sh = arg;
    shard_set_t *set = sh->set;

    for (;;) {
        job_t *job = NULL;
        bool failed = false;
        unsigned long long batch_bytes;
        pthread_mutex_lock(&set->mutex);
        while (sh->queue.count == 0 && !set->closing)
            pthread_cond_wait(&sh->work, &set->mutex);
        job = queue_pop(&sh->queue);
        set->queued -= job != NULL;
        failed = sh->status != F8K_STATUS_SUCCESS;
        batch_bytes = set->batch_bytes;
        pthread_cond_signal(&set->room);
        pthread_mutex_unlock(&set->mutex);
        if (job == NULL)
            break;
        if (!failed) {
            f8k_status_t status = shard_write(sh, job, batch_bytes);
            if (status != F8K_STATUS_SUCCESS) {
                char *message = NULL;
                set_message(&message, sh->path, ": ", f8k_db_last_error(sh->db), NULL);
                shard_fail(sh, status, message);
                free(message);
            }
        }
        job_free(job);
    }
    return NULL;
}

/* Hand JOB (now the shard's) to the writer of shard K, waiting for room. */
static f8k_status_t shards_push(shard_set_t *set, size_t k, job_t *job)
{
    shard_t *sh = set->shards[k];
    f8k_status_t status;

    pthread_mutex_lock(&set->mutex);
    while ((sh->queue.count >= SHARD_QUEUE || set->queued >= SHARDS_QUEUED) &&
           sh->status == F8K_STATUS_SUCCESS)
        pthread_cond_wait(&set->room, &set->mutex);
    status = sh->status;
    if (status == F8K_STATUS_SUCCESS) {
        queue_push(&sh->queue, job);
        set->queued++;
        job = NULL;
        pthread_cond_signal(&sh->work);
    }
    pthread_mutex_unlock(&set->mutex);
    job_free(job);
    return status;
}

/* The first shard failure's message, or NULL. */
static const char *shards_error(const shard_set_t *set)
{
    size_t k;
    for (k = 0; set != NULL && k < set->n; k++)
        if (set->shards[k]->error != NULL)
            return set->shards[k]->error;
    return NULL;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw);

static void remove_tree(const char *path)
{
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Remove the shards a killed build left in the index directory DB. */
static void remove_stale_shards(const char *db)
{
    DIR *dir = opendir(db);
    struct dirent *e = NULL;
    if (dir == NULL)
        return;
    while ((e = readdir(dir)) != NULL) {
        if (strncmp(e->d_name, SHARD_DIR_PREFIX, strlen(SHARD_DIR_PREFIX)) == 0) {
            char *p = malloc(strlen(db) + strlen(e->d_name) + 2);
            if (p != NULL) {
                sprintf(p, "%s/%s", db, e->d_name);
                remove_tree(p);
            }
            free(p);
        }
    }
    closedir(dir);
}

/* Let the writers finish their queues, then wait for them to exit. */
static void shards_stop(shard_set_t *set)
{
    size_t k;
    pthread_mutex_lock(&set->mutex);
    set->closing = true;
    for (k = 0; k < set->n; k++)
        pthread_cond_signal(&set->shards[k]->work);
    pthread_mutex_unlock(&set->mutex);
    for (k = 0; k < set->n; k++) {
        if (set->shards[k]->started)
            pthread_join(set->shards[k]->thread, NULL);
        set->shards[k]->started = false;
    }
}

/* Stop the writers (after their queues are done), delete the
 * temporary shard databases and free SET.  NULL is a no-op. */
static void shards_free(shard_set_t *set)
{
    size_t k;
    if (set == NULL)
        return;
    shards_stop(set);
    for (k = 0; k < set->n; k++) {
        shard_t *sh = set->shards[k];
        if (!set->permanent) {
            f8k_db_close(sh->db);
            if (sh->path != NULL)
                remove_tree(sh->path);
            free(sh->path);
        }
        free(sh->error);
        pthread_cond_destroy(&sh->work);
        free(sh);
    }
    free(set->shards);
    pthread_cond_destroy(&set->room);
    pthread_mutex_destroy(&set->mutex);
    free(set);
}

static shard_set_t *shards_new(size_t batch, unsigned long long batch_bytes, bool permanent)
{
    shard_set_t *set = calloc(1, sizeof *set);
    if (set == NULL)
        return NULL;
    pthread_mutex_init(&set->mutex, NULL);
    pthread_cond_init(&set->room, NULL);
    set->batch = batch;
    set->batch_bytes = batch_bytes;
    set->permanent = permanent;
    return set;
}

/* Add a shard writing DB (at PATH) to SET and start its writer.  Once in
 * SET (set->n grew), a temporary shard's PATH (malloc'd) and DB are SET's;
 * a permanent shard's stay the caller's. */
static f8k_status_t shards_add(shard_set_t *set, char *path, f8k_db_t *db, char **error_message)
{
    shard_t *sh = NULL;
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 8;
        shard_t **grown = realloc(set->shards, cap * sizeof *grown);
        if (grown == NULL)
            return F8K_STATUS_NOMEM;
        set->shards = grown;
        set->cap = cap;
    }
    sh = calloc(1, sizeof *sh);
    if (sh == NULL)
        return F8K_STATUS_NOMEM;
    sh->set = set;
    sh->path = path;
    sh->db = db;
    pthread_cond_init(&sh->work, NULL);
    pthread_mutex_lock(&set->mutex);
    set->shards[set->n++] = sh;
    /* Each permanent shard batches in memory on its own: share BATCH_BYTES. */
    if (set->permanent)
        set->batch_bytes = BATCH_BYTES / set->n > SHARD_BATCH_BYTES_MIN ? BATCH_BYTES / set->n
                                                                        : SHARD_BATCH_BYTES_MIN;
    pthread_mutex_unlock(&set->mutex);
    if (pthread_create(&sh->thread, NULL, shard_main, sh) != 0) {
        set_message(error_message, "could not start a shard writer", NULL);
        return F8K_STATUS_INTERNAL;
    }
    sh->started = true;
    return F8K_STATUS_SUCCESS;
}

/* Create N (2..SHARDS_MAX) shard databases in the index directory DB and start their writers. */
static f8k_status_t shards_start(const char *db, size_t n, size_t batch, shard_set_t **set_out,
                                 char **error_message)
{
    shard_set_t *set = shards_new(batch, BATCH_BYTES, false);
    f8k_status_t status = F8K_STATUS_NOMEM;
    size_t k;

    *set_out = NULL;
    if (set == NULL)
        return status;
    for (k = 0; k < n; k++) {
        f8k_db_t *shard_db = NULL;
        char *path = malloc(strlen(db) + sizeof SHARD_DIR_PREFIX + 24);
        size_t before = set->n;
        if (path == NULL) {
            status = F8K_STATUS_NOMEM;
            break;
        }
        sprintf(path, "%s/%s%zu", db, SHARD_DIR_PREFIX, k);
        status = f8k_db_open_writable(path, 0, &shard_db, error_message);
        if (status == F8K_STATUS_SUCCESS)
            status = shards_add(set, path, shard_db, error_message);
        if (status != F8K_STATUS_SUCCESS && set->n == before) {
            f8k_db_close(shard_db); /* not in SET: ours to drop */
            free(path);
        }
        if (status != F8K_STATUS_SUCCESS)
            break;
    }
    if (status != F8K_STATUS_SUCCESS) {
        shards_free(set);
        set = NULL;
    }
    *set_out = set;
    return status;
}

/*
 * Let the writers finish their queues and commit their shards; count
 * the filings a shard met twice as replaced, not added.  Temporary
 * shards are closed (they stay for the merge); a sharded index's stay
 * open, committed.
 */
static f8k_status_t shards_finish(shard_set_t *set, f8k_index_counts_t *counts)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    size_t k;

    shards_stop(set);
    for (k = 0; k < set->n; k++) {
        shard_t *sh = set->shards[k];
        f8k_status_t closed = F8K_STATUS_SUCCESS;
        if (set->permanent) {
            if (sh->status == F8K_STATUS_SUCCESS)
                closed = f8k_db_commit(sh->db);
        } else {
            closed = f8k_db_close(sh->db);
            sh->db = NULL;
        }
        if (closed != F8K_STATUS_SUCCESS && sh->status == F8K_STATUS_SUCCESS)
            shard_fail(sh, closed, "could not commit a shard");
        if (status == F8K_STATUS_SUCCESS)
            status = sh->status;
        counts->added -= sh->replaced;
        counts->replaced += sh->replaced;
    }
    return status;
}

/* ------------------------------------------------------------------ */
/* Sharded index: the shards, routing, and the caller's reads.         */
/* ------------------------------------------------------------------ */

/*
 * A sharded index (add --shard-by; see index-private.h for the layout)
 * holds one writer per shard for as long as it is open, and during an
 * add one read-only handle per shard, which the calling thread checks
 * files against while the shard writer threads write.  Each shard is
 * a complete f8k database: the filings routed to it, their file and
 * filing records, the analyzer version and the last run.
 */
/*
 * Where each file record was when an add began, read once from every
 * shard, so that checking a walked file costs one lookup instead of
 * one per shard: an open-addressing set of 64-bit hashes of the record
 * keys, each slot holding a hash's top 48 bits and, in the low 16, its
 * shard + 1 (RECORD_MULTI: records in several shards).  0 is empty.
 * 16 bytes a file at most; never written during the add (the run reads
 * each path once, and a record it moves needs no second look).
 */
#define RECORD_LOW_BITS 0xFFFFULL
#define RECORD_MULTI    0xFFFFL

typedef struct record_map {
    uint64_t *slots;
    size_t cap, n; /* cap a power of 2 */
} record_map_t;

typedef struct sharded {
    index_stub_t stub;    /* the shards */
    int lock_fd;          /* the directory's lock; -1 for a stub f8k-index did not write */
    f8k_db_t **dbs;       /* a writer per shard of STUB (each holds its Xapian lock) */
    f8k_db_t **readers;   /* during an add: a reader per shard; else NULL */
    record_map_t records; /* during an add: the shards of the file records */
} sharded_t;

/* Shards a stub may list: year shards are few dozen, hash:N at most 64. */
#define SHARDED_MAX 1024

static f8k_status_t open_checked(const char *path, double wait_seconds, f8k_db_t **db_out,
                                 char **error_message);

/*
 * Call a read on the reader of shard K again after reopening it when
 * it reports that the writer moved on under it (a reader keeps its
 * revision until reopened).
 */
static f8k_status_t reader_has_term(sharded_t *sd, size_t k, const char *term, bool *has)
{
    f8k_status_t status = F8K_STATUS_DB_MODIFIED;
    int attempt;
    for (attempt = 0; attempt < 3 && status == F8K_STATUS_DB_MODIFIED; attempt++) {
        if (attempt > 0)
            f8k_db_reopen(sd->readers[k], NULL);
        status = f8k_db_has_term(sd->readers[k], term, has);
    }
    return status;
}

static f8k_status_t reader_record(sharded_t *sd, size_t k, const char *path, file_record_t *rec,
                                  char **value, bool *found)
{
    f8k_status_t status = F8K_STATUS_DB_MODIFIED;
    int attempt;
    for (attempt = 0; attempt < 3 && status == F8K_STATUS_DB_MODIFIED; attempt++) {
        if (attempt > 0) {
            free(*value);
            f8k_db_reopen(sd->readers[k], NULL);
        }
        status = read_record(sd->readers[k], path, rec, value, found);
    }
    return status;
}

static uint64_t record_hash(const char *path)
{
    char key[48];
    index_file_key(path, key);
    return XXH3_64bits(key, strlen(key)) & ~RECORD_LOW_BITS;
}

static size_t record_slot(const record_map_t *m, uint64_t h)
{
    size_t mask = m->cap - 1, i = (size_t)(h >> 16) & mask;
    while (m->slots[i] != 0 && (m->slots[i] & ~RECORD_LOW_BITS) != h)
        i = (i + 1) & mask;
    return i;
}

/* Note the record of hash H in SHARD (a second shard makes it MULTI). */
static bool record_put(record_map_t *m, uint64_t h, size_t shard)
{
    size_t i;
    if ((m->n + 1) * 2 > m->cap) {
        record_map_t grown = {calloc(m->cap ? m->cap * 2 : 1024, sizeof *grown.slots),
                              m->cap ? m->cap * 2 : 1024, 0};
        if (grown.slots == NULL)
            return false;
        for (i = 0; i < m->cap; i++)
            if (m->slots[i] != 0)
                grown.slots[record_slot(&grown, m->slots[i] & ~RECORD_LOW_BITS)] = m->slots[i];
        grown.n = m->n;
        free(m->slots);
        *m = grown;
    }
    i = record_slot(m, h);
    if (m->slots[i] == 0) {
        m->slots[i] = h | (uint64_t)(shard + 1);
        m->n++;
    } else if ((m->slots[i] & RECORD_LOW_BITS) != shard + 1) {
        m->slots[i] = h | RECORD_MULTI;
    }
    return true;
}

/* The shard of PATH's record: -1 for none, RECORD_MULTI for several. */
static long record_where(const record_map_t *m, const char *path)
{
    uint64_t slot = m->cap > 0 ? m->slots[record_slot(m, record_hash(path))] : 0;
    long low = (long)(slot & RECORD_LOW_BITS);
    if (slot == 0)
        return -1;
    return low == RECORD_MULTI ? RECORD_MULTI : low - 1;
}

/* Read the record keys of shard K into SD->records. */
static f8k_status_t records_of_shard(sharded_t *sd, size_t k)
{
    f8k_strlist_t *keys = NULL;
    size_t i, n;
    f8k_status_t status = f8k_db_metadata_keys(sd->readers[k], META_FILE_PREFIX, &keys);
    n = f8k_strlist_size(keys);
    for (i = 0; status == F8K_STATUS_SUCCESS && i < n; i++) {
        const char *key = NULL;
        size_t len = 0;
        f8k_strlist_get(keys, i, &key, &len, NULL);
        if (!record_put(&sd->records, XXH3_64bits(key, len) & ~RECORD_LOW_BITS, k))
            status = F8K_STATUS_NOMEM;
    }
    f8k_strlist_free(keys);
    return status;
}

/* Grow the handle arrays of SD to N + 1 entries. */
static f8k_status_t sharded_grow(sharded_t *sd, size_t n)
{
    f8k_db_t **dbs = realloc(sd->dbs, (n + 1) * sizeof *dbs);
    f8k_db_t **readers = NULL;
    if (dbs == NULL)
        return F8K_STATUS_NOMEM;
    sd->dbs = dbs;
    sd->dbs[n] = NULL;
    if (sd->readers == NULL)
        return F8K_STATUS_SUCCESS;
    readers = realloc(sd->readers, (n + 1) * sizeof *readers);
    if (readers == NULL)
        return F8K_STATUS_NOMEM;
    sd->readers = readers;
    sd->readers[n] = NULL;
    return F8K_STATUS_SUCCESS;
}

/*
 * Create the shard NAME of the sharded index SD and list it in the
 * stub.  The database is made (empty, committed) before the stub names
 * it, and the stub names it before any filing is written to it: a
 * crash leaves at worst an empty database that the stub does not list,
 * which the next run takes over.  *K_OUT: its number.
 */
static f8k_status_t sharded_create(sharded_t *sd, const char *name, size_t *k_out,
                                   char **error_message)
{
    size_t k = sd->stub.n;
    f8k_status_t status = F8K_STATUS_UNSUPPORTED;
    char *message = NULL;

    if (k >= SHARDED_MAX) {
        set_message(error_message, sd->stub.file, ": too many shards", NULL);
        return status;
    }
    status = sharded_grow(sd, k);
    if (status == F8K_STATUS_SUCCESS)
        status = index_stub_add(&sd->stub, name);
    if (status != F8K_STATUS_SUCCESS)
        return status;
    status = open_checked(sd->stub.paths[k], 0, &sd->dbs[k], &message);
    if (status == F8K_STATUS_SUCCESS && sd->readers != NULL)
        status = f8k_db_open(sd->stub.paths[k], &sd->readers[k], &message);
    if (status == F8K_STATUS_SUCCESS)
        status = index_stub_write(&sd->stub, &message);
    if (status != F8K_STATUS_SUCCESS) {
        set_message(error_message, sd->stub.paths[k], ": ",
                    message != NULL ? message : f8k_status_to_string(status), NULL);
        f8k_db_close(sd->dbs[k]);
        sd->dbs[k] = NULL;
        if (sd->readers != NULL) {
            f8k_db_close(sd->readers[k]);
            sd->readers[k] = NULL;
        }
        sd->stub.n--;
        free(sd->stub.names[k]);
        free(sd->stub.paths[k]);
    }
    free(message);
    *k_out = k;
    return status;
}

/* A purge job for shard writers: forget JOB's file and filing there. */
static job_t *purge_copy(const job_t *job)
{
    job_t *purge = job_new(job->path, &job->st);
    if (purge == NULL)
        return NULL;
    purge->purge = true;
    snprintf(purge->id, sizeof purge->id, "%s", job->id);
    return purge;
}

/*
 * Hand the finished JOB of a sharded index to the writer of its shard
 * (by the scheme; a file found unchanged goes back to the shard holding
 * its record), creating a year shard met for the first time.  Every
 * other shard that holds the filing, or a record of the file, gets a
 * purge job, so a filing whose year changed leaves its old shard.
 */
static f8k_status_t route_job(writer_t *w, job_t *job)
{
    f8k_index_t *index = w->index;
    sharded_t *sd = index->sharded;
    char name[INDEX_SHARD_NAME_MAX], term[TERM_LIMIT + 1];
    size_t dest = 0, k;
    long listed, where;
    f8k_status_t status = F8K_STATUS_SUCCESS;

    if (job->same_content)
        return shards_push(w->shards, (size_t)job->rec_shard, job);
    index_shard_name(&sd->stub.scheme, job->id, job->year, name);
    listed = index_stub_find(&sd->stub, name);
    if (listed >= 0) {
        dest = (size_t)listed;
    } else {
        status = sharded_create(sd, name, &dest, &index->last_error);
        if (status == F8K_STATUS_SUCCESS)
            status = shards_add(w->shards, sd->stub.paths[dest], sd->dbs[dest], &index->last_error);
        if (status != F8K_STATUS_SUCCESS) {
            job_free(job);
            return status;
        }
    }
    make_term(term, "XF", job->id, strlen(job->id));
    job->old_id[0] = '\0';
    where = record_where(&sd->records, job->path);
    for (k = 0; status == F8K_STATUS_SUCCESS && k < sd->stub.n; k++) {
        file_record_t rec;
        char *value = NULL;
        bool found = false, has = false;
        if (where == RECORD_MULTI || where == (long)k)
            status = reader_record(sd, k, job->path, &rec, &value, &found);
        if (status == F8K_STATUS_SUCCESS && k == dest && found) /* store_job() drops it there */
            snprintf(job->old_id, sizeof job->old_id, "%s", rec.id);
        free(value);
        /* By hash the filing's shard never changes; by year it may have. */
        if (status == F8K_STATUS_SUCCESS && k != dest && sd->stub.scheme.kind != INDEX_SCHEME_HASH)
            status = reader_has_term(sd, k, term, &has);
        job->moved |= has;
        if (status == F8K_STATUS_SUCCESS && k != dest && (found || has)) {
            job_t *purge = purge_copy(job);
            status = purge != NULL ? shards_push(w->shards, k, purge) : F8K_STATUS_NOMEM;
        }
    }
    if (status != F8K_STATUS_SUCCESS) {
        if (index->last_error[0] == '\0')
            set_message(&index->last_error, f8k_status_to_string(status), NULL);
        job_free(job);
        return status;
    }
    w->counts.added += !job->moved;
    w->counts.replaced += job->moved;
    return shards_push(w->shards, dest, job);
}

/*
 * The file-state record of a walked file in a sharded index, from the
 * shard that SD->records names.  Records in several shards (a run
 * killed between writing a filing to its new shard and purging its old
 * one) count as none, so the file is indexed again and route_job()
 * purges the others.  *K_OUT: the record's shard, or -1.
 */
static f8k_status_t sharded_record(sharded_t *sd, const char *path, file_record_t *rec,
                                   char **value_out, long *k_out, bool *found_out)
{
    long k = record_where(&sd->records, path);
    f8k_status_t status = F8K_STATUS_SUCCESS;

    *found_out = false;
    *value_out = NULL;
    *k_out = -1;
    if (k < 0 || k == RECORD_MULTI)
        return status;
    status = reader_record(sd, (size_t)k, path, rec, value_out, found_out);
    if (status == F8K_STATUS_SUCCESS && *found_out)
        *k_out = k;
    return status;
}

/*
 * Write one finished job and free it (a parallel build hands it to its
 * shard writer instead).  Failures of the input are counted, not
 * returned.
 */
static f8k_status_t write_job(writer_t *w, job_t *job)
{
    bool had = false;
    f8k_status_t status = F8K_STATUS_SUCCESS;

    w->files_done++;
    w->bytes_done += job->failed ? 0 : (unsigned long long)job->st.st_size;
    if (job->failed) {
        w->counts.failed++;
        emit(w, F8K_INDEX_EVENT_FAILED, job->path, job->status, job->reason);
        job_free(job);
        return F8K_STATUS_SUCCESS;
    }
    if (job->same_content) {
        w->counts.unchanged++;
    } else {
        /* A filing met twice in a parallel build is corrected when the
         * shards report their replacements (shards_finish). */
        w->counts.bytes += job->bytes;
        w->counts.documents += job->n_docs;
    }
    if (w->index->sharded != NULL)
        return route_job(w, job);
    if (w->shards != NULL) {
        w->counts.added += !job->same_content;
        return shards_push(w->shards,
                           index_shard_of(job->id[0] != '\0' ? job->id : job->old_id, w->shards->n),
                           job);
    }
    status = writer_begin(w);
    if (status == F8K_STATUS_SUCCESS)
        status = store_job(w->index->db, job, &had);
    if (status == F8K_STATUS_SUCCESS && !job->same_content) {
        if (had)
            w->counts.replaced++;
        else
            w->counts.added++;
        w->pending += job->n_docs;
        w->pending_bytes += job->bytes;
        if (w->pending >= w->batch || w->pending_bytes >= BATCH_BYTES)
            status = writer_commit(w);
    }
    job_free(job);
    return status;
}

/*
 * Decide what to do with a walked file: skip it (unchanged), or make
 * it a job.  Returns the job to queue, or NULL when skipped.
 */
static f8k_status_t check_candidate(writer_t *w, job_t *job, bool *skip_out)
{
    file_record_t rec;
    char *value = NULL;
    bool found = false;
    f8k_status_t status =
        w->index->sharded != NULL
            ? sharded_record(w->index->sharded, job->path, &rec, &value, &job->rec_shard, &found)
            : read_record(w->index->db, job->path, &rec, &value, &found);

    *skip_out = false;
    if (status != F8K_STATUS_SUCCESS)
        goto done;
    if (!found) {
        job->kind = JOB_INDEX;
        goto done;
    }
    snprintf(job->old_id, sizeof job->old_id, "%s", rec.id);
    if (rec.ino == (unsigned long long)job->st.st_ino &&
        rec.size == (unsigned long long)job->st.st_size &&
        rec.mtime_s == (long long)job->st.st_mtim.tv_sec &&
        rec.mtime_ns == (long long)job->st.st_mtim.tv_nsec) {
        *skip_out = true;
    } else if (rec.size == (unsigned long long)job->st.st_size) {
        job->kind = JOB_CONFIRM;
        snprintf(job->old_hash, sizeof job->old_hash, "%s", rec.hash);
    } else {
        job->kind = JOB_INDEX;
    }
done:
    free(value);
    return status;
}

/* ------------------------------------------------------------------ */
/* Prune.                                                              */
/* ------------------------------------------------------------------ */

static bool path_under(const char *path, const char *root)
{
    size_t n = strlen(root);
    while (n > 1 && root[n - 1] == '/')
        n--;
    return strncmp(path, root, n) == 0 && (path[n] == '/' || (n == 1 && root[0] == '/'));
}

/* Remove from DB the filings whose files under ROOTS are gone, in one transaction. */
static f8k_status_t prune(writer_t *w, f8k_db_t *db, char **roots, size_t n_roots)
{
    f8k_strlist_t *keys = NULL;
    bool began = false;
    size_t i, k, n;
    f8k_status_t status = f8k_db_metadata_keys(db, META_FILE_PREFIX, &keys);

    n = f8k_strlist_size(keys);
    for (i = 0; status == F8K_STATUS_SUCCESS && i < n; i++) {
        const char *key = NULL;
        char *value = NULL;
        file_record_t rec;
        struct stat st;
        bool under = false, removed = false;

        f8k_strlist_get(keys, i, &key, NULL, NULL);
        status = f8k_db_get_metadata(db, key, &value, NULL);
        if (status != F8K_STATUS_SUCCESS || value == NULL || !parse_record(value, &rec)) {
            free(value);
            continue;
        }
        for (k = 0; k < n_roots && !under; k++)
            under = roots[k] != NULL && path_under(rec.path, roots[k]);
        if (under && stat(rec.path, &st) != 0 && (errno == ENOENT || errno == ENOTDIR)) {
            char fkey[INDEX_ID_MAX + 16];
            char *from = NULL;
            if (!began) {
                status = f8k_db_begin_transaction(db, true);
                began = status == F8K_STATUS_SUCCESS;
            }
            snprintf(fkey, sizeof fkey, "%s%s", META_FILING_PREFIX, rec.id);
            if (status == F8K_STATUS_SUCCESS)
                status = f8k_db_get_metadata(db, fkey, &from, NULL);
            if (status == F8K_STATUS_SUCCESS && from != NULL && strcmp(from, rec.path) == 0)
                status = remove_filing(db, rec.id, false, &removed);
            if (status == F8K_STATUS_SUCCESS)
                status = f8k_db_set_metadata(db, key, "", 0);
            if (removed)
                w->counts.removed++;
            free(from);
        }
        free(value);
    }
    f8k_strlist_free(keys);
    if (began && status == F8K_STATUS_SUCCESS)
        status = f8k_db_commit_transaction(db);
    else if (began)
        f8k_db_cancel_transaction(db);
    return status;
}

/* ------------------------------------------------------------------ */
/* Add.                                                                */
/* ------------------------------------------------------------------ */

static f8k_status_t store_lastrun(writer_t *w, f8k_db_t *db, double seconds)
{
    json_object *o = json_object_new_object();
    char stamp[32];
    time_t t = time(NULL);
    struct tm tm;
    const char *s = NULL;
    f8k_status_t status = F8K_STATUS_NOMEM;

    gmtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_object_object_add(o, "time", json_object_new_string(stamp));
    json_object_object_add(o, "seconds", json_object_new_double(seconds));
    json_object_object_add(o, "added", json_object_new_int64((int64_t)w->counts.added));
    json_object_object_add(o, "replaced", json_object_new_int64((int64_t)w->counts.replaced));
    json_object_object_add(o, "unchanged", json_object_new_int64((int64_t)w->counts.unchanged));
    json_object_object_add(o, "removed", json_object_new_int64((int64_t)w->counts.removed));
    json_object_object_add(o, "failed", json_object_new_int64((int64_t)w->counts.failed));
    s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
    if (s != NULL)
        status = f8k_db_set_metadata(db, META_LASTRUN, s, strlen(s));
    json_object_put(o);
    return status;
}

static unsigned default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

/* Absolute forms of the roots (realpath when it resolves). */
static char **absolute_roots(const char *const *paths, size_t n)
{
    char **roots = calloc(n + 1, sizeof *roots);
    size_t i;
    if (roots == NULL)
        return NULL;
    for (i = 0; i < n; i++) {
        char *r = realpath(paths[i], NULL);
        roots[i] = r != NULL ? r : strdup(paths[i]);
    }
    return roots;
}

static void free_roots(char **roots, size_t n)
{
    size_t i;
    if (roots == NULL)
        return;
    for (i = 0; i < n; i++)
        free(roots[i]);
    free(roots);
}

static f8k_status_t compact_swap(const char *clean, const char *const *shards, size_t n_shards,
                                 mode_t mode, char **old_out, char **error_message);

/*
 * Compact the database at PATH, whose writer *DB the caller holds, in
 * place (see compact_swap()); *DB is reopened on the new directory
 * (NULL if that fails).  On failure the database stays as it was.
 */
static f8k_status_t compact_in_place(f8k_db_t **db, const char *path, char **error_message)
{
    char *old = NULL;
    struct stat st;
    f8k_status_t status = F8K_STATUS_IO;

    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        set_message(error_message, path, ": not a database directory", NULL);
        return status;
    }
    status = compact_swap(path, NULL, 0, st.st_mode, &old, error_message);
    if (status != F8K_STATUS_SUCCESS)
        return status;
    f8k_db_close(*db);
    *db = NULL;
    status = f8k_db_open_writable(path, 0, db, error_message);
    remove_tree(old);
    free(old);
    return status;
}

/*
 * A database built from empty in this run is compacted in place at
 * the end (fuller B-tree blocks: about half the size, faster
 * searches).  Best effort: on failure the uncompacted index stays.
 * The lock is held throughout.
 */
static void compact_new_index(writer_t *w)
{
    emit(w, F8K_INDEX_EVENT_MERGING, NULL, F8K_STATUS_SUCCESS, NULL);
    compact_in_place(&w->index->db, w->index->path, NULL);
}

/*
 * Merge the committed shards of a parallel build and the index into
 * one compact database that replaces the index (see compact_swap());
 * the handle is reopened on it.  On failure the index is left as it
 * was: without the shards' filings.
 */
static f8k_status_t merge_shards(writer_t *w)
{
    f8k_index_t *index = w->index;
    const char *sources[SHARDS_MAX];
    char *old = NULL, *message = NULL;
    struct stat st;
    size_t k;
    f8k_status_t status = F8K_STATUS_IO;

    if (stat(index->path, &st) != 0) {
        set_message(&index->last_error, index->path, ": ", strerror(errno), NULL);
        return status;
    }
    for (k = 0; k < w->shards->n; k++)
        sources[k] = w->shards->shards[k]->path;
    emit(w, F8K_INDEX_EVENT_MERGING, NULL, F8K_STATUS_SUCCESS, NULL);
    status = compact_swap(index->path, sources, w->shards->n, st.st_mode, &old, &message);
    if (status == F8K_STATUS_SUCCESS) {
        f8k_db_close(index->db);
        index->db = NULL;
        status = f8k_db_open_writable(index->path, 0, &index->db, &message);
        remove_tree(old);
    }
    if (status != F8K_STATUS_SUCCESS)
        set_message(&index->last_error, "merging the shards: ",
                    message != NULL ? message : f8k_status_to_string(status), NULL);
    free(message);
    free(old);
    return status;
}

/*
 * Whether a run may build INDEX in parallel shards: its database is a
 * directory with no document and no file or filing record (new, or
 * left empty by a build killed before its merge).
 */
static f8k_status_t fresh_index(f8k_index_t *index, bool *fresh_out)
{
    f8k_strlist_t *files = NULL, *filings = NULL;
    struct stat st;
    unsigned docs = 0;
    f8k_status_t status = f8k_db_doccount(index->db, &docs);

    *fresh_out = false;
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_db_metadata_keys(index->db, META_FILE_PREFIX, &files);
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_db_metadata_keys(index->db, META_FILING_PREFIX, &filings);
    if (status == F8K_STATUS_SUCCESS)
        *fresh_out = docs == 0 && f8k_strlist_size(files) == 0 && f8k_strlist_size(filings) == 0 &&
                     stat(index->path, &st) == 0 && S_ISDIR(st.st_mode);
    f8k_strlist_free(files);
    f8k_strlist_free(filings);
    return status;
}

/*
 * Start an add on the sharded INDEX: a reader and a writer thread per
 * shard.  *BEFORE_OUT (malloc'd): each shard's document count now, so
 * that the shards built from empty can be compacted at the end.
 */
static f8k_status_t sharded_begin(writer_t *w, unsigned **before_out)
{
    f8k_index_t *index = w->index;
    sharded_t *sd = index->sharded;
    unsigned *before = calloc(sd->stub.n + 1, sizeof *before);
    char *message = NULL;
    size_t k;
    f8k_status_t status = F8K_STATUS_NOMEM;

    *before_out = before;
    if (sd->stub.scheme.kind == INDEX_SCHEME_NONE) {
        set_message(&index->last_error, sd->stub.file,
                    ": a stub that f8k-index add --shard-by did not write (no shard scheme), so "
                    "add cannot tell which shard a filing goes to",
                    NULL);
        return F8K_STATUS_UNSUPPORTED;
    }
    sd->readers = calloc(sd->stub.n + 1, sizeof *sd->readers);
    w->shards = shards_new(w->batch, BATCH_BYTES, true);
    if (before == NULL || sd->readers == NULL || w->shards == NULL)
        return status;
    status = F8K_STATUS_SUCCESS;
    for (k = 0; status == F8K_STATUS_SUCCESS && k < sd->stub.n; k++) {
        status = f8k_db_doccount(sd->dbs[k], &before[k]);
        if (status == F8K_STATUS_SUCCESS)
            status = f8k_db_open(sd->stub.paths[k], &sd->readers[k], &message);
        if (status == F8K_STATUS_SUCCESS)
            status = records_of_shard(sd, k);
        if (status == F8K_STATUS_SUCCESS)
            status = shards_add(w->shards, sd->stub.paths[k], sd->dbs[k], &message);
        if (status != F8K_STATUS_SUCCESS)
            set_message(&index->last_error, sd->stub.paths[k], ": ",
                        message != NULL ? message : f8k_db_last_error(sd->dbs[k]), NULL);
    }
    free(message);
    return status;
}

/* Close the readers of an add on the sharded index SD; drop its record map. */
static void sharded_end(sharded_t *sd)
{
    size_t k;
    for (k = 0; sd->readers != NULL && k < sd->stub.n; k++)
        f8k_db_close(sd->readers[k]);
    free(sd->readers);
    sd->readers = NULL;
    free(sd->records.slots);
    memset(&sd->records, 0, sizeof sd->records);
}

/* Whether the writer of shard K wrote anything in this run. */
static bool shard_written(const shard_set_t *set, size_t k)
{
    return k < set->n && set->shards[k]->written > 0;
}

static bool shards_written(const shard_set_t *set)
{
    size_t k;
    for (k = 0; k < set->n; k++)
        if (set->shards[k]->written > 0)
            return true;
    return false;
}

/*
 * The end of an add: prune (when asked), record the run and commit, in
 * the index or in its shards.  A failing shard is named.  The run is
 * recorded in the shards it wrote (the first when it wrote none), so
 * that a shard this run left alone gets no new revision.
 */
static f8k_status_t finish_databases(writer_t *w, char **roots, size_t n_roots, bool prune_too)
{
    f8k_index_t *index = w->index;
    size_t n = index->sharded != NULL ? index->sharded->stub.n : 1, k;
    f8k_status_t status = F8K_STATUS_SUCCESS;

    if (prune_too) {
        for (k = 0; status == F8K_STATUS_SUCCESS && k < n; k++) {
            f8k_db_t *db = index->sharded != NULL ? index->sharded->dbs[k] : index->db;
            status = prune(w, db, roots, n_roots);
            if (status != F8K_STATUS_SUCCESS && index->sharded != NULL)
                set_message(&index->last_error, index->sharded->stub.paths[k], ": ",
                            f8k_db_last_error(db), NULL);
        }
    }
    for (k = 0; status == F8K_STATUS_SUCCESS && k < n; k++) {
        f8k_db_t *db = index->sharded != NULL ? index->sharded->dbs[k] : index->db;
        if (index->sharded != NULL && !shard_written(w->shards, k) &&
            (k > 0 || shards_written(w->shards)))
            continue;
        status = store_lastrun(w, db, now_seconds() - w->start);
        if (status == F8K_STATUS_SUCCESS)
            status = f8k_db_commit(db);
        if (status != F8K_STATUS_SUCCESS && index->sharded != NULL)
            set_message(&index->last_error, index->sharded->stub.paths[k], ": ",
                        f8k_db_last_error(db), NULL);
    }
    return status;
}

/* Compact the shards that were empty when the add began (BEFORE: the
 * N_BEFORE counts then; shards made since count as empty) and hold
 * documents now: best effort, like compact_new_index(). */
static void compact_new_shards(writer_t *w, const unsigned *before, size_t n_before)
{
    sharded_t *sd = w->index->sharded;
    bool announced = false;
    size_t k;
    for (k = 0; k < sd->stub.n; k++) {
        unsigned docs = 0;
        if ((k < n_before && before[k] > 0) ||
            f8k_db_doccount(sd->dbs[k], &docs) != F8K_STATUS_SUCCESS || docs == 0)
            continue;
        if (!announced)
            emit(w, F8K_INDEX_EVENT_MERGING, NULL, F8K_STATUS_SUCCESS, NULL);
        announced = true;
        compact_in_place(&sd->dbs[k], sd->stub.paths[k], NULL);
    }
}

f8k_status_t f8k_index_add(f8k_index_t *index, const char *const *paths, size_t n,
                           const f8k_index_add_options_t *options, f8k_index_counts_t *counts_out)
{
    pipeline_t p;
    writer_t w;
    pthread_t walker;
    pthread_t *workers = NULL;
    char **roots = NULL;
    unsigned jobs = 0, started = 0, u, docs_before = 0, *shard_docs_before = NULL;
    size_t n_shards_before = index != NULL && index->sharded != NULL ? index->sharded->stub.n : 0;
    bool walker_started = false, stopped = false, fresh = false;
    f8k_status_t status = F8K_STATUS_SUCCESS;

    if (counts_out != NULL)
        memset(counts_out, 0, sizeof *counts_out);
    if (index == NULL || (paths == NULL && n > 0))
        return F8K_STATUS_INVALID_ARG;
    memset(&p, 0, sizeof p);
    memset(&w, 0, sizeof w);
    w.index = index;
    w.opts = options;
    w.p = &p;
    w.start = now_seconds();
    w.batch = options != NULL && options->batch_documents > 0 ? options->batch_documents : 200;
    jobs = options != NULL && options->jobs > 0 ? options->jobs : default_jobs();
    if (jobs > 256)
        jobs = 256;

    if (index->sharded != NULL) {
        status = sharded_begin(&w, &shard_docs_before);
        if (status != F8K_STATUS_SUCCESS)
            goto done;
    } else {
        status = f8k_db_doccount(index->db, &docs_before);
        if (status == F8K_STATUS_SUCCESS)
            status = fresh_index(index, &fresh);
        if (status != F8K_STATUS_SUCCESS)
            return status;
        remove_stale_shards(index->path);
    }
    if (fresh && jobs >= 2) {
        char *message = NULL;
        status = shards_start(index->path, jobs < SHARDS_MAX ? jobs : SHARDS_MAX, w.batch,
                              &w.shards, &message);
        if (status != F8K_STATUS_SUCCESS)
            set_message(&index->last_error, message != NULL ? message : "", NULL);
        free(message);
        if (status != F8K_STATUS_SUCCESS)
            return status;
    }
    roots = absolute_roots(paths, n);
    workers = calloc(jobs, sizeof *workers);
    if (roots == NULL || workers == NULL) {
        status = F8K_STATUS_NOMEM;
        goto done;
    }
    pthread_mutex_init(&p.mutex, NULL);
    pthread_cond_init(&p.main_cond, NULL);
    pthread_cond_init(&p.worker_cond, NULL);
    pthread_cond_init(&p.walker_cond, NULL);
    p.roots = (const char *const *)roots;
    p.n_roots = n;
    p.count_first = options != NULL && options->count_first;
    p.max_in_flight = 2 * (size_t)jobs + 2;
    p.max_candidates = 256;

    for (u = 0; u < jobs; u++) {
        if (pthread_create(&workers[u], NULL, worker_main, &p) != 0)
            break;
        started++;
    }
    if (started == 0 || pthread_create(&walker, NULL, walker_main, &p) != 0) {
        status = F8K_STATUS_INTERNAL;
        set_message(&index->last_error, "could not start threads", NULL);
        goto stop_threads;
    }
    walker_started = true;

    for (;;) {
        job_t *cand = NULL, *res = NULL;
        bool finished = false;
        struct timespec deadline;

        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_nsec += 100000000L;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
        pthread_mutex_lock(&p.mutex);
        while (p.results.count == 0 && !(p.candidates.count > 0 && p.in_flight < p.max_in_flight) &&
               !(p.walk_done && p.candidates.count == 0 && p.in_flight == 0)) {
            if (pthread_cond_timedwait(&p.main_cond, &p.mutex, &deadline) == ETIMEDOUT)
                break;
        }
        res = queue_pop(&p.results);
        if (res != NULL)
            p.in_flight--;
        if (res == NULL && p.in_flight < p.max_in_flight) {
            cand = queue_pop(&p.candidates);
            if (cand != NULL)
                pthread_cond_signal(&p.walker_cond);
        }
        finished = res == NULL && cand == NULL && p.walk_done && p.candidates.count == 0 &&
                   p.in_flight == 0;
        pthread_mutex_unlock(&p.mutex);

        if (res != NULL) {
            status = write_job(&w, res);
        } else if (cand != NULL) {
            bool skip = false;
            if (cand->failed) {
                status = write_job(&w, cand);
            } else {
                status = check_candidate(&w, cand, &skip);
                if (status != F8K_STATUS_SUCCESS || skip) {
                    if (skip) {
                        w.counts.unchanged++;
                        w.files_done++;
                        w.bytes_done += (unsigned long long)cand->st.st_size;
                    }
                    job_free(cand);
                } else {
                    pthread_mutex_lock(&p.mutex);
                    queue_push(&p.work, cand);
                    p.in_flight++;
                    pthread_cond_signal(&p.worker_cond);
                    pthread_mutex_unlock(&p.mutex);
                }
            }
        }
        if (status != F8K_STATUS_SUCCESS) {
            const char *why = shards_error(w.shards);
            if (why == NULL && index->sharded == NULL)
                why = f8k_db_last_error(index->db);
            if (why != NULL)
                set_message(&index->last_error, why, NULL);
            break;
        }
        if (!stopped && options != NULL && options->stop != NULL && *options->stop) {
            /* Stop: drop the queued work, let running jobs finish and write them. */
            job_t *j = NULL;
            stopped = true;
            pthread_mutex_lock(&p.mutex);
            p.stopping = true;
            while ((j = queue_pop(&p.work)) != NULL) {
                p.in_flight--;
                job_free(j);
            }
            while ((j = queue_pop(&p.candidates)) != NULL)
                job_free(j);
            pthread_cond_broadcast(&p.walker_cond);
            pthread_mutex_unlock(&p.mutex);
        }
        if (now_seconds() - w.last_progress >= 0.1) {
            w.last_progress = now_seconds();
            emit(&w, F8K_INDEX_EVENT_PROGRESS, NULL, F8K_STATUS_SUCCESS, NULL);
        }
        if (finished)
            break;
    }

stop_threads:
    pthread_mutex_lock(&p.mutex);
    p.stopping = true;
    p.shutdown = true;
    {
        job_t *j = NULL;
        while ((j = queue_pop(&p.work)) != NULL)
            job_free(j);
        while ((j = queue_pop(&p.candidates)) != NULL)
            job_free(j);
    }
    pthread_cond_broadcast(&p.worker_cond);
    pthread_cond_broadcast(&p.walker_cond);
    pthread_mutex_unlock(&p.mutex);
    if (walker_started)
        pthread_join(walker, NULL);
    for (u = 0; u < started; u++)
        pthread_join(workers[u], NULL);
    {
        job_t *j = NULL;
        while ((j = queue_pop(&p.results)) != NULL) {
            if (status == F8K_STATUS_SUCCESS)
                status = write_job(&w, j);
            else
                job_free(j);
        }
        while ((j = queue_pop(&p.candidates)) != NULL)
            job_free(j);
    }
    if (status == F8K_STATUS_SUCCESS)
        status = writer_commit(&w);
    else if (w.in_transaction) {
        f8k_db_cancel_transaction(index->db);
        w.in_transaction = false;
    }
    if (w.shards != NULL) {
        f8k_status_t shard_status = shards_finish(w.shards, &w.counts);
        if (status == F8K_STATUS_SUCCESS && shard_status != F8K_STATUS_SUCCESS) {
            status = shard_status;
            set_message(&index->last_error, shards_error(w.shards), NULL);
        }
    }
    if (status == F8K_STATUS_SUCCESS)
        status = finish_databases(&w, roots, n, options != NULL && options->prune && !stopped);
    if (index->sharded != NULL) {
        if (status == F8K_STATUS_SUCCESS && !stopped)
            compact_new_shards(&w, shard_docs_before, n_shards_before);
    } else if (status == F8K_STATUS_SUCCESS && w.shards != NULL) {
        /* A stopped parallel build is merged too: what is done is kept. */
        status = merge_shards(&w);
    } else if (status == F8K_STATUS_SUCCESS && docs_before == 0 && w.counts.documents > 0 &&
               !stopped)
        compact_new_index(&w);
    if (status != F8K_STATUS_SUCCESS && index->last_error[0] == '\0')
        set_message(&index->last_error, f8k_db_last_error(index->db), NULL);
    emit(&w, F8K_INDEX_EVENT_PROGRESS, NULL, F8K_STATUS_SUCCESS, NULL);
    pthread_cond_destroy(&p.walker_cond);
    pthread_cond_destroy(&p.worker_cond);
    pthread_cond_destroy(&p.main_cond);
    pthread_mutex_destroy(&p.mutex);
    free(p.seen);
done:
    shards_free(w.shards);
    if (index->sharded != NULL)
        sharded_end(index->sharded);
    free(shard_docs_before);
    free_roots(roots, n);
    free(workers);
    if (counts_out != NULL)
        *counts_out = w.counts;
    if (status == F8K_STATUS_SUCCESS && stopped)
        status = F8K_STATUS_INTERRUPTED;
    return status;
}

/* ------------------------------------------------------------------ */
/* Open, close, remove.                                                */
/* ------------------------------------------------------------------ */

/*
 * Open the f8k database at PATH for writing (creating it): take its
 * lock, then check the analyzer and schema versions it was written
 * with (a new one gets ours).
 */
static f8k_status_t open_checked(const char *path, double wait_seconds, f8k_db_t **db_out,
                                 char **error_message)
{
    f8k_db_t *db = NULL;
    char *stored = NULL, *schema = NULL;
    size_t len = 0;
    unsigned docs = 0;
    const char *mine = f8k_analyzer_version_string();
    f8k_status_t status = f8k_db_open_writable(path, wait_seconds, &db, error_message);

    *db_out = NULL;
    if (status != F8K_STATUS_SUCCESS)
        return status;
    status = f8k_db_get_metadata(db, META_ANALYZER, &stored, &len);
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_db_get_metadata(db, META_SCHEMA, &schema, NULL);
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_db_doccount(db, &docs);
    if (status != F8K_STATUS_SUCCESS) {
        set_message(error_message, f8k_db_last_error(db), NULL);
    } else if (len == 0 && docs == 0) {
        status = f8k_db_set_metadata(db, META_ANALYZER, mine, strlen(mine));
        if (status == F8K_STATUS_SUCCESS)
            status = f8k_db_set_metadata(db, META_SCHEMA, SCHEMA_VERSION, strlen(SCHEMA_VERSION));
        if (status == F8K_STATUS_SUCCESS)
            status = f8k_db_commit(db);
        if (status != F8K_STATUS_SUCCESS)
            set_message(error_message, f8k_db_last_error(db), NULL);
    } else if (len == 0) {
        status = F8K_STATUS_DB_VERSION;
        set_message(error_message, path, ": not an f8k index (no analyzer version recorded)", NULL);
    } else if (strcmp(stored, mine) != 0) {
        status = F8K_STATUS_DB_VERSION;
        set_message(error_message, "the index was written by another analyzer (", stored,
                    "; this is ", mine,
                    "): reindex: remove the database and run f8k-index add again", NULL);
    } else if (strcmp(schema, SCHEMA_VERSION) != 0) {
        status = F8K_STATUS_DB_VERSION;
        set_message(error_message, "the index has term scheme ", schema, " (this f8k-index writes ",
                    SCHEMA_VERSION, "): reindex: remove the database and run f8k-index add again",
                    NULL);
    }
    free(stored);
    free(schema);
    if (status != F8K_STATUS_SUCCESS)
        f8k_db_close(db);
    else
        *db_out = db;
    return status;
}

static void sharded_free(sharded_t *sd)
{
    size_t k;
    if (sd == NULL)
        return;
    sharded_end(sd);
    for (k = 0; sd->dbs != NULL && k < sd->stub.n; k++)
        f8k_db_close(sd->dbs[k]);
    free(sd->dbs);
    index_stub_clear(&sd->stub);
    if (sd->lock_fd >= 0)
        close(sd->lock_fd);
    free(sd);
}

/*
 * Whether the directory PATH may become a new sharded index: it does
 * not exist (then it is created, mode 0700), or holds nothing but what
 * a run killed while creating it leaves (the lock file, a stub being
 * written).
 */
static f8k_status_t new_index_dir(const char *path, char **error_message)
{
    DIR *dir = NULL;
    struct dirent *e = NULL;
    f8k_status_t status = F8K_STATUS_SUCCESS;

    if (mkdir(path, 0700) == 0)
        return status;
    if (errno != EEXIST) {
        set_message(error_message, path, ": ", strerror(errno), NULL);
        return F8K_STATUS_IO;
    }
    dir = opendir(path);
    if (dir == NULL) {
        set_message(error_message, path, ": not a directory, so it cannot hold shards", NULL);
        return F8K_STATUS_INVALID_ARG;
    }
    while (status == F8K_STATUS_SUCCESS && (e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            strcmp(e->d_name, INDEX_LOCK_FILE) == 0 ||
            strncmp(e->d_name, INDEX_STUB_FILE ".new-", sizeof INDEX_STUB_FILE + 4) == 0)
            continue;
        status = F8K_STATUS_INVALID_ARG;
        set_message(error_message, path,
                    strcmp(e->d_name, "iamglass") == 0
                        ? ": an index that is not sharded; --shard-by applies only to a new "
                          "database (build one beside it, or add without --shard-by)"
                        : ": not empty and not a sharded index; --shard-by needs a new database",
                    NULL);
    }
    closedir(dir);
    return status;
}

/* INVALID_ARG with a message when --shard-by WANT is not HAVE, the scheme of the index PATH. */
static f8k_status_t scheme_conflict(const char *path, const index_scheme_t *have,
                                    const index_scheme_t *want, char **error_message)
{
    char h[INDEX_SHARD_NAME_MAX], w[INDEX_SHARD_NAME_MAX];
    index_scheme_format(have, h);
    index_scheme_format(want, w);
    if (strcmp(h, w) == 0)
        return F8K_STATUS_SUCCESS;
    if (have->kind == INDEX_SCHEME_NONE)
        set_message(error_message, path, ": a stub that f8k-index did not write; --shard-by ", w,
                    " applies only to a new database", NULL);
    else
        set_message(error_message, path, ": sharded by ", h, "; --shard-by ", w,
                    " conflicts (add to it without --shard-by)", NULL);
    return F8K_STATUS_INVALID_ARG;
}

/*
 * Open the sharded index INDEX->path: the stub FILE (NULL: a new one,
 * made with the scheme WANT), under the directory's lock; the scheme
 * WANT (when not NULL) must be the one recorded.  Every shard is opened
 * for writing; a hash:N index gets any of its N shards that is missing.
 */
static f8k_status_t open_sharded(f8k_index_t *index, const char *file, const index_scheme_t *want,
                                 double wait_seconds, char **error_message)
{
    sharded_t *sd = calloc(1, sizeof *sd);
    index_stub_t peek;
    char *stub_file = NULL;
    struct stat st;
    size_t k;
    f8k_status_t status = F8K_STATUS_NOMEM;

    if (sd == NULL)
        return status;
    sd->lock_fd = -1;
    index->sharded = sd;
    /* A conflicting --shard-by fails at once, without waiting for the lock. */
    if (file != NULL && want != NULL) {
        status = index_stub_read(file, &peek, error_message);
        if (status == F8K_STATUS_SUCCESS)
            status = scheme_conflict(index->path, &peek.scheme, want, error_message);
        index_stub_clear(&peek);
        if (status != F8K_STATUS_SUCCESS)
            return status;
    }
    if (file == NULL) {
        status = new_index_dir(index->path, error_message);
        if (status != F8K_STATUS_SUCCESS)
            return status;
    }
    /* A directory has a lock for the whole index; a bare stub file the
     * locks of its shards only (add refuses it: it has no scheme). */
    if (stat(index->path, &st) == 0 && S_ISDIR(st.st_mode)) {
        status = index_lock_dir(index->path, wait_seconds, &sd->lock_fd, error_message);
        if (status != F8K_STATUS_SUCCESS)
            return status;
    }
    stub_file = file != NULL ? strdup(file) : index_stub_file_of(index->path);
    if (stub_file != NULL) {
        status = index_stub_read(stub_file, &sd->stub, error_message);
    } else {
        /* New: an empty stub first, so that a crash leaves a sharded index. */
        status = F8K_STATUS_NOMEM;
        sd->stub.file = malloc(strlen(index->path) + sizeof "/" INDEX_STUB_FILE);
        sd->stub.dir = strdup(index->path);
        sd->stub.scheme = *want;
        if (sd->stub.file != NULL && sd->stub.dir != NULL) {
            sprintf(sd->stub.file, "%s/%s", index->path, INDEX_STUB_FILE);
            status = index_stub_write(&sd->stub, error_message);
        }
    }
    free(stub_file);
    if (status == F8K_STATUS_SUCCESS && want != NULL)
        status = scheme_conflict(index->path, &sd->stub.scheme, want, error_message);
    if (status == F8K_STATUS_SUCCESS && sd->stub.n_remote > 0) {
        set_message(error_message, sd->stub.file, ": lists a remote shard (", sd->stub.remotes[0],
                    "); write to it with f8k-index on the host that holds it", NULL);
        return F8K_STATUS_UNSUPPORTED;
    }
    if (status == F8K_STATUS_SUCCESS)
        status = sharded_grow(sd, sd->stub.n);
    for (k = 0; status == F8K_STATUS_SUCCESS && k < sd->stub.n; k++) {
        char *message = NULL;
        status = open_checked(sd->stub.paths[k], wait_seconds, &sd->dbs[k], &message);
        if (status != F8K_STATUS_SUCCESS)
            set_message(error_message, sd->stub.paths[k], ": ",
                        message != NULL ? message : f8k_status_to_string(status), NULL);
        free(message);
    }
    for (k = 0; status == F8K_STATUS_SUCCESS && sd->stub.scheme.kind == INDEX_SCHEME_HASH &&
                k < sd->stub.scheme.n;
         k++) {
        char name[INDEX_SHARD_NAME_MAX];
        size_t made = 0;
        snprintf(name, sizeof name, "h%02zu", k);
        if (index_stub_find(&sd->stub, name) < 0)
            status = sharded_create(sd, name, &made, error_message);
    }
    return status;
}

/* Open PATH: a sharded index when it is (or WANT asks for) one. */
static f8k_status_t index_open(const char *path, const index_scheme_t *want, double wait_seconds,
                               f8k_index_t **index_out, char **error_message)
{
    f8k_index_t *index = NULL;
    char *stub = NULL;
    f8k_status_t status = F8K_STATUS_INVALID_ARG;

    if (error_message != NULL)
        *error_message = NULL;
    if (index_out != NULL)
        *index_out = NULL;
    if (path == NULL || index_out == NULL)
        return status;
    status = F8K_STATUS_NOMEM;
    index = calloc(1, sizeof *index);
    if (index == NULL)
        return status;
    index->path = strdup(path);
    index->last_error = strdup("");
    if (index->path != NULL && index->last_error != NULL) {
        stub = index_stub_file_of(path);
        if (stub != NULL || want != NULL)
            status = open_sharded(index, stub, want, wait_seconds, error_message);
        else
            status = open_checked(path, wait_seconds, &index->db, error_message);
    }
    free(stub);
    if (status != F8K_STATUS_SUCCESS) {
        f8k_index_close(index);
        index = NULL;
    }
    *index_out = index;
    return status;
}

f8k_status_t f8k_index_open(const char *path, double wait_seconds, f8k_index_t **index_out,
                            char **error_message)
{
    return index_open(path, NULL, wait_seconds, index_out, error_message);
}

f8k_status_t f8k_index_open_sharded(const char *path, const char *shard_by, double wait_seconds,
                                    f8k_index_t **index_out, char **error_message)
{
    index_scheme_t scheme;
    if (error_message != NULL)
        *error_message = NULL;
    if (index_out != NULL)
        *index_out = NULL;
    if (shard_by == NULL)
        return index_open(path, NULL, wait_seconds, index_out, error_message);
    if (!index_scheme_parse(shard_by, &scheme)) {
        char max[16];
        snprintf(max, sizeof max, "%d", INDEX_HASH_MAX);
        set_message(error_message, "unknown shard scheme '", shard_by,
                    "': use year or hash:N (N from 1 to ", max, ")", NULL);
        return F8K_STATUS_INVALID_ARG;
    }
    return index_open(path, &scheme, wait_seconds, index_out, error_message);
}

f8k_status_t f8k_index_close(f8k_index_t *index)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    sharded_t *sd = NULL;
    size_t k;
    if (index == NULL)
        return status;
    status = f8k_db_close(index->db);
    sd = index->sharded;
    /* DBS is NULL when the open failed before the shards were opened. */
    for (k = 0; sd != NULL && sd->dbs != NULL && k < sd->stub.n; k++) {
        f8k_status_t closed = f8k_db_close(sd->dbs[k]);
        sd->dbs[k] = NULL;
        if (status == F8K_STATUS_SUCCESS)
            status = closed;
    }
    sharded_free(sd);
    free(index->path);
    free(index->last_error);
    free(index);
    return status;
}

const char *f8k_index_last_error(const f8k_index_t *index)
{
    return index != NULL && index->last_error != NULL ? index->last_error : "";
}

/* Remove FILING_ID from DB, with its file's record, in one transaction. */
static f8k_status_t remove_from(f8k_db_t *db, const char *filing_id, bool *found)
{
    f8k_status_t status = f8k_db_begin_transaction(db, true);
    if (status != F8K_STATUS_SUCCESS)
        return status;
    status = remove_filing(db, filing_id, true, found);
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_db_commit_transaction(db);
    else
        f8k_db_cancel_transaction(db);
    return status;
}

f8k_status_t f8k_index_remove(f8k_index_t *index, const char *filing_id, bool *found_out)
{
    bool found = false;
    size_t k;
    f8k_status_t status = F8K_STATUS_INVALID_ARG;
    if (found_out != NULL)
        *found_out = false;
    if (index == NULL || filing_id == NULL || filing_id[0] == '\0')
        return status;
    if (index->sharded == NULL) {
        status = remove_from(index->db, filing_id, &found);
        if (status != F8K_STATUS_SUCCESS)
            set_message(&index->last_error, f8k_db_last_error(index->db), NULL);
    } else {
        /* Whichever shard holds it (a crash may have left it in two). */
        sharded_t *sd = index->sharded;
        status = F8K_STATUS_SUCCESS;
        for (k = 0; status == F8K_STATUS_SUCCESS && k < sd->stub.n; k++) {
            bool here = false;
            status = remove_from(sd->dbs[k], filing_id, &here);
            found |= here;
            if (status != F8K_STATUS_SUCCESS)
                set_message(&index->last_error, sd->stub.paths[k], ": ",
                            f8k_db_last_error(sd->dbs[k]), NULL);
        }
    }
    if (found_out != NULL)
        *found_out = found;
    return status;
}

/* ------------------------------------------------------------------ */
/* Status and compact.                                                 */
/* ------------------------------------------------------------------ */

static unsigned long long dir_bytes_total;

static int add_size(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)path;
    (void)ftw;
    if (flag == FTW_F)
        dir_bytes_total += (unsigned long long)st->st_size;
    return 0;
}

static pthread_mutex_t dir_bytes_mutex = PTHREAD_MUTEX_INITIALIZER;

/* Bytes of the files under PATH (or of PATH itself). */
static unsigned long long disk_usage(const char *path)
{
    unsigned long long total = 0;
    pthread_mutex_lock(&dir_bytes_mutex);
    dir_bytes_total = 0;
    nftw(path, add_size, 16, FTW_PHYS);
    total = dir_bytes_total;
    pthread_mutex_unlock(&dir_bytes_mutex);
    return total;
}

void f8k_index_status_clear(f8k_index_status_t *status)
{
    size_t k;
    if (status == NULL)
        return;
    free(status->analyzer);
    free(status->last_run);
    free(status->shard_by);
    for (k = 0; k < status->n_shards; k++)
        free(status->shards[k].name);
    free(status->shards);
    memset(status, 0, sizeof *status);
}

/* Filings (XF terms that are not XFORM terms), documents and file records of DB. */
static f8k_status_t db_figures(f8k_db_t *db, unsigned long *filings, unsigned long *documents,
                               unsigned long *files)
{
    f8k_strlist_t *list = NULL;
    unsigned docs = 0;
    f8k_status_t status = f8k_db_doccount(db, &docs);

    *documents = docs;
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_db_allterms(db, "XF", &list);
    *filings = f8k_strlist_size(list);
    f8k_strlist_free(list);
    list = NULL;
    /* "XF" is also the start of "XFORM": those are not filings. */
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_db_allterms(db, "XFORM", &list);
    *filings -= f8k_strlist_size(list);
    f8k_strlist_free(list);
    list = NULL;
    if (status == F8K_STATUS_SUCCESS && files != NULL) {
        status = f8k_db_metadata_keys(db, META_FILE_PREFIX, &list);
        *files = f8k_strlist_size(list);
        f8k_strlist_free(list);
    }
    return status;
}

/* The analyzer and last run recorded in DB, into STATUS_OUT. */
static f8k_status_t db_records(f8k_db_t *db, f8k_index_status_t *status_out)
{
    size_t len = 0;
    f8k_status_t status = f8k_db_get_metadata(db, META_ANALYZER, &status_out->analyzer, &len);
    if (status == F8K_STATUS_SUCCESS && len == 0) {
        free(status_out->analyzer);
        status_out->analyzer = NULL;
    }
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_db_get_metadata(db, META_LASTRUN, &status_out->last_run, &len);
    if (status == F8K_STATUS_SUCCESS && len == 0) {
        free(status_out->last_run);
        status_out->last_run = NULL;
    }
    return status;
}

/* The "time" of the last-run JSON RUN ("" when none). */
static void run_time(const char *run, char out[32])
{
    json_object *o = run != NULL ? json_tokener_parse(run) : NULL, *t = NULL;
    snprintf(out, 32, "%s",
             o != NULL && json_object_object_get_ex(o, "time", &t) ? json_object_get_string(t)
                                                                   : "");
    json_object_put(o);
}

/* Take DB's last run into STATUS_OUT when it is newer (an add records
 * its run only in the shards it wrote). */
static f8k_status_t newer_last_run(f8k_db_t *db, f8k_index_status_t *status_out)
{
    char *run = NULL, mine[32], theirs[32];
    size_t len = 0;
    f8k_status_t status = f8k_db_get_metadata(db, META_LASTRUN, &run, &len);
    if (status == F8K_STATUS_SUCCESS && len > 0) {
        run_time(run, mine);
        run_time(status_out->last_run, theirs);
        if (strcmp(mine, theirs) > 0) {
            free(status_out->last_run);
            status_out->last_run = run;
            run = NULL;
        }
    }
    free(run);
    return status;
}

/*
 * The per-shard figures of the stub FILE, the files and bytes summed
 * over its local shards, the analyzer of the first and the newest run.
 */
static f8k_status_t stub_status(const char *file, f8k_index_status_t *out, char **error_message)
{
    index_stub_t stub;
    size_t k, n;
    char scheme[INDEX_SHARD_NAME_MAX];
    f8k_status_t status = index_stub_read(file, &stub, error_message);

    if (status != F8K_STATUS_SUCCESS)
        return status;
    n = stub.n + stub.n_remote;
    out->shards = calloc(n + 1, sizeof *out->shards);
    index_scheme_format(&stub.scheme, scheme);
    out->shard_by = stub.scheme.kind != INDEX_SCHEME_NONE ? strdup(scheme) : NULL;
    status = out->shards == NULL || (stub.scheme.kind != INDEX_SCHEME_NONE && !out->shard_by)
                 ? F8K_STATUS_NOMEM
                 : F8K_STATUS_SUCCESS;
    out->files = 0;
    out->disk_bytes = 0;
    for (k = 0; status == F8K_STATUS_SUCCESS && k < n; k++) {
        f8k_index_shard_status_t *sh = &out->shards[k];
        f8k_db_t *db = NULL;
        out->n_shards++;
        sh->remote = k >= stub.n;
        sh->name = strdup(sh->remote ? stub.remotes[k - stub.n] : stub.names[k]);
        if (sh->name == NULL) {
            status = F8K_STATUS_NOMEM;
            break;
        }
        if (sh->remote)
            continue;
        status = f8k_db_open(stub.paths[k], &db, error_message);
        if (status == F8K_STATUS_SUCCESS)
            status = db_figures(db, &sh->filings, &sh->documents, &sh->files);
        if (status == F8K_STATUS_SUCCESS && k == 0)
            status = db_records(db, out);
        if (status == F8K_STATUS_SUCCESS && k > 0)
            status = newer_last_run(db, out);
        if (status != F8K_STATUS_SUCCESS)
            set_message(error_message, stub.paths[k], ": ",
                        db != NULL ? f8k_db_last_error(db) : f8k_status_to_string(status), NULL);
        f8k_db_close(db);
        sh->disk_bytes = disk_usage(stub.paths[k]);
        out->files += sh->files;
        out->disk_bytes += sh->disk_bytes;
    }
    index_stub_clear(&stub);
    return status;
}

f8k_status_t f8k_index_status(const char *path, f8k_index_status_t *status_out,
                              char **error_message)
{
    f8k_db_t *db = NULL;
    char *stub = NULL;
    f8k_status_t status = F8K_STATUS_INVALID_ARG;

    if (error_message != NULL)
        *error_message = NULL;
    if (status_out != NULL)
        memset(status_out, 0, sizeof *status_out);
    if (path == NULL || status_out == NULL)
        return status;
    status = f8k_db_open(path, &db, error_message);
    if (status != F8K_STATUS_SUCCESS)
        return status;
    /* Over a stub the totals of filings and documents come from all its
     * shards at once (remote ones too); metadata only from each shard. */
    status = db_figures(db, &status_out->filings, &status_out->documents, &status_out->files);
    stub = status == F8K_STATUS_SUCCESS ? index_stub_file_of(path) : NULL;
    if (status == F8K_STATUS_SUCCESS && stub != NULL)
        status = stub_status(stub, status_out, error_message);
    else if (status == F8K_STATUS_SUCCESS)
        status = db_records(db, status_out);
    if (status != F8K_STATUS_SUCCESS) {
        if (error_message != NULL && *error_message == NULL)
            set_message(error_message, f8k_db_last_error(db), NULL);
        f8k_index_status_clear(status_out);
    } else if (stub == NULL) {
        status_out->disk_bytes = disk_usage(path);
    }
    free(stub);
    f8k_db_close(db);
    return status;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static char *with_suffix(const char *path, const char *suffix)
{
    size_t a = strlen(path), b = strlen(suffix);
    char *s = malloc(a + b + 1);
    if (s != NULL) {
        memcpy(s, path, a);
        memcpy(s + a, suffix, b + 1);
    }
    return s;
}

/*
 * Compact the database directory CLEAN (whose write lock the caller
 * holds), merged with the N_SHARDS databases SHARDS (their documents
 * and metadata; a metadata key in a shard wins over CLEAN's), into a
 * new directory beside it, then swap the two with renames.  On success
 * *OLD_OUT is the malloc'd path of the old directory, for the caller
 * to remove once it has closed its handle.  On failure the original is
 * left where it was.
 */
static f8k_status_t compact_swap(const char *clean, const char *const *shards, size_t n_shards,
                                 mode_t mode, char **old_out, char **error_message)
{
    char *tmp = NULL, *old = NULL;
    const char *sources[SHARDS_MAX + 1];
    size_t k;
    f8k_status_t status = F8K_STATUS_NOMEM;

    *old_out = NULL;
    tmp = with_suffix(clean, ".compact-XXXXXX");
    if (tmp == NULL)
        goto done;
    if (mkdtemp(tmp) == NULL) {
        status = F8K_STATUS_IO;
        set_message(error_message, "cannot create a directory beside ", clean, ": ",
                    strerror(errno), NULL);
        free(tmp);
        tmp = NULL;
        goto done;
    }
    /* Xapian keeps the first source's value of a metadata key found in several. */
    for (k = 0; k < n_shards && k < SHARDS_MAX; k++)
        sources[k] = shards[k];
    sources[k] = clean;
    status = f8k_db_compact_full(sources, k + 1, tmp, error_message);
    if (status != F8K_STATUS_SUCCESS)
        goto done;
    status = F8K_STATUS_NOMEM;
    old = with_suffix(tmp, ".old");
    if (old == NULL)
        goto done;
    /* Swap while the lock is still held: CLEAN -> OLD, TMP -> CLEAN. */
    status = F8K_STATUS_IO;
    if (rename(clean, old) != 0) {
        set_message(error_message, "rename ", clean, ": ", strerror(errno), NULL);
        goto done;
    }
    if (rename(tmp, clean) != 0) {
        set_message(error_message, "rename ", tmp, ": ", strerror(errno), NULL);
        if (rename(old, clean) != 0)
            set_message(error_message, "compact failed; the database is now at ", old, NULL);
        goto done;
    }
    chmod(clean, mode & 07777);
    status = F8K_STATUS_SUCCESS;
done:
    if (tmp != NULL && status != F8K_STATUS_SUCCESS)
        nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(tmp);
    if (status != F8K_STATUS_SUCCESS) {
        free(old);
        old = NULL;
    }
    *old_out = old;
    return status;
}

/*
 * Compact each local shard of the stub PATH in place, under the index's
 * lock (a sharded index's directory lock and every shard's own).
 */
static f8k_status_t compact_shards(const char *path, double wait_seconds,
                                   unsigned long long *before_out, unsigned long long *after_out,
                                   char **error_message)
{
    f8k_index_t *index = NULL;
    sharded_t *sd = NULL;
    size_t k;
    f8k_status_t status = f8k_index_open(path, wait_seconds, &index, error_message);

    if (status != F8K_STATUS_SUCCESS)
        return status;
    sd = index->sharded;
    for (k = 0; status == F8K_STATUS_SUCCESS && k < sd->stub.n; k++) {
        char *why = NULL;
        if (before_out != NULL)
            *before_out += disk_usage(sd->stub.paths[k]);
        status = compact_in_place(&sd->dbs[k], sd->stub.paths[k], &why);
        if (status != F8K_STATUS_SUCCESS)
            set_message(error_message, sd->stub.paths[k], ": ",
                        why != NULL ? why : f8k_status_to_string(status), NULL);
        free(why);
        if (after_out != NULL)
            *after_out += disk_usage(sd->stub.paths[k]);
    }
    f8k_index_close(index);
    return status;
}

f8k_status_t f8k_index_compact(const char *path, double wait_seconds,
                               unsigned long long *before_out, unsigned long long *after_out,
                               char **error_message)
{
    f8k_index_t *index = NULL;
    char *old = NULL, *clean = NULL, *stub = NULL;
    struct stat st;
    f8k_status_t status = F8K_STATUS_INVALID_ARG;

    if (error_message != NULL)
        *error_message = NULL;
    if (before_out != NULL)
        *before_out = 0;
    if (after_out != NULL)
        *after_out = 0;
    if (path == NULL)
        goto done;
    clean = strdup(path);
    if (clean == NULL) {
        status = F8K_STATUS_NOMEM;
        goto done;
    }
    {
        size_t n = strlen(clean);
        while (n > 1 && clean[n - 1] == '/')
            clean[--n] = '\0';
    }
    stub = index_stub_file_of(clean);
    if (stub != NULL) {
        status = compact_shards(clean, wait_seconds, before_out, after_out, error_message);
        goto done;
    }
    if (stat(clean, &st) != 0 || !S_ISDIR(st.st_mode)) {
        status = stat(clean, &st) != 0 ? F8K_STATUS_DB_NOT_FOUND : F8K_STATUS_UNSUPPORTED;
        set_message(error_message, clean,
                    status == F8K_STATUS_DB_NOT_FOUND ? ": no such database"
                                                      : ": not a database directory",
                    NULL);
        goto done;
    }
    status = f8k_index_open(clean, wait_seconds, &index, error_message);
    if (status != F8K_STATUS_SUCCESS)
        goto done;
    if (before_out != NULL)
        *before_out = disk_usage(clean);
    status = compact_swap(clean, NULL, 0, st.st_mode, &old, error_message);
    if (status == F8K_STATUS_SUCCESS && after_out != NULL)
        *after_out = disk_usage(clean);
done:
    if (index != NULL)
        f8k_index_close(index);
    if (old != NULL)
        nftw(old, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(old);
    free(stub);
    free(clean);
    return status;
}
