/*
 * dbpath.h - where the f8k database lives (CLI side only: it reads
 * the environment, which the library never does).
 *
 *   --db PATH, else $F8K_DB, else $XDG_DATA_HOME/f8k/db, else
 *   ~/.local/share/f8k/db.
 */
#ifndef F8K_DBPATH_H
#define F8K_DBPATH_H

#include <f8k/f8k_status.h>

F8K_BEGIN_DECLS

/*
 * The database path: OPTION when not NULL, else the environment as
 * above.  Returns a malloc'd string (caller frees), or NULL when no
 * path can be formed (no $HOME) or memory ran out.
 */
char *f8k_dbpath_resolve(const char *option);

/*
 * Create the missing parent directories of the database PATH, each
 * with mode 0700 (like mkdir -p), so that a first `add` works on a
 * fresh account.  The database directory itself is created by the
 * library.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     the parent exists.
 *   F8K_STATUS_INVALID_ARG: PATH is NULL or empty.
 *   F8K_STATUS_IO:          a directory could not be created; *error_out
 *                           (may be NULL) is a malloc'd reason.
 *   F8K_STATUS_NOMEM:       out of memory.
 */
f8k_status_t f8k_dbpath_make_parent(const char *path, char **error_out);

/*
 * CLI helper: resolve nothing, just open the index at PATH for
 * writing (creating its parent directories), waiting WAIT_SECONDS for
 * the lock; SHARD_BY (NULL: none) as f8k_index_open_sharded() takes
 * it.  On failure prints "PROG: PATH: reason" to stderr and returns
 * the exit code (75 when locked; 2 when the database cannot take the
 * command: a conflicting or misplaced --shard-by, a remote shard; 1
 * otherwise); returns 0 and sets *index_out on success.
 */
struct f8k_index;
int f8k_dbpath_open_index(const char *prog, const char *path, const char *shard_by,
                          double wait_seconds, struct f8k_index **index_out);

F8K_END_DECLS

#endif /* F8K_DBPATH_H */
