/*
 * extract_table.c - the item tables, the item-title matcher and the
 * officer role normaliser (include/f8k/f8k_extract.h).
 */
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <f8k/f8k_extract.h>

#include "extract-private.h"

/* ------------------------------------------------------------------ */
/* The item tables (DOMAIN.md), old items first.                      */
/* ------------------------------------------------------------------ */

#define OLD F8K_ITEM_ERA_OLD
#define NEW F8K_ITEM_ERA_MODERN

static const f8k_item_info_t item_table[] = {
    {"1", "Changes in Control of Registrant", "5.01", OLD},
    {"2", "Acquisition or Disposition of Assets", "2.01", OLD},
    {"3", "Bankruptcy or Receivership", "1.03", OLD},
    {"4", "Changes in Registrant's Certifying Accountant", "4.01", OLD},
    {"5", "Other Events", "8.01", OLD},
    {"6", "Resignations of Registrant's Directors", "5.02", OLD},
    {"7", "Financial Statements, Pro Forma Financial Information and Exhibits", "9.01", OLD},
    {"8", "Change in Fiscal Year", "5.03", OLD},
    {"9", "Regulation FD Disclosure", "7.01", OLD},
    {"10",
     "Amendments to the Registrant's Code of Ethics, or Waiver of a Provision of the Code "
     "of Ethics",
     "5.05", OLD},
    {"11", "Temporary Suspension of Trading Under Registrant's Employee Benefit Plans", "5.04",
     OLD},
    {"12", "Results of Operations and Financial Condition", "2.02", OLD},
    {"1.01", "Entry into a Material Definitive Agreement", "1.01", NEW},
    {"1.02", "Termination of a Material Definitive Agreement", "1.02", NEW},
    {"1.03", "Bankruptcy or Receivership", "1.03", NEW},
    {"1.04", "Mine Safety - Reporting of Shutdowns and Patterns of Violations", "1.04", NEW},
    {"1.05", "Material Cybersecurity Incidents", "1.05", NEW},
    {"2.01", "Completion of Acquisition or Disposition of Assets", "2.01", NEW},
    {"2.02", "Results of Operations and Financial Condition", "2.02", NEW},
    {"2.03",
     "Creation of a Direct Financial Obligation or an Obligation under an Off-Balance Sheet "
     "Arrangement of a Registrant",
     "2.03", NEW},
    {"2.04",
     "Triggering Events That Accelerate or Increase a Direct Financial Obligation or an "
     "Obligation under an Off-Balance Sheet Arrangement",
     "2.04", NEW},
    {"2.05", "Costs Associated with Exit or Disposal Activities", "2.05", NEW},
    {"2.06", "Material Impairments", "2.06", NEW},
    {"3.01",
     "Notice of Delisting or Failure to Satisfy a Continued Listing Rule or Standard; Transfer "
     "of Listing",
     "3.01", NEW},
    {"3.02", "Unregistered Sales of Equity Securities", "3.02", NEW},
    {"3.03", "Material Modification to Rights of Security Holders", "3.03", NEW},
    {"4.01", "Changes in Registrant's Certifying Accountant", "4.01", NEW},
    {"4.02",
     "Non-Reliance on Previously Issued Financial Statements or a Related Audit Report or "
     "Completed Interim Review",
     "4.02", NEW},
    {"5.01", "Changes in Control of Registrant", "5.01", NEW},
    {"5.02",
     "Departure of Directors or Certain Officers; Election of Directors; Appointment of Certain "
     "Officers; Compensatory Arrangements of Certain Officers",
     "5.02", NEW},
    {"5.03", "Amendments to Articles of Incorporation or Bylaws; Change in Fiscal Year", "5.03",
     NEW},
    {"5.04", "Temporary Suspension of Trading Under Registrant's Employee Benefit Plans", "5.04",
     NEW},
    {"5.05",
     "Amendments to the Registrant's Code of Ethics, or Waiver of a Provision of the Code of "
     "Ethics",
     "5.05", NEW},
    {"5.06", "Change in Shell Company Status", "5.06", NEW},
    {"5.07", "Submission of Matters to a Vote of Security Holders", "5.07", NEW},
    {"5.08", "Shareholder Director Nominations", "5.08", NEW},
    {"6.01", "ABS Informational and Computational Material", "6.01", NEW},
    {"6.02", "Change of Servicer or Trustee", "6.02", NEW},
    {"6.03", "Change in Credit Enhancement or Other External Support", "6.03", NEW},
    {"6.04", "Failure to Make a Required Distribution", "6.04", NEW},
    {"6.05", "Securities Act Updating Disclosure", "6.05", NEW},
    {"6.06", "Static Pool", "6.06", NEW},
    {"7.01", "Regulation FD Disclosure", "7.01", NEW},
    {"8.01", "Other Events", "8.01", NEW},
    {"9.01", "Financial Statements and Exhibits", "9.01", NEW},
};

