/*
 * test_extract.c - items, cover page and officers from a filing's text
 * (indexer/extract*.c), on the seed and on tables of real wordings.
 */
#include "f8k_test.h"

#include <string.h>

#include <f8k/f8k_extract.h>
#include <f8k/f8k_filing.h>

#include "extract-private.h"

/* ---- helpers ---- */

/* A filing with one 8-K document whose text is TEXT (copied). */
static f8k_filing_t *filing_with_text(const char *text, size_t len)
{
    f8k_filing_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->documents = calloc(1, sizeof *f->documents);
    assert_non_null(f->documents);
    f->n_documents = 1;
    f->documents[0].type = strdup("8-K");
    f->documents[0].sequence = 1;
    f->documents[0].text = malloc(len + 1);
    assert_non_null(f->documents[0].text);
    memcpy(f->documents[0].text, text, len);
    f->documents[0].text[len] = '\0';
    f->documents[0].text_len = len;
    f->documents[0].is_text = 1;
    return f;
}

/* Frees what filing_with_text() and f8k_filing_extract() allocate. */
static void filing_release(f8k_filing_t *f)
{
    for (size_t i = 0; i < f->n_items; i++) {
        free(f->items[i].number);
        free(f->items[i].modern);
        free(f->items[i].title);
    }
    free(f->items);
    extract_officers_free(f->officers, f->n_officers);
    for (size_t i = 0; i < f->n_documents; i++) {
        free(f->documents[i].type);
        free(f->documents[i].text);
    }
    for (size_t i = 0; i < f->n_header_item_titles; i++)
        free(f->header_item_titles[i]);
    free(f->header_item_titles);
    free(f->documents);
    free(f->company);
    free(f->date_of_report);
    free(f->state);
    free(f->file_number);
    free(f->filed);
    free(f);
}

static const f8k_officer_t *find_officer(const f8k_filing_t *f, const char *name, const char *code,
                                         f8k_officer_event_t event)
{
    for (size_t i = 0; i < f->n_officers; i++)
        if (strcmp(f->officers[i].name, name) == 0 && strcmp(f->officers[i].role_code, code) == 0 &&
            f->officers[i].event == event)
            return &f->officers[i];
    return NULL;
}

/* ---- the seed ---- */

static void test_seed(void **state)
{
    (void)state;
    char *dir = f8k_test_seeds_dir();
    F8K_REQUIRE_OR_SKIP(dir != NULL, "no seeds directory");
    char *path = f8k_test_path(dir, "000_1b11c0cb41d2ce45.txt");
    size_t len = 0;
    char *text = f8k_test_read_file(path, &len);
    F8K_REQUIRE_OR_SKIP(text != NULL, "seed filing missing");
    f8k_filing_t *f = filing_with_text(text, len);

    assert_int_equal(f8k_filing_extract(f), F8K_STATUS_SUCCESS);
    /* Idempotent: a second run gives the same record. */
    assert_int_equal(f8k_filing_extract(f), F8K_STATUS_SUCCESS);

    assert_string_equal(f->company, "HEMACARE CORPORATION");
    assert_int_equal(f->company_source, F8K_SOURCE_COVER);
    assert_string_equal(f->date_of_report, "2003-06-27");
    assert_int_equal(f->date_of_report_source, F8K_SOURCE_COVER);
    assert_string_equal(f->state, "CA");
    assert_string_equal(f->file_number, "000-15223");

    assert_int_equal(f->n_items, 2);
    assert_string_equal(f->items[0].number, "5");
    assert_string_equal(f->items[0].modern, "8.01");
    assert_string_equal(f->items[0].title, "Other Events");
    assert_int_equal(f->items[0].source, F8K_SOURCE_BODY);
    assert_string_equal(f->items[1].number, "7");
    assert_string_equal(f->items[1].modern, "9.01");
    assert_int_equal(f->items[1].source, F8K_SOURCE_BODY);

    assert_int_equal(f->n_officers, 2);
    const f8k_officer_t *rose = find_officer(f, "Rose Marcario", "cfo", F8K_EVENT_APPOINTED);
    assert_non_null(rose);
    assert_string_equal(rose->role, "Chief Financial Officer");
    const f8k_officer_t *judi = find_officer(f, "Judi Irving", "ceo", F8K_EVENT_SIGNED);
    assert_non_null(judi);
    assert_string_equal(judi->role, "Chief Executive Officer");

    filing_release(f);
    free(text);
    free(path);
    free(dir);
}

/* ---- item tables ---- */

