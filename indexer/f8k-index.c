/*
 * f8k-index.c - the f8k-index command: global options, then a
 * subcommand looked up in a table (after notmuch's notmuch.c).
 *
 *   f8k-index [--db PATH] COMMAND [OPTIONS] [ARGS]
 *
 * Adding a command is one line in commands[] plus its file
 * indexer/f8k-index-<cmd>.c and a declaration in f8k-index.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "f8k-index.h"
#include "dbpath.h"

const char *f8k_index_progname = "f8k-index";

/* The --db option, when given. */
static const char *db_option = NULL;

typedef struct command {
    const char *name;
    int (*function)(int argc, char **argv);
    const char *summary;
} command_t;

static const command_t commands[] = {
    {"add", f8k_index_add_command, "Add 8-K filings (files, directories) to the index."},
    {"remove", f8k_index_remove_command, "Remove filings from the index by accession."},
    {"status", f8k_index_status_command, "Show the index's size, counts and last run."},
    {"compact", f8k_index_compact_command, "Compact the index in place."},
    {"inspect", f8k_index_inspect_command, "Print the fields extracted from filing files."},
};

static const command_t *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    }
    return NULL;
}

static void usage(FILE *out)
{
    fprintf(out, "Usage: %s [--db PATH] COMMAND [OPTIONS] [ARGS]\n\nCommands:\n",
            f8k_index_progname);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nThe database is --db PATH, else $F8K_DB, else $XDG_DATA_HOME/f8k/db.\n");
}

char *f8k_index_db_path(void)
{
    return f8k_dbpath_resolve(db_option);
}

int main(int argc, char **argv)
{
    const command_t *command = NULL;
    int i = 1;

    /* Global options come before the subcommand. */
    while (i < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "--db") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "%s: --db needs a PATH\n", f8k_index_progname);
                return F8K_EXIT_USAGE;
            }
            db_option = argv[i + 1];
            i += 2;
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            db_option = argv[i] + 5;
            i++;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return F8K_EXIT_OK;
        } else {
            fprintf(stderr, "%s: unknown option '%s'\n", f8k_index_progname, argv[i]);
            usage(stderr);
            return F8K_EXIT_USAGE;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return F8K_EXIT_USAGE;
    }
    command = find_command(argv[i]);
    if (command == NULL) {
        fprintf(stderr, "%s: unknown command '%s'\n", f8k_index_progname, argv[i]);
        usage(stderr);
        return F8K_EXIT_USAGE;
    }
    return command->function(argc - i, argv + i);
}