#define N_ITEMS (sizeof item_table / sizeof item_table[0])

/*
 * Extra wordings seen in headers and headings over the years, matched
 * like titles.  Old Item 5 became "Other Events and Regulation FD
 * Disclosure" in 2000; without this alias the FD words would pull it
 * to Item 9.
 */
static const struct {
    const char *number;
    const char *title;
} item_aliases[] = {
    {"5", "Other Events and Regulation FD Disclosure"},
    {"7", "Financial Statements and Exhibits"},
    {"6", "Resignation of Directors"},
    {"5.02", "Departure of Directors or Principal Officers; Election of Directors; Appointment of "
             "Principal Officers"},
    {"6.01", "Asset-Backed Securities Informational and Computational Material"},
};

const f8k_item_info_t *f8k_item_table(size_t *count_out)
{
    if (count_out)
        *count_out = N_ITEMS;
    return item_table;
}

f8k_item_era_t f8k_item_era_for_date(const char *date)
{
    int y = 0, m = 0, d = 0;
    if (!extract_parse_iso_date(date, &y, &m, &d))
        return F8K_ITEM_ERA_UNKNOWN;
    if (y * 10000 + m * 100 + d < 20040823)
        return F8K_ITEM_ERA_OLD;
    return F8K_ITEM_ERA_MODERN;
}

int extract_parse_iso_date(const char *date, int *y, int *m, int *d)
{
    char digits[9];
    size_t n = 0;
    if (!date)
        return 0;
    for (const char *p = date; *p && n < 8; p++) {
        if (isdigit((unsigned char)*p))
            digits[n++] = *p;
        else if (*p != '-')
            return 0;
    }
    if (n != 8)
        return 0;
    digits[8] = '\0';
    long v = strtol(digits, NULL, 10);
    *y = (int)(v / 10000);
    *m = (int)(v / 100 % 100);
    *d = (int)(v % 100);
    return *y >= 1900 && *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31;
}

/*
 * Parse an item number at S (at most LEN bytes) into canonical form in
 * OUT ("5", "5.02"): digits, optionally '.' and one or two digits.
 * Returns the bytes consumed, 0 when S does not start with a number.
 */
size_t extract_parse_item_number(const char *s, size_t len, char out[8])
{
    size_t i = 0;
    int major = 0, minor = -1, minor_digits = 0;
    while (i < len && isdigit((unsigned char)s[i]) && i < 2)
        major = major * 10 + (s[i++] - '0');
    if (i == 0 || (i < len && isdigit((unsigned char)s[i])))
        return 0;
    if (i + 1 < len && s[i] == '.' && isdigit((unsigned char)s[i + 1])) {
        size_t j = i + 1;
        minor = 0;
        while (j < len && isdigit((unsigned char)s[j]) && minor_digits < 3) {
            minor = minor * 10 + (s[j++] - '0');
            minor_digits++;
        }
        if (minor_digits > 2)
            return 0;
        i = j;
    }
    if (minor < 0)
        snprintf(out, 8, "%d", major % 100);
    else
        snprintf(out, 8, "%d.%02d", major % 100, minor % 100);
    return i;
}