static void test_item_lookup(void **state)
{
    (void)state;
    static const struct {
        const char *in, *number, *modern;
    } cases[] = {
        {"5", "5", "8.01"},      {"7", "7", "9.01"},         {"12", "12", "2.02"},
        {"6", "6", "5.02"},      {"5.02", "5.02", "5.02"},   {"Item 9.01", "9.01", "9.01"},
        {"2.2", "2.02", "2.02"}, {" 1.05 ", "1.05", "1.05"}, {"8.01.", "8.01", "8.01"},
        {"13", NULL, NULL},      {"5.09", NULL, NULL},       {"", NULL, NULL},
        {"abc", NULL, NULL},     {"5.022", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const f8k_item_info_t *row = f8k_item_lookup(cases[i].in);
        if (!cases[i].number) {
            assert_null(row);
            continue;
        }
        assert_non_null(row);
        assert_string_equal(row->number, cases[i].number);
        assert_string_equal(row->modern, cases[i].modern);
    }
    assert_null(f8k_item_lookup(NULL));
    size_t n = 0;
    const f8k_item_info_t *table = f8k_item_table(&n);
    assert_int_equal(n, 12 + 33);
    assert_string_equal(table[0].number, "1");
}

static void test_era(void **state)
{
    (void)state;
    assert_int_equal(f8k_item_era_for_date("2004-08-22"), F8K_ITEM_ERA_OLD);
    assert_int_equal(f8k_item_era_for_date("2004-08-23"), F8K_ITEM_ERA_MODERN);
    assert_int_equal(f8k_item_era_for_date("19940315"), F8K_ITEM_ERA_OLD);
    assert_int_equal(f8k_item_era_for_date(NULL), F8K_ITEM_ERA_UNKNOWN);
    assert_int_equal(f8k_item_era_for_date("June 2003"), F8K_ITEM_ERA_UNKNOWN);
}

/* Wordings taken from the corpus headers (ITEM INFORMATION, Lee EVENTS). */
static void test_title_matching(void **state)
{
    (void)state;
    static const struct {
        const char *title;
        f8k_item_era_t era;
        const char *number; /* NULL: no match */
    } cases[] = {
        {"Other events", F8K_ITEM_ERA_OLD, "5"},
        {"Financial statements and exhibits", F8K_ITEM_ERA_OLD, "7"},
        {"5", F8K_ITEM_ERA_OLD, "5"},
        {"7", F8K_ITEM_ERA_OLD, "7"},
        {"Acquisition or disposition of assets", F8K_ITEM_ERA_OLD, "2"},
        {"Changes in control of registrant", F8K_ITEM_ERA_OLD, "1"},
        {"Changes in registrant's certifying accountant", F8K_ITEM_ERA_OLD, "4"},
        {"Bankruptcy or receivership", F8K_ITEM_ERA_OLD, "3"},
        {"Change in fiscal year", F8K_ITEM_ERA_OLD, "8"},
        {"Resignations of registrant's directors", F8K_ITEM_ERA_OLD, "6"},
        {"Other Events and Regulation FD Disclosure", F8K_ITEM_ERA_OLD, "5"},
        {"Regulation FD Disclosure", F8K_ITEM_ERA_OLD, "9"},
        {"Results of Operations and Financial Condition", F8K_ITEM_ERA_OLD, "12"},
        {"Results of Operations and Financial Condition", F8K_ITEM_ERA_MODERN, "2.02"},
        {"Other Events", F8K_ITEM_ERA_MODERN, "8.01"},
        {"Financial Statements and Exhibits", F8K_ITEM_ERA_MODERN, "9.01"},
        {"Cost Associated with Exit or Disposal Activities", F8K_ITEM_ERA_MODERN, "2.05"},
        {"Costs Associated with Exit or Disposal Activities", F8K_ITEM_ERA_MODERN, "2.05"},
        {"Departure of Directors or Certain Officers; Election of Directors; Appointment of "
         "Certain Officers: Compensatory Arrangements of Certain Officers",
         F8K_ITEM_ERA_MODERN, "5.02"},
        {"Departure of Directors or Principal Officers; Election of Directors; Appointment of "
         "Principal Officers",
         F8K_ITEM_ERA_MODERN, "5.02"},
        {"Triggering Events That Accelerate or Increase a Direct Financial Obligation under an "
         "Off-Balance Sheet Arrangement",
         F8K_ITEM_ERA_MODERN, "2.04"},
        {"Material Modifications to Rights of Security Holders", F8K_ITEM_ERA_MODERN, "3.03"},
        {"Creation of a Direct Financial Obligation or an Obligation under an Off-Balance Sheet "
         "Arrangement of a Registrant",
         F8K_ITEM_ERA_MODERN, "2.03"},
        {"Amendments to Articles of Incorporation or Bylaws; Change in Fiscal Year",
         F8K_ITEM_ERA_MODERN, "5.03"},
        {"FINANCIAL STMTS & EXHIBITS", F8K_ITEM_ERA_OLD, "7"},
        {"Item 5.02 Departure of Directors", F8K_ITEM_ERA_MODERN, "5.02"},
        {"Regulation FD", F8K_ITEM_ERA_MODERN, "7.01"},
        {"Entry into a Material Definitive Agreement", F8K_ITEM_ERA_UNKNOWN, "1.01"},
        {"", F8K_ITEM_ERA_OLD, NULL},
        {"Quarterly earnings were strong", F8K_ITEM_ERA_MODERN, NULL},
        {"the", F8K_ITEM_ERA_MODERN, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const f8k_item_info_t *row =
            f8k_item_match_title(cases[i].title, strlen(cases[i].title), cases[i].era);
        if (!cases[i].number) {
            if (row)
                fail_msg("'%s' matched %s", cases[i].title, row->number);
            continue;
        }
        if (!row || strcmp(row->number, cases[i].number) != 0)
            fail_msg("'%s': want %s, got %s", cases[i].title, cases[i].number,
                     row ? row->number : "none");
    }
}

/* ---- body headings ---- */

static void test_headings(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        f8k_item_era_t era;
        const char *number; /* NULL: not a heading */
    } cases[] = {
        {"ITEM 5. OTHER EVENTS AND REGULATION FD DISCLOSURE", F8K_ITEM_ERA_OLD, "5"},
        {"Item 5. Other Events.", F8K_ITEM_ERA_OLD, "5"},
        {"ITEM 7. FINANCIAL STATEMENTS AND EXHIBITS", F8K_ITEM_ERA_OLD, "7"},
        {"Item 7(c). Exhibits.", F8K_ITEM_ERA_OLD, "7"},
        {"ITEM 7(c)", F8K_ITEM_ERA_OLD, "7"},
        {"   Item 2.  Acquisition or Disposition of Assets", F8K_ITEM_ERA_OLD, "2"},
        {"Item 5.02", F8K_ITEM_ERA_MODERN, "5.02"},
        {"Item 5.02 Departure of Directors or Certain Officers; Election of Directors",
         F8K_ITEM_ERA_MODERN, "5.02"},
        {"Item 2.02. Results of Operations and Financial Condition.", F8K_ITEM_ERA_MODERN, "2.02"},
        {"Item 9.01 Financial Statements and Exhibits", F8K_ITEM_ERA_MODERN, "9.01"},
        {"Item 9.01(d) Exhibits", F8K_ITEM_ERA_MODERN, "9.01"},
        {"ITEM\xC2\xA0"
         "8.01 OTHER EVENTS",
         F8K_ITEM_ERA_MODERN, "8.01"},
        {"Item 7.01 \xE2\x80\x94 Regulation FD Disclosure", F8K_ITEM_ERA_MODERN, "7.01"},
        {"Item 5.02 Departure", F8K_ITEM_ERA_UNKNOWN, "5.02"},
        {"Item 5. Other Events", F8K_ITEM_ERA_UNKNOWN, "5"},
        /* Running text and cross references. */
        {"Item 5.02 of Form 8-K is incorporated herein by reference.", F8K_ITEM_ERA_MODERN, NULL},
        {"Item 2.02 above is furnished and not filed.", F8K_ITEM_ERA_MODERN, NULL},
        {"items 5.02 and 9.01 of this report", F8K_ITEM_ERA_MODERN, NULL},
        {"The information in Item 5.02 is incorporated by reference.", F8K_ITEM_ERA_MODERN, NULL},
        {"Item 5.02 Results of Operations and Financial Condition", F8K_ITEM_ERA_MODERN, NULL},
        /* Wrong era, unknown numbers, 10-K items. */
        {"Item 5.02 Departure of Directors", F8K_ITEM_ERA_OLD, NULL},
        {"Item 5. Other Events", F8K_ITEM_ERA_MODERN, NULL},
        {"Item 13. Exhibits", F8K_ITEM_ERA_OLD, NULL},
        {"Item 7. Management's Discussion and Analysis of Financial Condition and Results of "
         "Operations",
         F8K_ITEM_ERA_OLD, NULL},
        {"Item 1. Business", F8K_ITEM_ERA_OLD, NULL},
        {"Itemized deductions", F8K_ITEM_ERA_OLD, NULL},
        {"Item", F8K_ITEM_ERA_OLD, NULL},
        {"", F8K_ITEM_ERA_OLD, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char number[8] = "";
        int yes = extract_item_heading(cases[i].line, strlen(cases[i].line), cases[i].era, number);
        if (!cases[i].number) {
            if (yes)
                fail_msg("'%s' taken as heading %s", cases[i].line, number);
            continue;
        }
        if (!yes || strcmp(number, cases[i].number) != 0)
            fail_msg("'%s': want %s, got %s", cases[i].line, cases[i].number,
                     yes ? number : "none");
    }
}

/* ---- cover page ---- */

static void test_dates(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"Date of Report (Date of earliest event reported):  June 27, 2003", "2003-06-27"},
        {"June 27,2003", "2003-06-27"},
        {"JUNE 27, 2003", "2003-06-27"},
        {"Jun. 27, 2003", "2003-06-27"},
        {"Sept. 3, 1994", "1994-09-03"},
        {"December 1st, 2004", "2004-12-01"},
        {"27 June 2003", "2003-06-27"},
        {"06/27/2003", "2003-06-27"},
        {"6/27/03", "2003-06-27"},
        {"2003-06-27", "2003-06-27"},
        {"March 3 1994", "1994-03-03"},
        {"(Date of Report) February 29, 2024", "2024-02-29"},
        {"February 30, 2024", NULL},
        {"13/45/2003", NULL},
        {"June 2003", NULL},
        {"Maybe 12, 2003", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[11] = "";
        int ok = extract_find_date(cases[i].in, strlen(cases[i].in), out);
        if (!cases[i].want) {
            if (ok)
                fail_msg("'%s' gave %s", cases[i].in, out);
            continue;
        }
        if (!ok || strcmp(out, cases[i].want) != 0)
            fail_msg("'%s': want %s, got %s", cases[i].in, cases[i].want, ok ? out : "none");
    }
}

static void test_states(void **state)
{
    (void)state;
    assert_string_equal(extract_state_code("CALIFORNIA", 10), "CA");
    assert_string_equal(extract_state_code("Delaware 1-1234 95-1234567", 26), "DE");
    assert_string_equal(extract_state_code("New York", 8), "NY");
    assert_string_equal(extract_state_code("West Virginia", 13), "WV");
    assert_string_equal(extract_state_code("State of Ohio", 13), "OH");
    assert_string_equal(extract_state_code("MD", 2), "MD");
    assert_null(extract_state_code("Bermuda", 7));
    assert_null(extract_state_code("Newark", 6));
    assert_null(extract_state_code("", 0));
}

static void test_cover_layouts(void **state)
{
    (void)state;
    /* Table layout: values on one line, labels on the next. */
    static const char table[] =
        "FORM 8-K\n\nDate of Report (Date of earliest event reported) 3/1/2007\n\n"
        "ACME WIDGETS, INC.\n(Exact name of registrant as specified in its charter)\n"
        "Delaware 001-12345 94-1234567\n"
        "(State or other jurisdiction of incorporation) (Commission File Number) (IRS "
        "Employer Identification No.)\n";
    f8k_filing_t *f = filing_with_text(table, sizeof table - 1);
    assert_int_equal(f8k_filing_extract(f), F8K_STATUS_SUCCESS);
    assert_string_equal(f->company, "ACME WIDGETS, INC.");
    assert_string_equal(f->date_of_report, "2007-03-01");
    assert_string_equal(f->state, "DE");
    assert_string_equal(f->file_number, "001-12345");
    filing_release(f);

    /* Header values win: the cover only fills what is NULL. */
    static const char label_after[] = "February 5, 2010\n(Date of Report)\n"
                                      "Commission File Number: 0-9876\n";
    f = filing_with_text(label_after, sizeof label_after - 1);
    f->date_of_report = strdup("2010-02-04");
    assert_int_equal(f8k_filing_extract(f), F8K_STATUS_SUCCESS);
    assert_string_equal(f->date_of_report, "2010-02-04");
    assert_null(f->company);
    assert_string_equal(f->file_number, "0-9876");
    filing_release(f);
}

/* ---- roles ---- */

static void test_roles(void **state)
{
    (void)state;
    static const struct {
        const char *in, *code;
    } cases[] = {
        {"Chief Financial Officer", "cfo"},
        {"chief financial officer", "cfo"},
        {"CFO", "cfo"},
        {"Principal Financial Officer", "cfo"},
        {"Senior Vice President and Chief Financial Officer", "cfo"},
        {"Executive Vice President, Finance and Chief Financial Officer", "cfo"},
        {"CEO", "ceo"},
        {"President and Chief Executive Officer", "ceo"},
        {"Principal Executive Officer", "ceo"},
        {"Chief Operating Officer", "coo"},
        {"President", "president"},
        {"Vice President", "other"},
        {"Senior Vice-President", "other"},
        {"Chairman of the Board", "chairman"},
        {"Chair of the Board", "chairman"},
        {"director", "director"},
        {"Board of Directors", "director"},
        {"General Counsel and Secretary", "general_counsel"},
        {"Vice President and Treasurer", "treasurer"},
        {"Corporate Secretary", "secretary"},
        {"Vice President and Controller", "controller"},
        {"Chief Accounting Officer", "controller"},
        {"Chief Technology Officer", "other"},
        {"Attorney-in-Fact", NULL},
        {"Vice Chairman", "chairman"},
        {"preside", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *display = NULL;
        const char *code = f8k_role_normalise(cases[i].in, strlen(cases[i].in), &display);
        if (!cases[i].code) {
            if (code)
                fail_msg("'%s' gave %s", cases[i].in, code);
            assert_null(display);
            continue;
        }
        if (!code || strcmp(code, cases[i].code) != 0)
            fail_msg("'%s': want %s, got %s", cases[i].in, cases[i].code, code ? code : "none");
        assert_non_null(display);
    }
    assert_string_equal(f8k_role_display_name("cfo"), "Chief Financial Officer");
    assert_null(f8k_role_display_name("nope"));
}

/* ---- officer sentences ---- */

static void test_officer_sentences(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *name, *code; /* NULL name: nothing may be extracted */
        f8k_officer_event_t event;
    } cases[] = {
        {"HemaCare announced the appointment of Rose Marcario as Chief Financial Officer.",
         "Rose Marcario", "cfo", F8K_EVENT_APPOINTED},
        {"On May 3, 2005, John A. Smith has resigned as Chief Executive Officer of the Company.",
         "John A. Smith", "ceo", F8K_EVENT_RESIGNED},
        {"The Board elected Mary Jones to serve as President, effective June 1.", "Mary Jones",
         "president", F8K_EVENT_ELECTED},
        {"Robert T. Brown will retire as Chairman of the Board on December 31, 2006.",
         "Robert T. Brown", "chairman", F8K_EVENT_RETIRED},
        {"William Gates, Jr., the Company's Chief Financial Officer, resigned effective "
         "immediately.",
         "William Gates Jr.", "cfo", F8K_EVENT_RESIGNED},
        {"The Board of Directors appointed Susan Lee as Vice President and Controller.",
         "Susan Lee", "controller", F8K_EVENT_APPOINTED},
        {"Effective March 1, the Company named Peter Parker Chief Operating Officer.",
         "Peter Parker", "coo", F8K_EVENT_APPOINTED},
        {"James Wilson was elected to the Board of Directors of the Company.", "James Wilson",
         "director", F8K_EVENT_ELECTED},
        {"The Company regrets to announce that Alan Green, a director, died on July 4.",
         "Alan Green", "director", F8K_EVENT_DIED},
        {"The Company terminated the employment of Frank Black as Chief Operating Officer.",
         "Frank Black", "coo", F8K_EVENT_TERMINATED},
        {"Karen White has informed the Board that she will step down as Treasurer.", "Karen White",
         "treasurer", F8K_EVENT_RESIGNED},
        /* Comma-separated titles: the most senior part wins. */
        {"D. Craig Nordlund will retire from his position as Senior Vice President, General "
         "Counsel and Secretary of the Company.",
         "D. Craig Nordlund", "general_counsel", F8K_EVENT_RETIRED},
        {"J. D. Scott retired as President and Chief Executive Officer of ONEOK Inc.",
         "J. D. Scott", "ceo", F8K_EVENT_RETIRED},
        {"Syrus P. Madavi has been elected as a member of the Board of Directors and appointed "
         "President and Chief Executive Officer.",
         "Syrus P. Madavi", "ceo", F8K_EVENT_APPOINTED},
        /* Lists of names share the event and the role. */
        {"Also on April 11, 1994, Alexander Anderson, Paul C. Blackman, Charles W. Daggs, III and "
         "Frederick G. Uhlmann all were appointed directors of the Registrant.",
         "Paul C. Blackman", "director", F8K_EVENT_APPOINTED},
        {"Also on April 11, 1994, Alexander Anderson, Paul C. Blackman, Charles W. Daggs, III and "
         "Frederick G. Uhlmann all were appointed directors of the Registrant.",
         "Alexander Anderson", "director", F8K_EVENT_APPOINTED},
        {"On December 5, 2017, the Board of Directors of the Registrant elected Safra A. Catz and "
         "Francis A. deSouza as Directors, effective February 1, 2018.",
         "Francis A. deSouza", "director", F8K_EVENT_ELECTED},
        {"Effective March 18, 1994, the Registrant's independent directors, Vaughn R. Blake and "
         "Jonathan D. Kantor, resigned.",
         "Vaughn R. Blake", "director", F8K_EVENT_RESIGNED},
        /* A second role of the same event; typographic quotes. */
        {"On December 31, 2016, Donnie Smith resigned as Chief Executive Officer of Tyson Foods, "
         "Inc. (the \xe2\x80\x9c"
         "Company\xe2\x80\x9d) and as a member of the Company\xe2\x80\x99s board of directors.",
         "Donnie Smith", "director", F8K_EVENT_RESIGNED},
        {"Glennon E. King served as acting Chief Executive Officer. The Board has appointed "
         "Sherwood C. Chillingworth as Chief Executive Officer of Realty and Mr. King as acting "
         "Chief Financial Officer of Realty.",
         "Glennon E. King", "cfo", F8K_EVENT_APPOINTED},
        /* Implied appointments: "became", "assume the position of". */
        {"Effective the same date, Tom Hayes became the Chief Executive Officer of the Company.",
         "Tom Hayes", "ceo", F8K_EVENT_APPOINTED},
        {"Effective March 1, 1995, Branko Terzic, President and Chief Operating Officer will "
         "assume the additional position of Chief Executive Officer.",
         "Branko Terzic", "ceo", F8K_EVENT_APPOINTED},
        /* A longer appositive; a company name is not a person. */
        {"John P. Mulroney, 68, a dedicated member of the Board of Directors of Alcoa Inc. since "
         "1987, died suddenly on Friday, September 24, 2004.",
         "John P. Mulroney", "director", F8K_EVENT_DIED},
        {"On December 19, 2025, Dina Powell McCormick notified Meta Platforms, Inc. (the "
         "\"Company\") that she will resign as a member of the Board of Directors of the Company.",
         "Dina Powell McCormick", "director", F8K_EVENT_RESIGNED},
        /* Double-spaced text, a title with "--". */
        {"Mr. Thomas A. Tingleff,\n\nsenior vice president--Finance and Accounting, and Mr. R. "
         "Scott\n\nMorgan, vice president and controller, have been dismissed because of the "
         "manner in which they handled the matter.",
         "R. Scott Morgan", "controller", F8K_EVENT_TERMINATED},
        /* Role without an event, events without a person or role: nothing. */
        {"At the time of this filing, Ms. Durham has not been named to any committees of the "
         "Board of Directors.",
         NULL, NULL, 0},
        {"Said Rose Marcario, the Company's Chief Financial Officer, \"We are pleased.\"", NULL,
         NULL, 0},
        {"The Company announced the appointment of Ernst & Young LLP as its auditor.", NULL, NULL,
         0},
        {"Smith Barney Inc. was appointed as financial advisor.", NULL, NULL, 0},
        {"The Company appointed a new Chief Financial Officer.", NULL, NULL, 0},
        {"John Doe resigned for personal reasons.", NULL, NULL, 0},
        /* An adjective, boilerplate, an honorary title, a defined term, a letter. */
        {"Current board members include Robert Herbold, retired executive vice president, "
         "Microsoft Corporation.",
         NULL, NULL, 0},
        {"There are no arrangements between Dr. Yamada and any other person pursuant to which he "
         "was appointed as a director.",
         NULL, NULL, 0},
        {"Bueche assumes the chairmanship from Billie B. Turner, who was named Chairman Emeritus "
         "and remains a director of the Company.",
         NULL, NULL, 0},
        {"Directors invest in shares until they satisfy the Director Share Guidelines adopted by "
         "the Board, and keep them until they retire from the board.",
         NULL, NULL, 0},
        {"Aaron's, Inc. 309 E. Paces Ferry Road Northeast Atlanta, GA 30305 Dear Charlie: It is "
         "with regret that I must retire from active service on the Board of Directors.",
         NULL, NULL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        f8k_officer_t *o = NULL;
        size_t n = 0, cap = 0;
        const char *t = cases[i].text;
        assert_int_equal(extract_officers_from_text(t, strlen(t), 0, 1, &o, &n, &cap),
                         F8K_STATUS_SUCCESS);
        if (!cases[i].name) {
            if (n > 0)
                fail_msg("'%s' gave %s/%s", t, o[0].name, o[0].role_code);
        } else {
            int found = 0;
            for (size_t k = 0; k < n; k++)
                found |= strcmp(o[k].name, cases[i].name) == 0 &&
                         strcmp(o[k].role_code, cases[i].code) == 0 && o[k].event == cases[i].event;
            if (!found)
                fail_msg("'%s': want %s/%s/%d, got %zu entries (%s/%s/%d)", t, cases[i].name,
                         cases[i].code, (int)cases[i].event, n, n ? o[0].name : "-",
                         n ? o[0].role_code : "-", n ? (int)o[0].event : 0);
        }
        extract_officers_free(o, n);
    }
}

static void test_signatures(void **state)
{
    (void)state;
    static const char block[] =
        "SIGNATURES\n\nDate: June 27, 2003           HEMACARE CORPORATION\n\n"
        "                             /s/ Judi Irving\n        ------------\n"
        "                              Judi Irving,\n         Chief Executive Officer\n\n"
        "By: /s/ JOHN Q. PUBLIC\nName: John Q. Public\nTitle: Vice President and Controller\n\n"
        "By: /s/ Mary Major          Senior Vice President\n\n"
        "/s/ Ernst & Young LLP\nCertified Public Accountants\n\n"
        "By: /s/\nName: Alan Turing\nTitle: Secretary\n\n"
        "Date: November 1, 1994 By: /Philip D. Freeman\nPhilip D. Freeman\n"
        "Senior Vice President,\nGeneral Counsel and Secretary\n";
    f8k_officer_t *o = NULL;
    size_t n = 0, cap = 0;
    assert_int_equal(extract_officers_from_text(block, sizeof block - 1, 1, 0, &o, &n, &cap),
                     F8K_STATUS_SUCCESS);
    const char *want[][2] = {{"Judi Irving", "ceo"},
                             {"John Q. Public", "controller"}, /* the typed name */
                             {"Mary Major", "other"},
                             {"Alan Turing", "secretary"},
                             {"Philip D. Freeman", "general_counsel"}};
    assert_int_equal(n, 5);
    for (size_t k = 0; k < 5; k++) {
        assert_string_equal(o[k].name, want[k][0]);
        assert_string_equal(o[k].role_code, want[k][1]);
        assert_int_equal(o[k].event, F8K_EVENT_SIGNED);
    }
    extract_officers_free(o, n);
}

/* With the report's date and the filer's name known: biographies and units. */
static void test_officer_context(void **state)
{
    (void)state;
    static const char text[] =
        "Item 5.02 Departure of Directors or Certain Officers\n\n"
        "The Walt Disney Company announced that it has appointed Christine M. McCarthy Senior "
        "Executive Vice President and Chief Financial Officer, effective July 1, 2015.\n\n"
        "Ms. McCarthy, 60, was appointed Treasurer of the Company in January 2000.\n\n"
        "Alcoa Inc. announced that Olivier Jarrault has been named president of Alcoa Engineered "
        "Products and Solutions.\n\n"
        "Norman S. Rich was appointed President of Weis Markets, Inc.\n";
    f8k_filing_t *f = filing_with_text(text, sizeof text - 1);
    f->date_of_report = strdup("2015-06-30");
    assert_int_equal(f8k_filing_extract(f), F8K_STATUS_SUCCESS);
    assert_non_null(find_officer(f, "Christine M. McCarthy", "cfo", F8K_EVENT_APPOINTED));
    assert_null(find_officer(f, "Christine M. McCarthy", "treasurer", F8K_EVENT_APPOINTED));
    assert_non_null(find_officer(f, "Olivier Jarrault", "other", F8K_EVENT_APPOINTED));
    assert_non_null(find_officer(f, "Norman S. Rich", "president", F8K_EVENT_APPOINTED));
    for (size_t i = 0; i < f->n_officers; i++)
        assert_true(strncmp(f->officers[i].name, "Alcoa", 5) != 0);
    filing_release(f);
}

/* Lists one name a line after an election, and vote tables. */
static void test_officer_lists(void **state)
{
    (void)state;
    static const char text[] =
        "At that meeting the following persons were elected to serve as Directors of\n"
        "the Registrant:\n"
        "Kenneth L. Bernstein\n"
        "N. David Nathanson\n"
        "There were seven nominees for seven seats.\n\n"
        "With respect to the election of directors:\n"
        "Directors\nVotes For\nVotes Against\nBroker Non-Votes\n"
        "Kathleen M. Bader\n911,899,466\n532,940\n20,860,065\n"
        "Gaurdie E. Banister Jr.\t911,623,607\t806,637\t20,860,065\n"
        "(ii)\nWith respect to the ratification of the selection of PwC:\n"
        "The Committee approved the following salaries for the Named Executive Officers:\n"
        "Erik B. Nordstrom\n$758,500\n";
    f8k_officer_t *o = NULL;
    size_t n = 0, cap = 0;
    assert_int_equal(extract_officers_from_text(text, sizeof text - 1, 0, 1, &o, &n, &cap),
                     F8K_STATUS_SUCCESS);
    const char *want[] = {"Kenneth L. Bernstein", "N. David Nathanson", "Kathleen M. Bader",
                          "Gaurdie E. Banister Jr."};
    assert_int_equal(n, 4);
    for (size_t k = 0; k < 4; k++) {
        assert_string_equal(o[k].name, want[k]);
        assert_string_equal(o[k].role_code, "director");
        assert_int_equal(o[k].event, F8K_EVENT_ELECTED);
    }
    extract_officers_free(o, n);
}

/* Signature layouts: one flattened line, "By ____", none, and signatures of exhibits. */
static void test_signature_layouts(void **state)
{
    (void)state;
    static const char flat[] =
        "SIGNATURES Pursuant to the requirements of the Securities Exchange Act of 1934, the "
        "registrant has duly caused this report to be signed on its behalf by the undersigned "
        "hereunto duly authorized. AARON RENTS, INC. By: /s/ Gilbert L. Danielson "
        "------------------------------ Gilbert L. Danielson Executive Vice President, Date: "
        "November 22, 2005 Chief Financial Officer\n";
    static const char blank[] =
        "the registrant has duly caused this report to be signed on its behalf by the\n"
        "undersigned hereunto duly authorized.\n\nBURR-BROWN CORPORATION\n\n"
        "Date: May 2, 1994 By ____________________________\n"
        "Thomas R. Brown, Jr.\nChairman of the Board\n";
    static const char unmarked[] =
        "Pursuant to the requirements of the Securities Exchange Act of 1934, the\n"
        "Registrant has duly caused this report to be signed on its behalf by the\n"
        "undersigned hereunto duly authorized.\n"
        "Date: July 14, 1994 CU BANCORP\nPATRICK HARTMAN\n---------------\n"
        "Patrick Hartman\nChief Financial Officer\n";
    const struct {
        const char *text;
        size_t len;
        const char *name, *code;
    } cases[] = {
        {flat, sizeof flat - 1, "Gilbert L. Danielson", "cfo"},
        {blank, sizeof blank - 1, "Thomas R. Brown Jr.", "chairman"},
        {unmarked, sizeof unmarked - 1, "Patrick Hartman", "cfo"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        f8k_officer_t *o = NULL;
        size_t n = 0, cap = 0;
        assert_int_equal(
            extract_officers_from_text(cases[i].text, cases[i].len, 1, 0, &o, &n, &cap),
            F8K_STATUS_SUCCESS);
        assert_int_equal(n, 1);
        assert_string_equal(o[0].name, cases[i].name);
        assert_string_equal(o[0].role_code, cases[i].code);
        extract_officers_free(o, n);
    }
    /* An agreement's signature far after the report's is not the report's. */
    size_t pad = 5000, len = sizeof unmarked - 1;
    const char tail[] = "\nBy: /s/ Alice M. Peterson\nName: Alice M. Peterson\nTitle: Treasurer\n";
    char *text = malloc(len + pad + sizeof tail);
    assert_non_null(text);
    memcpy(text, unmarked, len);
    memset(text + len, 'x', pad);
    for (size_t k = len; k < len + pad; k += 60)
        text[k] = '\n';
    memcpy(text + len + pad, tail, sizeof tail);
    f8k_officer_t *o = NULL;
    size_t n = 0, cap = 0;
    assert_int_equal(extract_officers_from_text(text, strlen(text), 1, 0, &o, &n, &cap),
                     F8K_STATUS_SUCCESS);
    assert_int_equal(n, 1);
    assert_string_equal(o[0].name, "Patrick Hartman");
    extract_officers_free(o, n);
    free(text);
}

/* Bad and huge input: no crash, linear time. */
static void test_hostile_text(void **state)
{
    (void)state;
    size_t len = 4u << 20;
    char *big = malloc(len);
    assert_non_null(big);
    for (size_t i = 0; i < len; i++)
        big[i] = "Item 5.02 appointed Mr. Smith as /s/ Chief (\n\xC2\xA0\xFF.,;"[i % 45];
    f8k_filing_t *f = filing_with_text(big, len);
    assert_int_equal(f8k_filing_extract(f), F8K_STATUS_SUCCESS);
    filing_release(f);
    free(big);
    assert_int_equal(f8k_filing_extract(NULL), F8K_STATUS_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed),
        cmocka_unit_test(test_item_lookup),
        cmocka_unit_test(test_era),
        cmocka_unit_test(test_title_matching),
        cmocka_unit_test(test_headings),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_states),
        cmocka_unit_test(test_cover_layouts),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_officer_sentences),
        cmocka_unit_test(test_signatures),
        cmocka_unit_test(test_hostile_text),
        cmocka_unit_test(test_officer_context),
        cmocka_unit_test(test_officer_lists),
        cmocka_unit_test(test_signature_layouts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
