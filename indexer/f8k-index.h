/*
 * f8k-index.h - the subcommands of the f8k-index command.
 *
 * Each subcommand lives in its own file, indexer/f8k-index-<cmd>.c,
 * with the signature below, and gets one line in the commands[] table
 * of f8k-index.c.  ARGV[0] is the subcommand name; options follow.
 * The return value is the process exit code:
 *   0 success, 1 some input failed, 2 usage error, 75 database locked.
 */
#ifndef F8K_INDEX_CLI_H
#define F8K_INDEX_CLI_H

#define F8K_EXIT_OK     0
#define F8K_EXIT_FAILED 1
#define F8K_EXIT_USAGE  2
#define F8K_EXIT_LOCKED 75

/*
 * The database path: the global --db option, else $F8K_DB, else
 * $XDG_DATA_HOME/f8k/db, else ~/.local/share/f8k/db.  Returns a
 * malloc'd string (caller frees), or NULL when none can be formed.
 */
char *f8k_index_db_path(void);

/* The name the command was run as, for messages ("f8k-index"). */
extern const char *f8k_index_progname;

int f8k_index_inspect_command(int argc, char **argv);
int f8k_index_add_command(int argc, char **argv);
int f8k_index_remove_command(int argc, char **argv);
int f8k_index_status_command(int argc, char **argv);
int f8k_index_compact_command(int argc, char **argv);

#endif /* F8K_INDEX_CLI_H */