const f8k_item_info_t *f8k_item_lookup(const char *number)
{
    char canon[8];
    const char *p = number;
    if (!number)
        return NULL;
    while (*p == ' ' || *p == '\t')
        p++;
    if (strncasecmp(p, "item", 4) == 0) {
        p += 4;
        while (*p == ' ' || *p == '\t')
            p++;
    }
    size_t used = extract_parse_item_number(p, strlen(p), canon);
    if (used == 0)
        return NULL;
    for (p += used; *p == ' ' || *p == '\t' || *p == '.'; p++)
        ;
    if (*p != '\0')
        return NULL;
    for (size_t i = 0; i < N_ITEMS; i++)
        if (strcmp(item_table[i].number, canon) == 0)
            return &item_table[i];
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Title matching: normalised token overlap (Dice coefficient).       */
/* ------------------------------------------------------------------ */

#define MAX_TOKENS 48
#define TOKEN_LEN  24

typedef struct token_set {
    char tok[MAX_TOKENS][TOKEN_LEN];
    size_t n;
} token_set_t;

/* Words that carry no meaning for telling items apart. */
static const char *const title_stopwords[] = {
    "a",   "an", "the",  "of",  "or",   "and",   "to",      "in",         "on", "under", "with",
    "for", "by", "from", "its", "item", "items", "certain", "registrant", "s",  "that",  "other2",
};

/* Abbreviations and variants, mapped to the table's words. */
static const struct {
    const char *from;
    const char *to;
} title_synonyms[] = {
    {"fin", "financial"},
    {"finl", "financial"},
    {"stmt", "statement"},
    {"stmts", "statement"},
    {"exh", "exhibit"},
    {"exhs", "exhibit"},
    {"exhibts", "exhibit"},
    {"reg", "regulation"},
    {"acq", "acquisition"},
    {"disp", "disposition"},
    {"chg", "change"},
    {"chgs", "change"},
    {"changes", "change"},
    {"cert", "certifying"},
    {"acct", "accountant"},
    {"accountants", "accountant"},
    {"dir", "director"},
    {"dirs", "director"},
    {"info", "information"},
    {"proforma", "pro"},
    {"resignations", "resignation"},
    {"yr", "year"},
    {"amendments", "amendment"},
    {"modifications", "modification"},
    {"obligations", "obligation"},
    {"bylaw", "bylaws"},
    {"regfd", "regulation"},
    {"abs", "asset"},
    {"departures", "departure"},
};

static int is_stopword(const char *w)
{
    for (size_t i = 0; i < sizeof title_stopwords / sizeof title_stopwords[0]; i++)
        if (strcmp(w, title_stopwords[i]) == 0)
            return 1;
    return 0;
}

static void add_token(token_set_t *set, const char *w)
{
    if (set->n >= MAX_TOKENS || w[0] == '\0' || is_stopword(w))
        return;
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->tok[i], w) == 0)
            return;
    snprintf(set->tok[set->n++], TOKEN_LEN, "%s", w);
}

/*
 * Lower-case ASCII words of TEXT, apostrophes dropped, synonyms mapped,
 * a plural 's' stripped, stopwords removed.
 */
static void tokenize_title(const char *text, size_t len, token_set_t *set)
{
    char w[TOKEN_LEN];
    size_t wn = 0;
    set->n = 0;
    for (size_t i = 0; i <= len; i++) {
        unsigned char c = i < len ? (unsigned char)text[i] : ' ';
        if (isalnum(c)) {
            if (wn + 1 < sizeof w)
                w[wn++] = (char)tolower(c);
            continue;
        }
        if (c == '\'' && wn > 0)
            continue;
        if (wn == 0)
            continue;
        w[wn] = '\0';
        wn = 0;
        for (size_t k = 0; k < sizeof title_synonyms / sizeof title_synonyms[0]; k++) {
            if (strcmp(w, title_synonyms[k].from) == 0) {
                snprintf(w, sizeof w, "%s", title_synonyms[k].to);
                break;
            }
        }
        size_t l = strlen(w);
        if (l > 3 && w[l - 1] == 's' && w[l - 2] != 's')
            w[l - 1] = '\0';
        add_token(set, w);
    }
}

static double dice(const token_set_t *a, const token_set_t *b)
{
    size_t common = 0;
    if (a->n == 0 || b->n == 0)
        return 0.0;
    for (size_t i = 0; i < a->n; i++)
        for (size_t j = 0; j < b->n; j++)
            if (strcmp(a->tok[i], b->tok[j]) == 0) {
                common++;
                break;
            }
    return 2.0 * (double)common / (double)(a->n + b->n);
}

