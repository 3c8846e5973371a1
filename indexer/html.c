/*
 * html.c - HTML and inline XBRL to plain text through libxml2.
 *
 * libxml2's HTML parser runs in recovery mode over the UTF-8 bytes and
 * builds a tree; entities (&#8217; &nbsp;) are decoded by the parser.
 * The tree is walked iteratively (first child, next sibling, parent),
 * never recursively, so a million nested tags cannot exhaust the stack.
 *
 * Layout rules: block elements end lines; table cells end with a tab;
 * runs of white space (NBSP included) collapse to one space except in
 * <pre>; inline elements add nothing, so "<b>Item</b>&nbsp;<b>5.02</b>"
 * reads "Item 5.02".  <script>, <style>, <head> and the inline XBRL
 * header (ix:header, holding ix:hidden facts) are dropped, but the dei:
 * facts inside it are collected into html_meta_t.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "parse-private.h"

void html_meta_clear(html_meta_t *meta)
{
    if (meta == NULL)
        return;
    free(meta->registrant_name);
    free(meta->cik);
    free(meta->period_end);
    free(meta->document_type);
    memset(meta, 0, sizeof(*meta));
}

int html_looks_like(const char *raw, size_t len)
{
    static const char *const markers[] = {
        "<html", "<!doctype html", "<body", "<div", "<p>", "<p ", "<font", "<br",
        "<td",   "<center",        "<span", "<b>",  "<ix:"};
    size_t window = len < 4096 ? len : 4096;
    size_t i = 0;

    while (i < window && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\n' || raw[i] == '\r'))
        i++;
    if (parse_memcasemem(raw, window, "<html") != NULL)
        return 1;
    if (i >= window || raw[i] != '<')
        return 0;
    for (size_t k = 0; k < sizeof(markers) / sizeof(markers[0]); k++) {
        if (parse_memcasemem(raw + i, window - i, markers[k]) != NULL)
            return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Output with white-space collapsing                                  */
/* ------------------------------------------------------------------ */

typedef struct text_out {
    parse_buf_t *buf;
    int pending_space; /* white space seen since the last emitted byte */
    int pre_depth;     /* inside <pre>: keep line breaks */
    f8k_status_t status;
} text_out_t;

static char last_char(const text_out_t *o)
{
    return o->buf->len > 0 ? o->buf->data[o->buf->len - 1] : '\n';
}

static void drop_trailing_blanks(text_out_t *o)
{
    while (o->buf->len > 0 &&
           (o->buf->data[o->buf->len - 1] == ' ' || o->buf->data[o->buf->len - 1] == '\t'))
        o->buf->len--;
    if (o->buf->data != NULL)
        o->buf->data[o->buf->len] = '\0';
}

static void emit_break(text_out_t *o, char c)
{
    if (o->status != F8K_STATUS_SUCCESS)
        return;
    if (c == '\n') {
        drop_trailing_blanks(o);
        if (last_char(o) != '\n')
            o->status = parse_buf_append_char(o->buf, '\n');
    } else if (last_char(o) != '\n') {
        while (o->buf->len > 0 && o->buf->data[o->buf->len - 1] == ' ')
            o->buf->len--;
        o->status = parse_buf_append_char(o->buf, c);
    }
    o->pending_space = 0;
}

/* Bytes of white space at S[I] (NBSP, C2 A0, counts), or 0. */
static size_t space_length(const unsigned char *s, size_t i, size_t n)
{
    unsigned char c = s[i];

    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
        return 1;
    if (c == 0xC2 && i + 1 < n && s[i + 1] == 0xA0)
        return 2;
    return 0;
}

static void emit_text(text_out_t *o, const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n && o->status == F8K_STATUS_SUCCESS) {
        size_t ws = space_length(s, i, n);
        size_t start = i;
        if (ws > 0) {
            if (o->pre_depth > 0 && s[i] == '\n')
                emit_break(o, '\n');
            else if (!(o->pre_depth > 0 && s[i] == '\r'))
                o->pending_space = 1;
            i += ws;
            continue;
        }
        while (i < n && space_length(s, i, n) == 0)
            i++;
        if (o->pending_space) {
            char last = last_char(o);
            if (last != '\n' && last != '\t' && last != ' ')
                o->status = parse_buf_append_char(o->buf, ' ');
            o->pending_space = 0;
        }
        if (o->status == F8K_STATUS_SUCCESS)
            o->status = parse_buf_append(o->buf, (const char *)s + start, i - start);
    }
}

