/*
 * f8k_extract.h - the 8-K vocabulary shared by the indexer and the
 * query side: the two item tables (decimal items from 23 August 2004,
 * whole-number items before), the tolerant item-title matcher, and the
 * officer role normaliser.
 *
 * Everything here is pure table lookup: no allocation, no I/O, no
 * state.  Every returned pointer is borrowed from static tables owned
 * by f8k and valid for the life of the program.
 */
#ifndef F8K_EXTRACT_H
#define F8K_EXTRACT_H

#include <stddef.h>

#include <f8k/f8k_status.h>

F8K_BEGIN_DECLS

/* The two item numbering schemes. */
typedef enum f8k_item_era {
    F8K_ITEM_ERA_UNKNOWN = 0, /* no date known: either numbering is accepted */
    F8K_ITEM_ERA_OLD,         /* filed before 2004-08-23: whole numbers "1".."12" */
    F8K_ITEM_ERA_MODERN       /* filed on or after 2004-08-23: "1.01".."9.01" */
} f8k_item_era_t;

/* One row of an item table. */
typedef struct f8k_item_info {
    const char *number; /* "5" or "5.02" */
    const char *title;  /* canonical title, as in the SEC's form */
    const char *modern; /* modern equivalent ("8.01" for old "5"; itself if modern) */
    f8k_item_era_t era; /* F8K_ITEM_ERA_OLD or F8K_ITEM_ERA_MODERN */
} f8k_item_info_t;

/*
 * The era of a filing dated DATE ("YYYY-MM-DD"; "YYYYMMDD" is accepted
 * too).  Dates before 2004-08-23 are F8K_ITEM_ERA_OLD, later ones
 * F8K_ITEM_ERA_MODERN; NULL or an unparseable date gives
 * F8K_ITEM_ERA_UNKNOWN.
 */
f8k_item_era_t f8k_item_era_for_date(const char *date);

/*
 * Look up an item by NUMBER as filed: "5" (old), "5.02" (modern).
 * Leading "Item " and surrounding blanks are tolerated, as is a
 * single-digit minor part ("5.2" is 5.02).  Returns the table row, or
 * NULL when the number is not an 8-K item.  Borrowed, static.
 */
const f8k_item_info_t *f8k_item_lookup(const char *number);

/*
 * The whole table: all old items, then all modern items, in number
 * order.  Stores the row count in *count_out (may be NULL).  Borrowed,
 * static.
 */
const f8k_item_info_t *f8k_item_table(size_t *count_out);

/*
 * Match a free-text item title (an EDGAR ITEM INFORMATION line such as
 * "Costs Associated with Exit or Disposal Activities", a 1994 header's
 * "Other events" or bare "5", a Lee record's EVENTS name) against the
 * table of ERA (F8K_ITEM_ERA_UNKNOWN searches both).  Tolerates case,
 * punctuation, singular/plural, "and Regulation FD Disclosure" and
 * common abbreviations; an item number written in the title ("Item
 * 5.02 Departure ...", "5") wins over the words.
 *
 * TITLE is LEN bytes of UTF-8, need not be NUL-terminated.  Returns the
 * best row, or NULL when no title matches well enough.  Borrowed,
 * static.
 */
const f8k_item_info_t *f8k_item_match_title(const char *title, size_t len, f8k_item_era_t era);

/*
 * Normalise an officer or director title ("Senior Vice President and
 * Chief Financial Officer", "principal executive officer", "CEO",
 * "Chairman of the Board", "director") to a role code: "ceo", "cfo",
 * "coo", "president", "chairman", "director", "general_counsel",
 * "treasurer", "secretary", "controller" (chief accounting officer) or
 * "other" (any other officer title: vice presidents, other chief
 * officers).  When a title names several roles the most senior wins,
 * in the order above.
 *
 * TEXT is LEN bytes, need not be NUL-terminated.  Returns the static
 * code, or NULL when TEXT names no officer or director role.  When
 * DISPLAY_OUT is not NULL it receives the role's static display name
 * ("Chief Financial Officer"; "Officer" for "other"), NULL on no match.
 */
const char *f8k_role_normalise(const char *text, size_t len, const char **display_out);

/*
 * The display name of role code CODE ("cfo" -> "Chief Financial
 * Officer").  Returns NULL for an unknown code.  Static.
 */
const char *f8k_role_display_name(const char *code);

F8K_END_DECLS

#endif /* F8K_EXTRACT_H */