static const f8k_item_info_t *row_for(const char *number)
{
    for (size_t i = 0; i < N_ITEMS; i++)
        if (strcmp(item_table[i].number, number) == 0)
            return &item_table[i];
    return NULL;
}

static int era_fits(f8k_item_era_t row, f8k_item_era_t want)
{
    return want == F8K_ITEM_ERA_UNKNOWN || row == want;
}

#define N_ALIASES (sizeof item_aliases / sizeof item_aliases[0])

/* The titles of item_table and item_aliases, tokenized once. */
static token_set_t row_tokens[N_ITEMS];
static token_set_t alias_tokens[N_ALIASES];
static pthread_once_t title_tokens_once = PTHREAD_ONCE_INIT;

static void title_tokens_init(void)
{
    for (size_t i = 0; i < N_ITEMS; i++)
        tokenize_title(item_table[i].title, strlen(item_table[i].title), &row_tokens[i]);
    for (size_t i = 0; i < N_ALIASES; i++)
        tokenize_title(item_aliases[i].title, strlen(item_aliases[i].title), &alias_tokens[i]);
}

/* extract_title_score() of the tokenized title IN. */
static double title_score_tokens(const token_set_t *in, const f8k_item_info_t *row)
{
    token_set_t own;
    const token_set_t *ref = NULL;
    double best = 0.0;
    pthread_once(&title_tokens_once, title_tokens_init);
    if ((uintptr_t)row >= (uintptr_t)item_table &&
        (uintptr_t)row < (uintptr_t)(item_table + N_ITEMS)) {
        ref = &row_tokens[row - item_table];
    } else {
        tokenize_title(row->title, strlen(row->title), &own);
        ref = &own;
    }
    best = dice(in, ref);
    for (size_t i = 0; i < N_ALIASES; i++) {
        if (strcmp(item_aliases[i].number, row->number) != 0)
            continue;
        double s = dice(in, &alias_tokens[i]);
        if (s > best)
            best = s;
    }
    return best;
}

double extract_title_score(const char *title, size_t len, const f8k_item_info_t *row)
{
    token_set_t in;
    tokenize_title(title, len, &in);
    return title_score_tokens(&in, row);
}

const f8k_item_info_t *f8k_item_match_title(const char *title, size_t len, f8k_item_era_t era)
{
    const f8k_item_info_t *best = NULL;
    double best_score = 0.0;
    size_t i = 0;
    char canon[8];

    if (!title)
        return NULL;
    /* A number written in the title ("5", "Item 5.02 ...") wins. */
    while (i < len && !isalnum((unsigned char)title[i]))
        i++;
    if (i + 4 <= len && strncasecmp(title + i, "item", 4) == 0) {
        i += 4;
        while (i < len && (title[i] == ' ' || title[i] == '\t'))
            i++;
    }
    size_t used = extract_parse_item_number(title + i, len - i, canon);
    if (used > 0 && (i + used == len || !isalnum((unsigned char)title[i + used]))) {
        const f8k_item_info_t *row = row_for(canon);
        if (row)
            return row;
    }
    token_set_t in;
    tokenize_title(title, len, &in);
    for (size_t k = 0; k < N_ITEMS; k++) {
        if (!era_fits(item_table[k].era, era))
            continue;
        double s = title_score_tokens(&in, &item_table[k]);
        /* Ties go to the era-appropriate (earlier rows are old). */
        if (s > best_score + 1e-9) {
            best_score = s;
            best = &item_table[k];
        }
    }
    if (best_score < 0.5)
        return NULL;
    return best;
}

/* ------------------------------------------------------------------ */
/* Role normalisation.                                                 */
/* ------------------------------------------------------------------ */

