/*
 * f8k_status.h - the one status code every fallible f8k function returns.
 *
 * The codes and their messages come from a single X-macro table, so a
 * code can never lack its message.  Safe to include from C and C++.
 */
#ifndef F8K_STATUS_H
#define F8K_STATUS_H

#ifdef __cplusplus
#define F8K_BEGIN_DECLS extern "C" {
#define F8K_END_DECLS }
#else
#define F8K_BEGIN_DECLS
#define F8K_END_DECLS
#endif

F8K_BEGIN_DECLS

/* X(name, message): add new codes before LAST, never renumber. */
#define F8K_XSTATUS(X)                                                        \
    X(SUCCESS, "success")                                                     \
    X(NOMEM, "out of memory")                                                 \
    X(INVALID_ARG, "invalid argument")                                        \
    X(DB_LOCKED, "database is locked by another writer")                      \
    X(DB_MODIFIED, "database was modified while reading; retry")              \
    X(DB_NOT_FOUND, "database not found")                                     \
    X(DB_CLOSED, "database is closed")                                        \
    X(DB_VERSION, "database was written by an incompatible version")          \
    X(DB_CORRUPT, "database is corrupt")                                      \
    X(DB_OPEN, "database could not be opened")                                \
    X(DOC_NOT_FOUND, "document not found")                                    \
    X(BAD_QUERY, "malformed query")                                           \
    X(BAD_INPUT, "malformed input")                                           \
    X(IO, "input/output error")                                               \
    X(NETWORK, "network error")                                               \
    X(TIMEOUT, "timed out")                                                   \
    X(UNSUPPORTED, "operation not supported by this backend")                 \
    X(INTERRUPTED, "interrupted")                                             \
    X(ICU, "ICU error")                                                       \
    X(XAPIAN, "Xapian error")                                                 \
    X(INTERNAL, "internal error")

typedef enum f8k_status {
#define F8K_STATUS_ENUM_(name, message) F8K_STATUS_##name,
    F8K_XSTATUS(F8K_STATUS_ENUM_)
#undef F8K_STATUS_ENUM_
    F8K_STATUS_LAST
} f8k_status_t;

/*
 * Return a static, human-readable message for STATUS.  Any value,
 * including F8K_STATUS_LAST and values out of range, gives a valid
 * string.  The string is owned by f8k and must not be freed.
 */
static inline const char *f8k_status_to_string(f8k_status_t status)
{
    static const char *const messages[] = {
#define F8K_STATUS_MESSAGE_(name, message) message,
        F8K_XSTATUS(F8K_STATUS_MESSAGE_)
#undef F8K_STATUS_MESSAGE_
    };
    if ((unsigned)status >= (unsigned)F8K_STATUS_LAST)
        return "unknown status";
    return messages[status];
}

F8K_END_DECLS

#endif /* F8K_STATUS_H */