/* ------------------------------------------------------------------ */
/* Element classes                                                     */
/* ------------------------------------------------------------------ */

static int name_in(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcasecmp(name, list[i]) == 0)
            return 1;
    }
    return 0;
}

static int is_dropped(const char *name)
{
    static const char *const dropped[] = {"script", "style",    "head",
                                          "title",  "noscript", "template"};

    return name_in(name, dropped, sizeof(dropped) / sizeof(dropped[0]));
}

/*
 * libxml2's HTML parser keeps only the local name of a prefixed tag:
 * <ix:header> arrives as "header", <ix:nonNumeric> as "nonnumeric".
 * The inline XBRL header parts (hidden facts, references, contexts)
 * are recognised by those names; an HTML5 <header> is told apart from
 * ix:header by its children.
 */
static int is_ix_header_part(const char *name)
{
    return strcasecmp(name, "hidden") == 0 || strcasecmp(name, "references") == 0 ||
           strcasecmp(name, "resources") == 0;
}

static int is_ix_header(xmlNodePtr node)
{
    const char *name = (const char *)node->name;

    if (strcasecmp(name, "ix:header") == 0 || is_ix_header_part(name))
        return 1;
    if (strcasecmp(name, "header") != 0)
        return 0;
    for (xmlNodePtr child = node->children; child != NULL; child = child->next) {
        if (child->type == XML_ELEMENT_NODE && is_ix_header_part((const char *)child->name))
            return 1;
    }
    return 0;
}

static int is_block(const char *name)
{
    static const char *const blocks[] = {
        "p",     "div",     "br",         "tr",     "li",     "ul",      "ol",    "h1",
        "h2",    "h3",      "h4",         "h5",     "h6",     "table",   "tbody", "thead",
        "tfoot", "caption", "blockquote", "pre",    "center", "hr",      "dl",    "dt",
        "dd",    "section", "article",    "header", "footer", "address", "form",  "body",
        "html",  "page",    "hr",         "nav",    "aside",  "figure",  "main"};

    return name_in(name, blocks, sizeof(blocks) / sizeof(blocks[0]));
}

static int is_cell(const char *name)
{
    return strcasecmp(name, "td") == 0 || strcasecmp(name, "th") == 0;
}

/* ------------------------------------------------------------------ */
/* Inline XBRL facts                                                   */
/* ------------------------------------------------------------------ */

static void take_fact(html_meta_t *meta, xmlNodePtr node, f8k_status_t *status)
{
    xmlChar *fact = NULL;
    xmlChar *content = NULL;
    char **slot = NULL;

    if (*status != F8K_STATUS_SUCCESS)
        return;
    fact = xmlGetProp(node, (const xmlChar *)"name");
    if (fact == NULL)
        return;
    if (xmlStrcasecmp(fact, (const xmlChar *)"dei:EntityRegistrantName") == 0)
        slot = &meta->registrant_name;
    else if (xmlStrcasecmp(fact, (const xmlChar *)"dei:EntityCentralIndexKey") == 0)
        slot = &meta->cik;
    else if (xmlStrcasecmp(fact, (const xmlChar *)"dei:DocumentPeriodEndDate") == 0)
        slot = &meta->period_end;
    else if (xmlStrcasecmp(fact, (const xmlChar *)"dei:DocumentType") == 0)
        slot = &meta->document_type;
    if (slot != NULL && *slot == NULL) {
        content = xmlNodeGetContent(node);
        if (content != NULL) {
            /* White space inside a fact (line breaks, NBSP) becomes one space. */
            parse_buf_t tmp = {NULL, 0, 0};
            text_out_t o = {&tmp, 0, 0, F8K_STATUS_SUCCESS};
            emit_text(&o, content, strlen((const char *)content));
            *status = o.status;
            if (*status == F8K_STATUS_SUCCESS && tmp.len > 0)
                *status = parse_set_field(slot, tmp.data, tmp.len);
            parse_buf_reset(&tmp);
        }
    }
    xmlFree(content);
    xmlFree(fact);
}