/* Role phrases, most senior first; matched as whole words, any case. */
static const struct {
    const char *phrase;
    const char *code;
} role_phrases[] = {
    {"chief executive officer", "ceo"},
    {"principal executive officer", "ceo"},
    {"chief executive", "ceo"},
    {"ceo", "ceo"},
    {"chief financial officer", "cfo"},
    {"principal financial officer", "cfo"},
    {"chief financial and accounting officer", "cfo"},
    {"chief financial", "cfo"},
    {"cfo", "cfo"},
    {"chief operating officer", "coo"},
    {"coo", "coo"},
    {"president", "president"},
    {"chairman", "chairman"},
    {"chairwoman", "chairman"},
    {"chairperson", "chairman"},
    {"chair of the board", "chairman"},
    {"general counsel", "general_counsel"},
    {"chief legal officer", "general_counsel"},
    {"treasurer", "treasurer"},
    {"secretary", "secretary"},
    {"chief accounting officer", "controller"},
    {"principal accounting officer", "controller"},
    {"controller", "controller"},
    {"comptroller", "controller"},
    {"director", "director"},
    {"directors", "director"},
    {"board of directors", "director"},
    {"vice president", "other"},
    {"vice-president", "other"},
    {"officer", "other"},
};

static const struct {
    const char *code;
    const char *display;
} role_displays[] = {
    {"ceo", "Chief Executive Officer"},
    {"cfo", "Chief Financial Officer"},
    {"coo", "Chief Operating Officer"},
    {"president", "President"},
    {"chairman", "Chairman"},
    {"director", "Director"},
    {"general_counsel", "General Counsel"},
    {"treasurer", "Treasurer"},
    {"secretary", "Secretary"},
    {"controller", "Controller"},
    {"other", "Officer"},
};

const char *f8k_role_display_name(const char *code)
{
    if (!code)
        return NULL;
    for (size_t i = 0; i < sizeof role_displays / sizeof role_displays[0]; i++)
        if (strcmp(role_displays[i].code, code) == 0)
            return role_displays[i].display;
    return NULL;
}

static int code_rank(const char *code)
{
    for (size_t i = 0; i < sizeof role_displays / sizeof role_displays[0]; i++)
        if (strcmp(role_displays[i].code, code) == 0)
            return (int)i;
    return 1000;
}

/*
 * Does PHRASE occur in TEXT as whole words?  Blanks and hyphens in
 * TEXT match any run of blanks/punctuation; case is ignored.
 * Returns the offset just after the match, or 0 when absent; stores
 * the start in *start.
 */
static size_t find_phrase(const char *text, size_t len, const char *phrase, size_t from,
                          size_t *start)
{
    for (size_t i = from; i < len; i++) {
        if (i > 0 && isalnum((unsigned char)text[i - 1]))
            continue;
        size_t t = i;
        const char *p = phrase;
        while (*p && t < len) {
            if (*p == ' ') {
                if (isalnum((unsigned char)text[t]))
                    break;
                while (t < len && !isalnum((unsigned char)text[t]))
                    t++;
                p++;
                continue;
            }
            if (tolower((unsigned char)text[t]) != *p)
                break;
            t++;
            p++;
        }
        if (*p == '\0' && (t >= len || !isalnum((unsigned char)text[t]))) {
            *start = i;
            return t;
        }
    }
    return 0;
}

/*
 * Is the "president" at offset AT in TEXT really "vice president"?
 */
static int preceded_by_vice(const char *text, size_t at)
{
    size_t i = at;
    while (i > 0 && !isalnum((unsigned char)text[i - 1]))
        i--;
    return i >= 4 && strncasecmp(text + i - 4, "vice", 4) == 0 &&
           (i == 4 || !isalnum((unsigned char)text[i - 5]));
}

const char *f8k_role_normalise(const char *text, size_t len, const char **display_out)
{
    const char *best = NULL;
    int best_rank = 1000;

    if (display_out)
        *display_out = NULL;
    if (!text)
        return NULL;
    for (size_t k = 0; k < sizeof role_phrases / sizeof role_phrases[0]; k++) {
        size_t from = 0, start = 0, end = 0;
        while ((end = find_phrase(text, len, role_phrases[k].phrase, from, &start)) != 0) {
            from = end;
            if (strcmp(role_phrases[k].code, "president") == 0 && preceded_by_vice(text, start))
                continue;
            int rank = code_rank(role_phrases[k].code);
            if (rank < best_rank) {
                best_rank = rank;
                best = role_phrases[k].code;
            }
            break;
        }
    }
    if (best && display_out)
        *display_out = f8k_role_display_name(best);
    return best;
}