static int is_ix_fact(const char *name)
{
    return strcasecmp(name, "nonnumeric") == 0 || strcasecmp(name, "nonfraction") == 0 ||
           strcasecmp(name, "ix:nonnumeric") == 0 || strcasecmp(name, "ix:nonfraction") == 0;
}

/* Collect the dei: facts below TOP (iteratively), emitting no text. */
static void collect_facts(xmlNodePtr top, html_meta_t *meta, f8k_status_t *status)
{
    xmlNodePtr node = top->children;

    while (node != NULL && *status == F8K_STATUS_SUCCESS) {
        int descend = 1;
        if (node->type == XML_ELEMENT_NODE && is_ix_fact((const char *)node->name)) {
            take_fact(meta, node, status);
            descend = 0;
        }
        if (descend && node->type == XML_ELEMENT_NODE && node->children != NULL) {
            node = node->children;
            continue;
        }
        while (node != NULL && node != top && node->next == NULL)
            node = node->parent;
        if (node == NULL || node == top)
            break;
        node = node->next;
    }
}

/* ------------------------------------------------------------------ */
/* The walk                                                            */
/* ------------------------------------------------------------------ */

static void leave_element(text_out_t *o, xmlNodePtr node)
{
    const char *name = (const char *)node->name;

    if (is_cell(name)) {
        emit_break(o, '\t');
    } else if (is_block(name)) {
        if (strcasecmp(name, "pre") == 0 && o->pre_depth > 0)
            o->pre_depth--;
        emit_break(o, '\n');
    }
}

f8k_status_t html_to_text(const char *utf8, size_t len, parse_buf_t *out, html_meta_t *meta)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    htmlDocPtr doc = NULL;
    xmlNodePtr node = NULL;
    text_out_t o = {out, 0, 0, F8K_STATUS_SUCCESS};
    const int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                        HTML_PARSE_NONET | HTML_PARSE_COMPACT;

    status = parse_buf_append(out, "", 0);
    if (status != F8K_STATUS_SUCCESS)
        return status;
    if (len == 0)
        return F8K_STATUS_SUCCESS;
    if (len > (size_t)INT_MAX)
        return F8K_STATUS_BAD_INPUT;
    doc = htmlReadMemory(utf8, (int)len, NULL, "UTF-8", options);
    if (doc == NULL)
        return F8K_STATUS_SUCCESS; /* Nothing parseable: no text. */

    node = doc->children;
    while (node != NULL && o.status == F8K_STATUS_SUCCESS && status == F8K_STATUS_SUCCESS) {
        int descend = 0;
        int entered = 0;
        if (node->type == XML_ELEMENT_NODE) {
            const char *name = (const char *)node->name;
            if (is_ix_header(node)) {
                if (meta != NULL) {
                    meta->is_ixbrl = 1;
                    collect_facts(node, meta, &status);
                }
            } else if (!is_dropped(name)) {
                if (meta != NULL && is_ix_fact(name)) {
                    meta->is_ixbrl = 1;
                    take_fact(meta, node, &status);
                }
                if (strcasecmp(name, "br") == 0 || is_block(name))
                    emit_break(&o, '\n');
                if (strcasecmp(name, "pre") == 0)
                    o.pre_depth++;
                entered = 1;
                descend = node->children != NULL;
            }
        } else if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
            if (node->content != NULL)
                emit_text(&o, node->content, strlen((const char *)node->content));
        }
        if (descend) {
            node = node->children;
            continue;
        }
        if (entered)
            leave_element(&o, node);
        /* Climb until a next sibling exists, leaving each parent. */
        while (node != NULL && node->next == NULL) {
            node = node->parent;
            if (node == NULL || node == (xmlNodePtr)doc) {
                node = NULL;
                break;
            }
            if (node->type == XML_ELEMENT_NODE)
                leave_element(&o, node);
        }
        if (node != NULL)
            node = node->next;
    }
    if (status == F8K_STATUS_SUCCESS)
        status = o.status;
    if (status == F8K_STATUS_SUCCESS)
        drop_trailing_blanks(&o);
    xmlFreeDoc(doc);
    return status;
}
