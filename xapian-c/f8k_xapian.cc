/*
 * f8k_xapian.cc - the C binding over xapian-core (the only C++ in f8k).
 *
 * Every extern "C" entry point is noexcept and has the shape
 * `try { ...body... } catch (...) { return fail(handle); }`, so no
 * exception ever unwinds into C (STYLE.md C7, P1).  fail() rethrows
 * the current exception and maps it to a status, most-derived class
 * first, keeping get_description() as the handle's last error.
 */
#include <f8k/f8k_xapian.h>

#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

/* ------------------------------------------------------------------ */
/* Handles.                                                             */
/* ------------------------------------------------------------------ */

struct f8k_strlist {
    std::vector<std::pair<std::string, unsigned long long>> items; /* (bytes, count) */
};

struct f8k_db {
    Xapian::Database db;          /* Reader view; shares wdb's internals when writable. */
    Xapian::WritableDatabase wdb; /* The writer, when writable. */
    bool writable = false;        /* Opened with f8k_db_open_writable(). */
    bool in_transaction = false;  /* Between begin and commit/cancel (no nesting). */
    bool remote = false;          /* A stub listed a remote shard (xapian-tcpsrv). */
    std::string error;            /* Last failure's message, "" after a success. */
};

struct f8k_doc {
    Xapian::Document doc; /* Standalone, or lazily backed by a database. */
    std::string buffer;   /* Holds the bytes last returned by a getter. */
    std::string error;    /* Last failure's message. */
};

struct f8k_query {
    Xapian::Query query; /* Xapian queries are refcounted trees: copying is cheap. */
};

namespace
{

/*
 * A facet counter: counts the distinct values of one slot over every
 * matching document the matcher sees, optionally splitting multi-value
 * slots and counting a value once per collapse-key value.
 */
class FacetSpy : public Xapian::MatchSpy
{
  public:
    FacetSpy(Xapian::valueno slot, bool multi, char separator, Xapian::valueno collapse_slot)
        : slot_(slot), multi_(multi), separator_(separator), collapse_slot_(collapse_slot)
    {
    }

    void operator()(const Xapian::Document &doc, double) override
    {
        add(doc.get_value(slot_),
            collapse_slot_ != Xapian::BAD_VALUENO ? doc.get_value(collapse_slot_) : std::string());
    }

    /* Count VALUE (this spy's slot) of a document whose collapse key is KEY. */
    void add(std::string value, const std::string &key)
    {
        if (value.empty())
            return;
        std::vector<std::string> pieces;
        if (multi_) {
            size_t start = 0;
            while (start <= value.size()) {
                size_t end = value.find(separator_, start);
                if (end == std::string::npos)
                    end = value.size();
                if (end > start)
                    pieces.emplace_back(value, start, end - start);
                start = end + 1;
            }
            std::sort(pieces.begin(), pieces.end());
            pieces.erase(std::unique(pieces.begin(), pieces.end()), pieces.end());
        } else {
            pieces.push_back(std::move(value));
        }
        for (std::string &piece : pieces) {
            if (collapse_slot_ != Xapian::BAD_VALUENO && !seen_.emplace(key, piece).second)
                continue;
            ++counts_[piece];
        }
    }

    void reset()
    {
        counts_.clear();
        seen_.clear();
    }

    /* The counts, most frequent first, ties in byte order. */
    std::vector<std::pair<std::string, unsigned long long>> sorted() const
    {
        std::vector<std::pair<std::string, unsigned long long>> out(counts_.begin(), counts_.end());
        std::stable_sort(out.begin(), out.end(),
                         [](const auto &a, const auto &b) { return a.second > b.second; });
        return out;
    }

    Xapian::valueno slot() const
    {
        return slot_;
    }

    Xapian::valueno collapse_slot() const
    {
        return collapse_slot_;
    }

  private:
    Xapian::valueno slot_;                               /* The faceted slot. */
    bool multi_;                                         /* Split on separator_. */
    char separator_;                                     /* Multi-value separator. */
    Xapian::valueno collapse_slot_;                      /* Dedupe key slot, or BAD. */
    std::map<std::string, unsigned long long> counts_;   /* Value -> count. */
    std::set<std::pair<std::string, std::string>> seen_; /* (key, value) counted. */
};

} // namespace

struct f8k_enquire {
    f8k_enquire(const Xapian::Database &database) : db(database), enquire(database)
    {
    }
    Xapian::Database db;                          /* Shares the f8k_db's internals. */
    std::vector<std::unique_ptr<FacetSpy>> spies; /* Declared before enquire: outlive it. */
    Xapian::Enquire enquire;                      /* Holds raw pointers to the spies. */
    bool remote = false;                          /* The database has remote shards. */
    bool remote_facets = false; /* The spies cannot run here (remote shards): see facet_passes(). */
    std::string error;          /* Last failure's message. */
};

struct MsetItem {
    bool fetched = false;                   /* data holds the document data. */
    std::string data;                       /* The document data, once read. */
    std::map<unsigned, std::string> values; /* Values read so far. */
};

struct f8k_mset {
    Xapian::MSet mset;           /* Keeps the enquire internals alive. */
    std::vector<MsetItem> items; /* Per-item caches. */
    std::vector<std::vector<std::pair<std::string, unsigned long long>>> facets; /* Copied. */
    std::string error; /* Last failure's message. */
};

/* ------------------------------------------------------------------ */
/* Error mapping.                                                       */
/* ------------------------------------------------------------------ */

namespace
{

/* How many times a search is retried after DatabaseModifiedError. */
const int kModifiedRetries = 5;

/*
 * Map the exception being handled to a status, in the order of
 * STYLE.md P1 (most-derived first), storing its description in *MSG.
 * Must be called from inside a catch block.
 */
f8k_status_t status_from_exception(std::string *msg) noexcept
{
    f8k_status_t status = F8K_STATUS_INTERNAL;
    try {
        try {
            throw;
        } catch (const Xapian::DatabaseLockError &e) {
            status = F8K_STATUS_DB_LOCKED;
            *msg = e.get_description();
        } catch (const Xapian::DatabaseModifiedError &e) {
            status = F8K_STATUS_DB_MODIFIED;
            *msg = e.get_description();
        } catch (const Xapian::DatabaseNotFoundError &e) {
            status = F8K_STATUS_DB_NOT_FOUND;
            *msg = e.get_description();
        } catch (const Xapian::DatabaseClosedError &e) {
            status = F8K_STATUS_DB_CLOSED;
            *msg = e.get_description();
        } catch (const Xapian::DatabaseVersionError &e) {
            status = F8K_STATUS_DB_VERSION;
            *msg = e.get_description();
        } catch (const Xapian::DatabaseCorruptError &e) {
            status = F8K_STATUS_DB_CORRUPT;
            *msg = e.get_description();
        } catch (const Xapian::DatabaseOpeningError &e) {
            status = F8K_STATUS_DB_OPEN;
            *msg = e.get_description();
        } catch (const Xapian::DocNotFoundError &e) {
            status = F8K_STATUS_DOC_NOT_FOUND;
            *msg = e.get_description();
        } catch (const Xapian::QueryParserError &e) {
            status = F8K_STATUS_BAD_QUERY;
            *msg = e.get_description();
        } catch (const Xapian::InvalidArgumentError &e) {
            status = F8K_STATUS_INVALID_ARG;
            *msg = e.get_description();
        } catch (const Xapian::RangeError &e) {
            status = F8K_STATUS_INVALID_ARG;
            *msg = e.get_description();
        } catch (const Xapian::NetworkTimeoutError &e) {
            status = F8K_STATUS_TIMEOUT;
            *msg = e.get_description();
        } catch (const Xapian::NetworkError &e) {
            status = F8K_STATUS_NETWORK;
            *msg = e.get_description();
        } catch (const Xapian::UnimplementedError &e) {
            status = F8K_STATUS_UNSUPPORTED;
            *msg = e.get_description();
        } catch (const Xapian::Error &e) {
            status = F8K_STATUS_XAPIAN;
            *msg = e.get_description();
        } catch (const std::bad_alloc &) {
            status = F8K_STATUS_NOMEM;
            *msg = "out of memory";
        } catch (const std::exception &e) {
            status = F8K_STATUS_INTERNAL;
            *msg = e.what();
        } catch (...) {
            status = F8K_STATUS_INTERNAL;
            *msg = "unknown exception";
        }
    } catch (...) {
        /* Building the message itself failed (out of memory). */
        msg->clear();
    }
    return status;
}

/* Record the current exception on handle H and return its status. */
template <class H> f8k_status_t fail(H *h) noexcept
{
    std::string msg;
    f8k_status_t status = status_from_exception(&msg);
    if (h != nullptr)
        h->error.swap(msg);
    return status;
}

/* Record a status with a fixed message on H (which may be NULL). */
template <class H> f8k_status_t fail_with(H *h, f8k_status_t status, const char *msg) noexcept
{
    if (h != nullptr) {
        try {
            h->error.assign(msg);
        } catch (...) {
            h->error.clear();
        }
    }
    return status;
}

/* A success on H: clear its last error. */
template <class H> f8k_status_t ok(H *h) noexcept
{
    h->error.clear();
    return F8K_STATUS_SUCCESS;
}

/* Store a malloc'd copy of MSG in *ERROR_MESSAGE when asked for it. */
void give_message(char **error_message, const std::string &msg) noexcept
{
    if (error_message == nullptr)
        return;
    *error_message = static_cast<char *>(malloc(msg.size() + 1));
    if (*error_message != nullptr)
        memcpy(*error_message, msg.c_str(), msg.size() + 1);
}

/* A malloc'd, NUL-terminated copy of S (which may contain NULs). */
char *malloc_copy(const std::string &s)
{
    char *copy = static_cast<char *>(malloc(s.size() + 1));
    if (copy == nullptr)
        throw std::bad_alloc();
    memcpy(copy, s.data(), s.size());
    copy[s.size()] = '\0';
    return copy;
}

/* Seconds elapsed since START. */
double seconds_since(std::chrono::steady_clock::time_point start)
{
    std::chrono::duration<double> d = std::chrono::steady_clock::now() - start;
    return d.count();
}

void sleep_ms(long ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* A writable database is required: record and report INVALID_ARG. */
bool require_writer(f8k_db_t *db)
{
    if (db->writable)
        return true;
    fail_with(db, F8K_STATUS_INVALID_ARG, "the database is open read-only");
    return false;
}

} // namespace

/* ------------------------------------------------------------------ */
/* String lists.                                                        */
/* ------------------------------------------------------------------ */

extern "C" size_t f8k_strlist_size(const f8k_strlist_t *list) noexcept
{
    return list == nullptr ? 0 : list->items.size();
}

extern "C" f8k_status_t f8k_strlist_get(const f8k_strlist_t *list, size_t index,
                                        const char **str_out, size_t *len_out,
                                        unsigned long long *count_out) noexcept
{
    if (str_out != nullptr)
        *str_out = nullptr;
    if (len_out != nullptr)
        *len_out = 0;
    if (count_out != nullptr)
        *count_out = 0;
    if (list == nullptr || index >= list->items.size())
        return F8K_STATUS_INVALID_ARG;
    const auto &item = list->items[index];
    if (str_out != nullptr)
        *str_out = item.first.c_str();
    if (len_out != nullptr)
        *len_out = item.first.size();
    if (count_out != nullptr)
        *count_out = item.second;
    return F8K_STATUS_SUCCESS;
}

extern "C" void f8k_strlist_free(f8k_strlist_t *list) noexcept
{
    delete list;
}

/* ------------------------------------------------------------------ */
/* Database: open and close.                                            */
/* ------------------------------------------------------------------ */

namespace
{

Xapian::Database open_database(const std::string &path, bool *remote);

/* Seconds a remote shard may take to connect or answer, unless its stub line says. */
const double kRemoteTimeoutSeconds = 10.0;

/* The stub file PATH names (PATH itself, or PATH/XAPIANDB), or "" when none. */
std::string stub_file(const std::string &path)
{
    struct stat st;
    if (stat(path.c_str(), &st) != 0)
        return "";
    if (S_ISDIR(st.st_mode)) {
        std::string inner = path + "/XAPIANDB";
        return stat(inner.c_str(), &st) == 0 && S_ISREG(st.st_mode) ? inner : "";
    }
    return S_ISREG(st.st_mode) ? path : "";
}

/* LINE split on blanks. */
std::vector<std::string> words_of(const std::string &line)
{
    std::vector<std::string> words;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
            i++;
        size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
            i++;
        if (i > start)
            words.emplace_back(line, start, i - start);
    }
    return words;
}

/* Whether TEXT is a whole decimal number (no sign) in [LO, HI]; *OUT gets it. */
bool parse_number(const std::string &text, double lo, double hi, double *out)
{
    char *end = nullptr;
    if (text.empty() || !(isdigit(static_cast<unsigned char>(text[0]))))
        return false;
    errno = 0;
    double v = strtod(text.c_str(), &end);
    if (errno != 0 || *end != '\0' || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/*
 * Open one `remote tcp HOST PORT [TIMEOUT_SECONDS]` shard with bounded
 * timeouts (Xapian's own `remote HOST:PORT` stub lines always take its
 * 10 s defaults), naming the shard in any error.
 */
Xapian::Database open_remote_tcp(const std::string &where, const std::vector<std::string> &w)
{
    double port = 0, timeout = kRemoteTimeoutSeconds;
    if (w.size() < 4 || w.size() > 5 || !parse_number(w[3], 1, 65535, &port) ||
        (w.size() == 5 && !parse_number(w[4], 0.001, 3600, &timeout)))
        throw Xapian::DatabaseOpeningError(where +
                                           ": expected `remote tcp HOST PORT [TIMEOUT_SECONDS]`");
    unsigned ms = static_cast<unsigned>(timeout * 1000);
    std::string shard = w[2] + ":" + w[3];
    try {
        return Xapian::Remote::open(w[2], static_cast<unsigned>(port), ms, ms);
    } catch (const Xapian::NetworkTimeoutError &e) {
        throw Xapian::NetworkTimeoutError("shard " + shard + " did not answer within " +
                                          std::to_string(ms) + " ms (" + e.get_msg() + ")");
    } catch (const Xapian::NetworkError &e) {
        std::string why = e.get_error_string() != nullptr ? e.get_error_string() : "";
        throw Xapian::NetworkError("shard " + shard + " is unreachable: " + e.get_msg() +
                                   (why.empty() ? "" : ": " + why));
    }
}

/*
 * Open the stub FILE line by line, as Xapian does (`auto`/`glass` PATH
 * relative to the stub's directory, `remote HOST:PORT`, `remote :PROG
 * ARGS`, `#` comments), plus f8k's `remote tcp HOST PORT [TIMEOUT]`.
 */
Xapian::Database open_stub(const std::string &file, bool *remote)
{
    std::string text;
    {
        FILE *f = fopen(file.c_str(), "r");
        if (f == nullptr)
            throw Xapian::DatabaseNotFoundError("Couldn't open stub database file: " + file, errno);
        char buf[4096];
        size_t got;
        while ((got = fread(buf, 1, sizeof buf, f)) > 0)
            text.append(buf, got);
        fclose(f);
    }
    std::string dir = file.substr(0, file.rfind('/') == std::string::npos ? 0 : file.rfind('/'));
    Xapian::Database db;
    size_t start = 0, line_no = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        std::string line = text.substr(start, end - start);
        start = end + 1;
        line_no++;
        std::vector<std::string> w = words_of(line);
        if (w.empty() || w[0][0] == '#')
            continue;
        std::string where = file + ":" + std::to_string(line_no);
        if ((w[0] == "auto" || w[0] == "glass") && w.size() == 2) {
            std::string shard = w[1];
            if (shard[0] != '/' && !dir.empty())
                shard = dir + "/" + shard;
            db.add_database(w[0] == "glass" ? Xapian::Database(shard, Xapian::DB_BACKEND_GLASS)
                                            : open_database(shard, remote));
        } else if (w[0] == "remote" && w.size() >= 2 && w[1] == "tcp") {
            db.add_database(open_remote_tcp(where, w));
            *remote = true;
        } else if (w[0] == "remote" && w.size() >= 2 && w[1][0] == ':') {
            std::string args = line.substr(line.find(w[1]) + w[1].size());
            db.add_database(Xapian::Remote::open(w[1].substr(1), args));
            *remote = true;
        } else if (w[0] == "remote" && w.size() == 2 && w[1].rfind(':') != std::string::npos) {
            size_t colon = w[1].rfind(':');
            std::vector<std::string> as_tcp = {"remote", "tcp", w[1].substr(0, colon),
                                               w[1].substr(colon + 1)};
            db.add_database(open_remote_tcp(where, as_tcp));
            *remote = true;
        } else {
            throw Xapian::DatabaseOpeningError(where + ": Bad line");
        }
    }
    return db;
}

/* Whether the stub FILE lists a remote shard (any `remote` line). */
bool has_remote_line(const std::string &file)
{
    FILE *f = fopen(file.c_str(), "r");
    if (f == nullptr)
        return false;
    char line[4096];
    bool found = false;
    while (!found && fgets(line, sizeof line, f) != nullptr) {
        std::vector<std::string> w = words_of(line);
        found = !w.empty() && w[0] == "remote";
    }
    fclose(f);
    return found;
}

/*
 * Open PATH read-only.  Stubs listing remote shards are read here (to
 * give each a bounded timeout, and to know that the database is partly
 * remote: *REMOTE is set); the rest is Xapian's.
 */
Xapian::Database open_database(const std::string &path, bool *remote)
{
    std::string file = stub_file(path);
    if (!file.empty() && has_remote_line(file))
        return open_stub(file, remote);
    return Xapian::Database(path);
}

} // namespace

extern "C" f8k_status_t f8k_db_open(const char *path, f8k_db_t **db_out,
                                    char **error_message) noexcept
{
    f8k_db_t *db = nullptr;
    f8k_status_t status = F8K_STATUS_SUCCESS;
    std::string msg;

    if (error_message != nullptr)
        *error_message = nullptr;
    if (db_out != nullptr)
        *db_out = nullptr;
    if (path == nullptr || db_out == nullptr) {
        give_message(error_message, "NULL argument");
        return F8K_STATUS_INVALID_ARG;
    }
    try {
        db = new f8k_db_t;
        db->db = open_database(std::string(path), &db->remote);
        *db_out = db;
        return F8K_STATUS_SUCCESS;
    } catch (...) {
        status = status_from_exception(&msg);
    }
    delete db;
    give_message(error_message, msg);
    return status;
}

namespace
{

/* True when PATH does not exist or is an empty directory. */
bool needs_creating(const char *path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return !ec;
    return std::filesystem::is_directory(path, ec) && std::filesystem::is_empty(path, ec);
}

/*
 * Create a new, empty database at PATH atomically: build it in a private
 * (0700) sibling directory, commit so that it is complete, then rename it
 * into place.  A process killed half way leaves only the sibling, never a
 * database directory Xapian cannot open.  When another process wins the
 * race to PATH, its database is kept and ours removed.
 */
f8k_status_t create_database(const char *path, std::string *msg)
{
    std::string dir = std::string(path);
    while (dir.size() > 1 && dir.back() == '/')
        dir.pop_back();
    std::string templ = dir + ".new-XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) {
        *msg = dir + ": " + strerror(errno);
        return F8K_STATUS_IO;
    }
    std::string tmp(buf.data());
    f8k_status_t status = F8K_STATUS_SUCCESS;
    try {
        Xapian::WritableDatabase fresh(tmp, Xapian::DB_CREATE);
        fresh.commit();
        fresh.close();
    } catch (...) {
        status = status_from_exception(msg);
    }
    if (status == F8K_STATUS_SUCCESS && rename(tmp.c_str(), dir.c_str()) != 0 &&
        errno != ENOTEMPTY && errno != EEXIST) {
        *msg = dir + ": " + strerror(errno);
        status = F8K_STATUS_IO;
    }
    std::error_code ec;
    std::filesystem::remove_all(tmp, ec); /* Gone already after a rename. */
    return status;
}

} // namespace

extern "C" f8k_status_t f8k_db_open_writable(const char *path, double wait_seconds,
                                             f8k_db_t **db_out, char **error_message) noexcept
{
    f8k_db_t *db = nullptr;
    f8k_status_t status = F8K_STATUS_SUCCESS;
    std::string msg;

    if (error_message != nullptr)
        *error_message = nullptr;
    if (db_out != nullptr)
        *db_out = nullptr;
    if (path == nullptr || db_out == nullptr) {
        give_message(error_message, "NULL argument");
        return F8K_STATUS_INVALID_ARG;
    }
    try {
        if (needs_creating(path)) {
            status = create_database(path, &msg);
            if (status != F8K_STATUS_SUCCESS) {
                give_message(error_message, msg);
                return status;
            }
        }
        db = new f8k_db_t;
        auto start = std::chrono::steady_clock::now();
        for (;;) {
            try {
                db->wdb = Xapian::WritableDatabase(std::string(path), Xapian::DB_CREATE_OR_OPEN);
                break;
            } catch (const Xapian::DatabaseLockError &) {
                /* Poll rather than DB_RETRY_LOCK, which waits without bound. */
                if (!(wait_seconds > 0) || seconds_since(start) >= wait_seconds)
                    throw;
                sleep_ms(50);
            }
        }
        db->db = db->wdb;
        db->writable = true;
        *db_out = db;
        return F8K_STATUS_SUCCESS;
    } catch (...) {
        status = status_from_exception(&msg);
    }
    delete db;
    give_message(error_message, msg);
    return status;
}

extern "C" f8k_status_t f8k_db_close(f8k_db_t *db) noexcept
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    std::string msg;

    if (db == nullptr)
        return F8K_STATUS_SUCCESS;
    try {
        if (db->writable) {
            if (db->in_transaction)
                db->wdb.cancel_transaction();
            db->in_transaction = false;
            /* Explicitly: the destructor's implicit commit swallows errors (P2). */
            db->wdb.commit();
        }
        db->db.close();
    } catch (...) {
        status = status_from_exception(&msg);
        try {
            db->db.close();
        } catch (...) {
        }
    }
    delete db;
    return status;
}

extern "C" const char *f8k_db_last_error(const f8k_db_t *db) noexcept
{
    return db == nullptr ? "" : db->error.c_str();
}

extern "C" bool f8k_db_is_writable(const f8k_db_t *db) noexcept
{
    return db != nullptr && db->writable;
}

/* ------------------------------------------------------------------ */
/* Database: commits and transactions.                                  */
/* ------------------------------------------------------------------ */

extern "C" f8k_status_t f8k_db_commit(f8k_db_t *db) noexcept
{
    if (db == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (!require_writer(db))
        return F8K_STATUS_INVALID_ARG;
    if (db->in_transaction)
        return fail_with(db, F8K_STATUS_INVALID_ARG, "commit inside a transaction");
    try {
        db->wdb.commit();
        return ok(db);
    } catch (...) {
        return fail(db);
    }
}

extern "C" f8k_status_t f8k_db_begin_transaction(f8k_db_t *db, bool flushed) noexcept
{
    if (db == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (!require_writer(db))
        return F8K_STATUS_INVALID_ARG;
    if (db->in_transaction)
        return fail_with(db, F8K_STATUS_INVALID_ARG, "transactions do not nest");
    try {
        db->wdb.begin_transaction(flushed);
        db->in_transaction = true;
        return ok(db);
    } catch (...) {
        return fail(db);
    }
}

extern "C" f8k_status_t f8k_db_commit_transaction(f8k_db_t *db) noexcept
{
    if (db == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (!require_writer(db))
        return F8K_STATUS_INVALID_ARG;
    if (!db->in_transaction)
        return fail_with(db, F8K_STATUS_INVALID_ARG, "no transaction in progress");
    try {
        /* Xapian ends the transaction even when its commit throws. */
        db->in_transaction = false;
        db->wdb.commit_transaction();
        return ok(db);
    } catch (...) {
        return fail(db);
    }
}

extern "C" f8k_status_t f8k_db_cancel_transaction(f8k_db_t *db) noexcept
{
    if (db == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (!require_writer(db))
        return F8K_STATUS_INVALID_ARG;
    if (!db->in_transaction)
        return fail_with(db, F8K_STATUS_INVALID_ARG, "no transaction in progress");
    try {
        db->in_transaction = false;
        db->wdb.cancel_transaction();
        return ok(db);
    } catch (...) {
        return fail(db);
    }
}

/* ------------------------------------------------------------------ */
/* Database: statistics.                                                */
/* ------------------------------------------------------------------ */

extern "C" f8k_status_t f8k_db_doccount(f8k_db_t *db, unsigned *count_out) noexcept
{
    if (count_out != nullptr)
        *count_out = 0;
    if (db == nullptr || count_out == nullptr)
        return db == nullptr ? F8K_STATUS_INVALID_ARG
                             : fail_with(db, F8K_STATUS_INVALID_ARG, "NULL argument");
    try {
        *count_out = db->db.get_doccount();
        return ok(db);
    } catch (...) {
        return fail(db);
    }
}

extern "C" f8k_status_t f8k_db_lastdocid(f8k_db_t *db, f8k_docid_t *docid_out) noexcept
{
    if (docid_out != nullptr)
        *docid_out = 0;
    if (db == nullptr || docid_out == nullptr)
        return db == nullptr ? F8K_STATUS_INVALID_ARG
                             : fail_with(db, F8K_STATUS_INVALID_ARG, "NULL argument");
    try {
        *docid_out = db->db.get_lastdocid();
        return ok(db);
    } catch (...) {
        return fail(db);
    }
}

extern "C" f8k_status_t f8k_db_avlength(f8k_db_t *db, double *avlength_out) noexcept
{
    if (avlength_out != nullptr)
        *avlength_out = 0;
    if (db == nullptr || avlength_out == nullptr)
        return db == nullptr ? F8K_STATUS_INVALID_ARG
                             : fail_with(db, F8K_STATUS_INVALID_ARG, "NULL argument");
    try {
        *avlength_out = db->db.get_avlength();
        return ok(db);
    } catch (...) {
        return fail(db);
    }
}

extern "C" f8k_status_t f8k_db_termfreq(f8k_db_t *db, const char *term, unsigned *freq_out) noexcept
{
    if (freq_out != nullptr)
        *freq_out = 0;
    if (db == nullptr || term == nullptr || freq_out == nullptr)
        return db == nullptr ? F8K_STATUS_INVALID_ARG
                             : fail_with(db, F8K_STATUS_INVALID_ARG, "NULL argument");
    try {
        *freq_out = db->db.get_termfreq(std::string(term));
        return ok(db);
    } catch (...) {
        return fail(db);
    }
}

extern "C" f8k_status_t f8k_db_has_term(f8k_db_t *db, const char *term, bool *has_out) noexcept
{
    if (has_out != nullptr)
        *has_out = false;
    if (db == nullptr || term == nullptr || has_out == nullptr)
        return db == nullptr ? F8K_STATUS_INVALID_ARG
                             : fail_with(db, F8K_STATUS_INVALID_ARG, "NULL argument");
    try {
        *has_out = db->db.term_exists(std::string(term));
        return ok(db);
    } catch (...) {
        return fail(db);
    }
}

extern "C" f8k_status_t f8k_db_reopen(f8k_db_t *db, bool *changed_out) noexcept
{
    if (changed_out != nullptr)
        *changed_out = false;
    if (db == nullptr)
        return F8K_STATUS_INVALID_ARG;
    try {
        bool changed = db->db.reopen();
        if (changed_out != nullptr)
            *changed_out = changed;
        return ok(db);
    } catch (...) {
        return fail(db);
    }
}

/* ------------------------------------------------------------------ */
/* Database: metadata, terms, postings.                                 */
/* ------------------------------------------------------------------ */

extern "C" f8k_status_t f8k_db_get_metadata(f8k_db_t *db, const char *key, char **value_out,
                                            size_t *len_out) noexcept
{
    if (value_out != nullptr)
        *value_out = nullptr;
    if (len_out != nullptr)
        *len_out = 0;
    if (db == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (key == nullptr || value_out == nullptr || key[0] == '\0')
        return fail_with(db, F8K_STATUS_INVALID_ARG, "NULL or empty metadata key");
    try {
        std::string value = db->db.get_metadata(std::string(key));
        *value_out = malloc_copy(value);
        if (len_out != nullptr)
            *len_out = value.size();
        return ok(db);
    } catch (...) {
        return fail(db);
    }
}

extern "C" f8k_status_t f8k_db_set_metadata(f8k_db_t *db, const char *key, const void *value,
                                            size_t len) noexcept
{
    if (db == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (key == nullptr || key[0] == '\0' || (value == nullptr && len > 0))
        return fail_with(db, F8K_STATUS_INVALID_ARG, "NULL or empty metadata key or value");
    if (!require_writer(db))
        return F8K_STATUS_INVALID_ARG;
    try {
        std::string v;
        if (len > 0)
            v.assign(static_cast<const char *>(value), len);
        db->wdb.set_metadata(std::string(key), v);
        return ok(db);
    } catch (...) {
        return fail(db);
    }
}

extern "C" f8k_status_t f8k_db_metadata_keys(f8k_db_t *db, const char *prefix,
                                             f8k_strlist_t **keys_out) noexcept
{
    f8k_strlist_t *list = nullptr;

    if (keys_out != nullptr)
        *keys_out = nullptr;
    if (db == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (keys_out == nullptr)
        return fail_with(db, F8K_STATUS_INVALID_ARG, "NULL argument");
    try {
        std::string p(prefix == nullptr ? "" : prefix);
        list = new f8k_strlist_t;
        for (auto it = db->db.metadata_keys_begin(p); it != db->db.metadata_keys_end(p); ++it)
            list->items.emplace_back(*it, 0);
        *keys_out = list;
        return ok(db);
    } catch (...) {
        delete list;
        return fail(db);
    }
}

extern "C" f8k_status_t f8k_db_allterms(f8k_db_t *db, const char *prefix,
                                        f8k_strlist_t **terms_out) noexcept
{
    f8k_strlist_t *list = nullptr;

    if (terms_out != nullptr)
        *terms_out = nullptr;
    if (db == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (terms_out == nullptr)
        return fail_with(db, F8K_STATUS_INVALID_ARG, "NULL argument");
    try {
        std::string p(prefix == nullptr ? "" : prefix);
        list = new f8k_strlist_t;
        for (auto it = db->db.allterms_begin(p); it != db->db.allterms_end(p); ++it)
            list->items.emplace_back(*it, it.get_termfreq());
        *terms_out = list;
        return ok(db);
    } catch (...) {
        delete list;
        return fail(db);
    }
}

extern "C" f8k_status_t f8k_db_postlist(f8k_db_t *db, const char *term, f8k_docid_t **docids_out,
                                        size_t *count_out) noexcept
{
    if (docids_out != nullptr)
        *docids_out = nullptr;
    if (count_out != nullptr)
        *count_out = 0;
    if (db == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (term == nullptr || docids_out == nullptr || count_out == nullptr)
        return fail_with(db, F8K_STATUS_INVALID_ARG, "NULL argument");
    try {
        std::vector<f8k_docid_t> ids;
        std::string t(term);
        for (auto it = db->db.postlist_begin(t); it != db->db.postlist_end(t); ++it)
            ids.push_back(*it);
        if (!ids.empty()) {
            auto *array = static_cast<f8k_docid_t *>(malloc(ids.size() * sizeof(f8k_docid_t)));
            if (array == nullptr)
                throw std::bad_alloc();
            std::copy(ids.begin(), ids.end(), array);
            *docids_out = array;
            *count_out = ids.size();
        }
        return ok(db);
    } catch (...) {
        return fail(db);
    }
}

/* ------------------------------------------------------------------ */
/* Database: documents.                                                 */
/* ------------------------------------------------------------------ */

extern "C" f8k_status_t f8k_db_get_document(f8k_db_t *db, f8k_docid_t docid,
                                            f8k_doc_t **doc_out) noexcept
{
    f8k_doc_t *doc = nullptr;

    if (doc_out != nullptr)
        *doc_out = nullptr;
    if (db == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (doc_out == nullptr || docid == 0)
        return fail_with(db, F8K_STATUS_INVALID_ARG, "NULL argument or docid 0");
    try {
        doc = new f8k_doc_t;
        doc->doc = db->db.get_document(docid);
        *doc_out = doc;
        return ok(db);
    } catch (...) {
        delete doc;
        return fail(db);
    }
}

extern "C" f8k_status_t f8k_db_add_document(f8k_db_t *db, const f8k_doc_t *doc,
                                            f8k_docid_t *docid_out) noexcept
{
    if (docid_out != nullptr)
        *docid_out = 0;
    if (db == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (doc == nullptr)
        return fail_with(db, F8K_STATUS_INVALID_ARG, "NULL document");
    if (!require_writer(db))
        return F8K_STATUS_INVALID_ARG;
    try {
        f8k_docid_t id = db->wdb.add_document(doc->doc);
        if (docid_out != nullptr)
            *docid_out = id;
        return ok(db);
    } catch (...) {
        return fail(db);
    }
}

extern "C" f8k_status_t f8k_db_replace_document_by_term(f8k_db_t *db, const char *unique_term,
                                                        const f8k_doc_t *doc,
                                                        f8k_docid_t *docid_out) noexcept
{
    if (docid_out != nullptr)
        *docid_out = 0;
    if (db == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (doc == nullptr || unique_term == nullptr || unique_term[0] == '\0')
        return fail_with(db, F8K_STATUS_INVALID_ARG, "NULL document or empty unique term");
    if (!require_writer(db))
        return F8K_STATUS_INVALID_ARG;
    try {
        f8k_docid_t id = db->wdb.replace_document(std::string(unique_term), doc->doc);
        if (docid_out != nullptr)
            *docid_out = id;
        return ok(db);
    } catch (...) {
        return fail(db);
    }
}

extern "C" f8k_status_t f8k_db_delete_documents_by_term(f8k_db_t *db, const char *term) noexcept
{
    if (db == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (term == nullptr || term[0] == '\0')
        return fail_with(db, F8K_STATUS_INVALID_ARG, "NULL or empty term");
    if (!require_writer(db))
        return F8K_STATUS_INVALID_ARG;
    try {
        db->wdb.delete_document(std::string(term));
        return ok(db);
    } catch (...) {
        return fail(db);
    }
}

extern "C" f8k_status_t f8k_db_compact(const char *const *sources, size_t n,
                                       const char *destination, bool single_file,
                                       char **error_message) noexcept
{
    std::string msg;
    f8k_status_t status = F8K_STATUS_SUCCESS;

    if (error_message != nullptr)
        *error_message = nullptr;
    if (sources == nullptr || n == 0 || destination == nullptr) {
        give_message(error_message, "NULL argument or no source");
        return F8K_STATUS_INVALID_ARG;
    }
    for (size_t i = 0; i < n; i++) {
        if (sources[i] == nullptr) {
            give_message(error_message, "NULL source");
            return F8K_STATUS_INVALID_ARG;
        }
    }
    try {
        Xapian::Database all;
        for (size_t i = 0; i < n; i++)
            all.add_database(Xapian::Database(std::string(sources[i])));
        unsigned flags = single_file ? Xapian::DBCOMPACT_SINGLE_FILE : 0;
        all.compact(std::string(destination), flags);
        return F8K_STATUS_SUCCESS;
    } catch (...) {
        status = status_from_exception(&msg);
    }
    give_message(error_message, msg);
    return status;
}

/* ------------------------------------------------------------------ */
/* Database: spelling and synonyms.                                     */
/* ------------------------------------------------------------------ */

extern "C" f8k_status_t f8k_db_add_spelling(f8k_db_t *db, const char *word,
                                            unsigned freq_inc) noexcept
{
    if (db == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (word == nullptr || word[0] == '\0')
        return fail_with(db, F8K_STATUS_INVALID_ARG, "NULL or empty word");
    if (!require_writer(db))
        return F8K_STATUS_INVALID_ARG;
    try {
        db->wdb.add_spelling(std::string(word), freq_inc == 0 ? 1 : freq_inc);
        return ok(db);
    } catch (...) {
        return fail(db);
    }
}

extern "C" f8k_status_t f8k_db_spelling_suggestion(f8k_db_t *db, const char *word,
                                                   unsigned max_edit_distance,
                                                   char **suggestion_out) noexcept
{
    if (suggestion_out != nullptr)
        *suggestion_out = nullptr;
    if (db == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (word == nullptr || word[0] == '\0' || suggestion_out == nullptr)
        return fail_with(db, F8K_STATUS_INVALID_ARG, "NULL argument or empty word");
    try {
        std::string s = db->db.get_spelling_suggestion(
            std::string(word), max_edit_distance == 0 ? 2 : max_edit_distance);
        if (!s.empty())
            *suggestion_out = malloc_copy(s);
        return ok(db);
    } catch (...) {
        return fail(db);
    }
}

extern "C" f8k_status_t f8k_db_add_synonym(f8k_db_t *db, const char *term,
                                           const char *synonym) noexcept
{
    if (db == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (term == nullptr || synonym == nullptr || term[0] == '\0' || synonym[0] == '\0')
        return fail_with(db, F8K_STATUS_INVALID_ARG, "NULL or empty term");
    if (!require_writer(db))
        return F8K_STATUS_INVALID_ARG;
    try {
        db->wdb.add_synonym(std::string(term), std::string(synonym));
        return ok(db);
    } catch (...) {
        return fail(db);
    }
}

extern "C" f8k_status_t f8k_db_synonyms(f8k_db_t *db, const char *term,
                                        f8k_strlist_t **synonyms_out) noexcept
{
    f8k_strlist_t *list = nullptr;

    if (synonyms_out != nullptr)
        *synonyms_out = nullptr;
    if (db == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (term == nullptr || synonyms_out == nullptr)
        return fail_with(db, F8K_STATUS_INVALID_ARG, "NULL argument");
    try {
        std::string t(term);
        list = new f8k_strlist_t;
        for (auto it = db->db.synonyms_begin(t); it != db->db.synonyms_end(t); ++it)
            list->items.emplace_back(*it, 0);
        *synonyms_out = list;
        return ok(db);
    } catch (...) {
        delete list;
        return fail(db);
    }
}

extern "C" f8k_status_t f8k_db_synonym_keys(f8k_db_t *db, const char *prefix,
                                            f8k_strlist_t **keys_out) noexcept
{
    f8k_strlist_t *list = nullptr;

    if (keys_out != nullptr)
        *keys_out = nullptr;
    if (db == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (keys_out == nullptr)
        return fail_with(db, F8K_STATUS_INVALID_ARG, "NULL argument");
    try {
        std::string p(prefix == nullptr ? "" : prefix);
        list = new f8k_strlist_t;
        for (auto it = db->db.synonym_keys_begin(p); it != db->db.synonym_keys_end(p); ++it)
            list->items.emplace_back(*it, 0);
        *keys_out = list;
        return ok(db);
    } catch (...) {
        delete list;
        return fail(db);
    }
}

/* ------------------------------------------------------------------ */
/* Documents.                                                           */
/* ------------------------------------------------------------------ */

extern "C" f8k_status_t f8k_doc_new(f8k_doc_t **doc_out) noexcept
{
    if (doc_out == nullptr)
        return F8K_STATUS_INVALID_ARG;
    *doc_out = nullptr;
    try {
        *doc_out = new f8k_doc_t;
        return F8K_STATUS_SUCCESS;
    } catch (...) {
        std::string msg;
        return status_from_exception(&msg);
    }
}

extern "C" void f8k_doc_free(f8k_doc_t *doc) noexcept
{
    delete doc;
}

extern "C" const char *f8k_doc_last_error(const f8k_doc_t *doc) noexcept
{
    return doc == nullptr ? "" : doc->error.c_str();
}

extern "C" f8k_status_t f8k_doc_add_term(f8k_doc_t *doc, const char *term,
                                         unsigned wdf_inc) noexcept
{
    if (doc == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (term == nullptr || term[0] == '\0')
        return fail_with(doc, F8K_STATUS_INVALID_ARG, "NULL or empty term");
    try {
        doc->doc.add_term(std::string(term), wdf_inc);
        return ok(doc);
    } catch (...) {
        return fail(doc);
    }
}

extern "C" f8k_status_t f8k_doc_add_posting(f8k_doc_t *doc, const char *term, f8k_termpos_t pos,
                                            unsigned wdf_inc) noexcept
{
    if (doc == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (term == nullptr || term[0] == '\0')
        return fail_with(doc, F8K_STATUS_INVALID_ARG, "NULL or empty term");
    try {
        doc->doc.add_posting(std::string(term), pos, wdf_inc);
        return ok(doc);
    } catch (...) {
        return fail(doc);
    }
}

extern "C" f8k_status_t f8k_doc_add_boolean_term(f8k_doc_t *doc, const char *term) noexcept
{
    if (doc == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (term == nullptr || term[0] == '\0')
        return fail_with(doc, F8K_STATUS_INVALID_ARG, "NULL or empty term");
    try {
        doc->doc.add_boolean_term(std::string(term));
        return ok(doc);
    } catch (...) {
        return fail(doc);
    }
}

extern "C" f8k_status_t f8k_doc_set_value(f8k_doc_t *doc, f8k_valueno_t slot, const void *bytes,
                                          size_t len) noexcept
{
    if (doc == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if ((bytes == nullptr && len > 0) || slot == F8K_BAD_VALUENO)
        return fail_with(doc, F8K_STATUS_INVALID_ARG, "NULL bytes or bad slot");
    try {
        std::string v;
        if (len > 0)
            v.assign(static_cast<const char *>(bytes), len);
        doc->doc.add_value(slot, v);
        return ok(doc);
    } catch (...) {
        return fail(doc);
    }
}

extern "C" f8k_status_t f8k_doc_set_data(f8k_doc_t *doc, const void *bytes, size_t len) noexcept
{
    if (doc == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (bytes == nullptr && len > 0)
        return fail_with(doc, F8K_STATUS_INVALID_ARG, "NULL bytes");
    try {
        std::string v;
        if (len > 0)
            v.assign(static_cast<const char *>(bytes), len);
        doc->doc.set_data(v);
        return ok(doc);
    } catch (...) {
        return fail(doc);
    }
}

extern "C" f8k_status_t f8k_doc_get_data(f8k_doc_t *doc, const char **bytes_out,
                                         size_t *len_out) noexcept
{
    if (bytes_out != nullptr)
        *bytes_out = nullptr;
    if (len_out != nullptr)
        *len_out = 0;
    if (doc == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (bytes_out == nullptr)
        return fail_with(doc, F8K_STATUS_INVALID_ARG, "NULL argument");
    try {
        doc->buffer = doc->doc.get_data();
        *bytes_out = doc->buffer.c_str();
        if (len_out != nullptr)
            *len_out = doc->buffer.size();
        return ok(doc);
    } catch (...) {
        return fail(doc);
    }
}

extern "C" f8k_status_t f8k_doc_get_value(f8k_doc_t *doc, f8k_valueno_t slot,
                                          const char **bytes_out, size_t *len_out) noexcept
{
    if (bytes_out != nullptr)
        *bytes_out = nullptr;
    if (len_out != nullptr)
        *len_out = 0;
    if (doc == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (bytes_out == nullptr || slot == F8K_BAD_VALUENO)
        return fail_with(doc, F8K_STATUS_INVALID_ARG, "NULL argument or bad slot");
    try {
        doc->buffer = doc->doc.get_value(slot);
        *bytes_out = doc->buffer.c_str();
        if (len_out != nullptr)
            *len_out = doc->buffer.size();
        return ok(doc);
    } catch (...) {
        return fail(doc);
    }
}

extern "C" f8k_status_t f8k_doc_terms(f8k_doc_t *doc, f8k_strlist_t **terms_out) noexcept
{
    f8k_strlist_t *list = nullptr;

    if (terms_out != nullptr)
        *terms_out = nullptr;
    if (doc == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (terms_out == nullptr)
        return fail_with(doc, F8K_STATUS_INVALID_ARG, "NULL argument");
    try {
        list = new f8k_strlist_t;
        for (auto it = doc->doc.termlist_begin(); it != doc->doc.termlist_end(); ++it)
            list->items.emplace_back(*it, it.get_wdf());
        *terms_out = list;
        return ok(doc);
    } catch (...) {
        delete list;
        return fail(doc);
    }
}

extern "C" f8k_status_t f8k_doc_positions(f8k_doc_t *doc, const char *term,
                                          f8k_termpos_t **positions_out, size_t *count_out) noexcept
{
    if (positions_out != nullptr)
        *positions_out = nullptr;
    if (count_out != nullptr)
        *count_out = 0;
    if (doc == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (term == nullptr || positions_out == nullptr || count_out == nullptr)
        return fail_with(doc, F8K_STATUS_INVALID_ARG, "NULL argument");
    try {
        std::string t(term);
        std::vector<f8k_termpos_t> positions;
        Xapian::TermIterator it = doc->doc.termlist_begin();
        it.skip_to(t);
        if (it != doc->doc.termlist_end() && *it == t) {
            for (auto p = it.positionlist_begin(); p != it.positionlist_end(); ++p)
                positions.push_back(*p);
        }
        if (!positions.empty()) {
            auto *array =
                static_cast<f8k_termpos_t *>(malloc(positions.size() * sizeof(f8k_termpos_t)));
            if (array == nullptr)
                throw std::bad_alloc();
            std::copy(positions.begin(), positions.end(), array);
            *positions_out = array;
            *count_out = positions.size();
        }
        return ok(doc);
    } catch (...) {
        return fail(doc);
    }
}

/* ------------------------------------------------------------------ */
/* Queries.                                                             */
/* ------------------------------------------------------------------ */

namespace
{

/* Wrap Q in a new handle and store it in *QUERY_OUT. */
f8k_status_t give_query(const Xapian::Query &q, f8k_query_t **query_out)
{
    f8k_query_t *h = new f8k_query_t;
    h->query = q;
    *query_out = h;
    return F8K_STATUS_SUCCESS;
}

/* Map a status for a query constructor (no handle to keep a message). */
f8k_status_t query_fail() noexcept
{
    std::string msg;
    return status_from_exception(&msg);
}

} // namespace

extern "C" f8k_status_t f8k_query_term(const char *term, unsigned wqf, f8k_termpos_t pos,
                                       f8k_query_t **query_out) noexcept
{
    if (query_out == nullptr)
        return F8K_STATUS_INVALID_ARG;
    *query_out = nullptr;
    if (term == nullptr || term[0] == '\0')
        return F8K_STATUS_INVALID_ARG;
    try {
        return give_query(Xapian::Query(std::string(term), wqf == 0 ? 1 : wqf, pos), query_out);
    } catch (...) {
        return query_fail();
    }
}

/* Whether Q holds a PHRASE or NEAR anywhere. */
static bool is_positional(const Xapian::Query &q)
{
    Xapian::Query::op type = q.get_type();
    if (type == Xapian::Query::OP_PHRASE || type == Xapian::Query::OP_NEAR)
        return true;
    for (size_t i = 0; i < q.get_num_subqueries(); i++)
        if (is_positional(q.get_subquery(i)))
            return true;
    return false;
}

/* Whether an optional branch of AND_MAYBE(SUBS), or of SUBS[0] (itself
 * an AND_MAYBE), is positional. */
static bool optional_is_positional(const std::vector<Xapian::Query> &subs)
{
    for (size_t i = 1; i < subs.size(); i++)
        if (is_positional(subs[i]))
            return true;
    for (size_t i = 1; i < subs[0].get_num_subqueries(); i++)
        if (is_positional(subs[0].get_subquery(i)))
            return true;
    return false;
}

extern "C" f8k_status_t f8k_query_combine(f8k_query_op_t op, const f8k_query_t *const *subqueries,
                                          size_t n, unsigned parameter,
                                          f8k_query_t **query_out) noexcept
{
    if (query_out == nullptr)
        return F8K_STATUS_INVALID_ARG;
    *query_out = nullptr;
    if (subqueries == nullptr || n == 0)
        return F8K_STATUS_INVALID_ARG;
    for (size_t i = 0; i < n; i++) {
        if (subqueries[i] == nullptr)
            return F8K_STATUS_INVALID_ARG;
    }
    Xapian::Query::op xop;
    switch (op) {
    case F8K_QUERY_AND:
        xop = Xapian::Query::OP_AND;
        break;
    case F8K_QUERY_OR:
        xop = Xapian::Query::OP_OR;
        break;
    case F8K_QUERY_AND_NOT:
        xop = Xapian::Query::OP_AND_NOT;
        break;
    case F8K_QUERY_AND_MAYBE:
        xop = Xapian::Query::OP_AND_MAYBE;
        break;
    case F8K_QUERY_FILTER:
        xop = Xapian::Query::OP_FILTER;
        break;
    case F8K_QUERY_SYNONYM:
        xop = Xapian::Query::OP_SYNONYM;
        break;
    case F8K_QUERY_ELITE_SET:
        xop = Xapian::Query::OP_ELITE_SET;
        break;
    case F8K_QUERY_PHRASE:
        xop = Xapian::Query::OP_PHRASE;
        break;
    case F8K_QUERY_NEAR:
        xop = Xapian::Query::OP_NEAR;
        break;
    case F8K_QUERY_XOR:
        xop = Xapian::Query::OP_XOR;
        break;
    case F8K_QUERY_MAX:
        xop = Xapian::Query::OP_MAX;
        break;
    default:
        return F8K_STATUS_INVALID_ARG;
    }
    try {
        std::vector<Xapian::Query> subs;
        subs.reserve(n);
        for (size_t i = 0; i < n; i++)
            subs.push_back(subqueries[i]->query);
        /*
         * AND_MAYBE(AND_MAYBE(a, b), c) is AND_MAYBE(a, b, c): the same
         * matches and weights.  Built flat, because xapian-core 1.4.22
         * crashes in get_mset on the nested form when an optional branch
         * holds a PostingSource (tests/test_xapian_search.c has the case).
         * Never flat when an optional branch is positional: the flat form
         * is AND_MAYBE(a, OR(b, c)), and 1.4.22 adds the weight of a NEAR
         * in that OR to documents where its words are present but not
         * near (test_positional_and_maybe_is_nested).
         */
        while (op == F8K_QUERY_AND_MAYBE && subs[0].get_type() == Xapian::Query::OP_AND_MAYBE &&
               !optional_is_positional(subs)) {
            Xapian::Query inner = subs[0];
            size_t k = inner.get_num_subqueries();
            subs.erase(subs.begin());
            for (size_t i = k; i-- > 0;)
                subs.insert(subs.begin(), inner.get_subquery(i));
        }
        Xapian::termcount param = parameter;
        if (op == F8K_QUERY_ELITE_SET && param == 0)
            param = 10;
        return give_query(Xapian::Query(xop, subs.begin(), subs.end(), param), query_out);
    } catch (...) {
        return query_fail();
    }
}

extern "C" f8k_status_t f8k_query_wildcard(const char *prefix, unsigned max_expansion,
                                           f8k_query_t **query_out) noexcept
{
    if (query_out == nullptr)
        return F8K_STATUS_INVALID_ARG;
    *query_out = nullptr;
    if (prefix == nullptr)
        return F8K_STATUS_INVALID_ARG;
    try {
        /* MOST_FREQUENT with a limit of 0 would keep no term: 0 means no limit. */
        int limit_type = max_expansion == 0 ? Xapian::Query::WILDCARD_LIMIT_ERROR
                                            : Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT;
        return give_query(Xapian::Query(Xapian::Query::OP_WILDCARD, std::string(prefix),
                                        max_expansion, limit_type),
                          query_out);
    } catch (...) {
        return query_fail();
    }
}

extern "C" f8k_status_t f8k_query_value_range(f8k_valueno_t slot, const char *lo, const char *hi,
                                              f8k_query_t **query_out) noexcept
{
    if (query_out == nullptr)
        return F8K_STATUS_INVALID_ARG;
    *query_out = nullptr;
    if (slot == F8K_BAD_VALUENO)
        return F8K_STATUS_INVALID_ARG;
    try {
        if (lo != nullptr && hi != nullptr)
            return give_query(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, std::string(lo),
                                            std::string(hi)),
                              query_out);
        if (hi != nullptr)
            return give_query(Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, std::string(hi)),
                              query_out);
        return give_query(
            Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, std::string(lo ? lo : "")), query_out);
    } catch (...) {
        return query_fail();
    }
}

extern "C" f8k_status_t f8k_query_scale_weight(const f8k_query_t *query, double factor,
                                               f8k_query_t **query_out) noexcept
{
    if (query_out == nullptr)
        return F8K_STATUS_INVALID_ARG;
    *query_out = nullptr;
    if (query == nullptr)
        return F8K_STATUS_INVALID_ARG;
    try {
        return give_query(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, query->query, factor),
                          query_out);
    } catch (...) {
        return query_fail();
    }
}

extern "C" f8k_status_t f8k_query_match_all(f8k_query_t **query_out) noexcept
{
    if (query_out == nullptr)
        return F8K_STATUS_INVALID_ARG;
    *query_out = nullptr;
    try {
        /* Never the shared static Query::MatchAll (P11). */
        return give_query(Xapian::Query(std::string()), query_out);
    } catch (...) {
        return query_fail();
    }
}

extern "C" f8k_status_t f8k_query_match_nothing(f8k_query_t **query_out) noexcept
{
    if (query_out == nullptr)
        return F8K_STATUS_INVALID_ARG;
    *query_out = nullptr;
    try {
        return give_query(Xapian::Query(), query_out);
    } catch (...) {
        return query_fail();
    }
}

extern "C" f8k_status_t f8k_query_describe(const f8k_query_t *query,
                                           char **description_out) noexcept
{
    if (description_out == nullptr)
        return F8K_STATUS_INVALID_ARG;
    *description_out = nullptr;
    if (query == nullptr)
        return F8K_STATUS_INVALID_ARG;
    try {
        *description_out = malloc_copy(query->query.get_description());
        return F8K_STATUS_SUCCESS;
    } catch (...) {
        return query_fail();
    }
}

extern "C" void f8k_query_free(f8k_query_t *query) noexcept
{
    delete query;
}

/* ------------------------------------------------------------------ */
/* Enquire.                                                             */
/* ------------------------------------------------------------------ */

extern "C" f8k_status_t f8k_enquire_new(f8k_db_t *db, f8k_enquire_t **enquire_out) noexcept
{
    if (enquire_out == nullptr)
        return F8K_STATUS_INVALID_ARG;
    *enquire_out = nullptr;
    if (db == nullptr)
        return F8K_STATUS_INVALID_ARG;
    try {
        *enquire_out = new f8k_enquire_t(db->db);
        (*enquire_out)->remote = db->remote;
        return ok(db);
    } catch (...) {
        return fail(db);
    }
}

extern "C" void f8k_enquire_free(f8k_enquire_t *enquire) noexcept
{
    delete enquire;
}

extern "C" const char *f8k_enquire_last_error(const f8k_enquire_t *enquire) noexcept
{
    return enquire == nullptr ? "" : enquire->error.c_str();
}

extern "C" f8k_status_t f8k_enquire_set_query(f8k_enquire_t *enquire,
                                              const f8k_query_t *query) noexcept
{
    if (enquire == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (query == nullptr)
        return fail_with(enquire, F8K_STATUS_INVALID_ARG, "NULL query");
    try {
        enquire->enquire.set_query(query->query);
        return ok(enquire);
    } catch (...) {
        return fail(enquire);
    }
}

extern "C" f8k_status_t f8k_enquire_set_weighting_bm25(f8k_enquire_t *enquire, double k1, double k2,
                                                       double k3, double b,
                                                       double min_normlen) noexcept
{
    if (enquire == nullptr)
        return F8K_STATUS_INVALID_ARG;
    try {
        /* BM25Weight's constructor throws InvalidArgumentError on bad values. */
        enquire->enquire.set_weighting_scheme(Xapian::BM25Weight(k1, k2, k3, b, min_normlen));
        return ok(enquire);
    } catch (...) {
        return fail(enquire);
    }
}

extern "C" f8k_status_t f8k_enquire_set_weighting_bool(f8k_enquire_t *enquire) noexcept
{
    if (enquire == nullptr)
        return F8K_STATUS_INVALID_ARG;
    try {
        enquire->enquire.set_weighting_scheme(Xapian::BoolWeight());
        return ok(enquire);
    } catch (...) {
        return fail(enquire);
    }
}

extern "C" f8k_status_t f8k_enquire_set_sort(f8k_enquire_t *enquire, f8k_sort_t sort,
                                             f8k_valueno_t slot, bool descending) noexcept
{
    if (enquire == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (sort != F8K_SORT_RELEVANCE && slot == F8K_BAD_VALUENO)
        return fail_with(enquire, F8K_STATUS_INVALID_ARG, "sorting by value needs a slot");
    try {
        switch (sort) {
        case F8K_SORT_RELEVANCE:
            enquire->enquire.set_sort_by_relevance();
            break;
        case F8K_SORT_VALUE_THEN_RELEVANCE:
            /* Xapian 1.4: reverse == true sorts the value high to low. */
            enquire->enquire.set_sort_by_value_then_relevance(slot, descending);
            break;
        case F8K_SORT_RELEVANCE_THEN_VALUE:
            enquire->enquire.set_sort_by_relevance_then_value(slot, descending);
            break;
        default:
            return fail_with(enquire, F8K_STATUS_INVALID_ARG, "unknown sort");
        }
        return ok(enquire);
    } catch (...) {
        return fail(enquire);
    }
}

extern "C" f8k_status_t f8k_enquire_set_collapse_key(f8k_enquire_t *enquire, f8k_valueno_t slot,
                                                     unsigned max_per_key) noexcept
{
    if (enquire == nullptr)
        return F8K_STATUS_INVALID_ARG;
    try {
        enquire->enquire.set_collapse_key(slot, max_per_key == 0 ? 1 : max_per_key);
        return ok(enquire);
    } catch (...) {
        return fail(enquire);
    }
}

extern "C" f8k_status_t f8k_enquire_add_facet(f8k_enquire_t *enquire, f8k_valueno_t slot,
                                              unsigned flags, char separator,
                                              f8k_valueno_t collapse_slot,
                                              size_t *index_out) noexcept
{
    if (index_out != nullptr)
        *index_out = 0;
    if (enquire == nullptr)
        return F8K_STATUS_INVALID_ARG;
    bool once = (flags & F8K_FACET_ONCE_PER_COLLAPSE_KEY) != 0;
    if (slot == F8K_BAD_VALUENO || (once && collapse_slot == F8K_BAD_VALUENO))
        return fail_with(enquire, F8K_STATUS_INVALID_ARG, "bad facet slot");
    try {
        auto spy = std::make_unique<FacetSpy>(slot, (flags & F8K_FACET_MULTI_VALUE) != 0, separator,
                                              once ? collapse_slot : Xapian::BAD_VALUENO);
        enquire->spies.reserve(enquire->spies.size() + 1);
        enquire->enquire.add_matchspy(spy.get());
        enquire->spies.push_back(std::move(spy));
        if (index_out != nullptr)
            *index_out = enquire->spies.size() - 1;
        return ok(enquire);
    } catch (...) {
        return fail(enquire);
    }
}

namespace
{

/*
 * Facets without the spies, for databases that cannot run them: a stock
 * xapian-tcpsrv unserialises only Xapian's registered MatchSpy classes,
 * so a search over remote shards refuses FacetSpy.  Instead, per facet,
 * one more search of the same query, collapsed on the spy's collapse
 * slot and sorted by the faceted slot: Xapian sends each result's sort
 * key (the slot's value) and collapse key back from every shard, and the
 * spy counts those.  Collapsed, one document per key is counted, so this
 * equals the spy's count when the faceted value is the same in every
 * document sharing a collapse key (as f8k's filing-level slots are).
 */
void facet_passes(f8k_enquire_t *enquire, Xapian::doccount all)
{
    Xapian::Query query = enquire->enquire.get_query();
    for (auto &spy : enquire->spies) {
        Xapian::Enquire pass(enquire->db);
        pass.set_query(query);
        pass.set_weighting_scheme(Xapian::BoolWeight());
        pass.set_sort_by_value(spy->slot(), false);
        if (spy->collapse_slot() != Xapian::BAD_VALUENO)
            pass.set_collapse_key(spy->collapse_slot());
        Xapian::MSet found = pass.get_mset(0, all, all);
        for (auto it = found.begin(); it != found.end(); ++it)
            spy->add(it.get_sort_key(), it.get_collapse_key());
    }
}

/* One search attempt: run the enquire and fill MSET. */
void run_search(f8k_enquire_t *enquire, unsigned offset, unsigned limit, unsigned check_at_least,
                unsigned flags, f8k_mset_t *mset)
{
    for (auto &spy : enquire->spies)
        spy->reset();
    Xapian::doccount all = enquire->db.get_doccount();
    Xapian::doccount max_items = limit == 0 ? all : limit;
    Xapian::doccount check = check_at_least;
    if (enquire->remote && !enquire->spies.empty() && !enquire->remote_facets) {
        enquire->remote_facets = true; /* see facet_passes() */
        enquire->enquire.clear_matchspies();
    }
    /* Facets must see every match, not just the window. */
    if (!enquire->spies.empty() && !enquire->remote_facets)
        check = std::max(check, all);
    for (;;) {
        try {
            mset->mset = enquire->enquire.get_mset(offset, max_items, check);
            break;
        } catch (const Xapian::UnimplementedError &) {
            /* A remote shard the stub did not show (a nested stub): the
             * same fallback as for enquire->remote. */
            if (!enquire->spies.empty() && !enquire->remote_facets) {
                /* Remote shards refuse our MatchSpy: search without, count apart. */
                enquire->remote_facets = true;
                enquire->enquire.clear_matchspies();
                check = check_at_least;
            } else {
                throw;
            }
        }
    }
    if (enquire->remote_facets)
        facet_passes(enquire, all);
    mset->items.clear();
    mset->items.resize(mset->mset.size());
    if ((flags & F8K_MSET_FETCH_DATA) != 0) {
        /* No MSet::fetch(): in xapian-core 1.4.22 it crashes on a window
         * that does not start at the first match.  Reading each document
         * is the same work for a local database. */
        size_t i = 0;
        for (auto it = mset->mset.begin(); it != mset->mset.end(); ++it, ++i) {
            mset->items[i].data = it.get_document().get_data();
            mset->items[i].fetched = true;
        }
    }
    mset->facets.clear();
    for (auto &spy : enquire->spies)
        mset->facets.push_back(spy->sorted());
}

} // namespace

extern "C" f8k_status_t f8k_enquire_get_mset(f8k_enquire_t *enquire, unsigned offset,
                                             unsigned limit, unsigned check_at_least,
                                             unsigned flags, f8k_mset_t **mset_out) noexcept
{
    f8k_mset_t *mset = nullptr;
    f8k_status_t status = F8K_STATUS_SUCCESS;

    if (mset_out != nullptr)
        *mset_out = nullptr;
    if (enquire == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (mset_out == nullptr)
        return fail_with(enquire, F8K_STATUS_INVALID_ARG, "NULL argument");
    try {
        mset = new f8k_mset_t;
        for (int attempt = 0;; attempt++) {
            try {
                run_search(enquire, offset, limit, check_at_least, flags, mset);
                break;
            } catch (const Xapian::DatabaseModifiedError &) {
                /* A writer's commits invalidated our snapshot (P3). */
                if (attempt >= kModifiedRetries)
                    throw;
                enquire->db.reopen();
            }
        }
        *mset_out = mset;
        return ok(enquire);
    } catch (...) {
        status = fail(enquire);
    }
    delete mset;
    return status;
}

/* ------------------------------------------------------------------ */
/* MSet.                                                                */
/* ------------------------------------------------------------------ */

extern "C" void f8k_mset_free(f8k_mset_t *mset) noexcept
{
    delete mset;
}

extern "C" const char *f8k_mset_last_error(const f8k_mset_t *mset) noexcept
{
    return mset == nullptr ? "" : mset->error.c_str();
}

extern "C" size_t f8k_mset_size(const f8k_mset_t *mset) noexcept
{
    return mset == nullptr ? 0 : mset->items.size();
}

extern "C" f8k_status_t f8k_mset_matches(const f8k_mset_t *mset, unsigned *lower_out,
                                         unsigned *estimated_out, unsigned *upper_out) noexcept
{
    if (lower_out != nullptr)
        *lower_out = 0;
    if (estimated_out != nullptr)
        *estimated_out = 0;
    if (upper_out != nullptr)
        *upper_out = 0;
    if (mset == nullptr)
        return F8K_STATUS_INVALID_ARG;
    try {
        if (lower_out != nullptr)
            *lower_out = mset->mset.get_matches_lower_bound();
        if (estimated_out != nullptr)
            *estimated_out = mset->mset.get_matches_estimated();
        if (upper_out != nullptr)
            *upper_out = mset->mset.get_matches_upper_bound();
        return F8K_STATUS_SUCCESS;
    } catch (...) {
        std::string msg;
        return status_from_exception(&msg);
    }
}

extern "C" f8k_status_t f8k_mset_item(const f8k_mset_t *mset, size_t index, f8k_docid_t *docid_out,
                                      unsigned *rank_out, double *weight_out, int *percent_out,
                                      unsigned *collapse_count_out) noexcept
{
    if (docid_out != nullptr)
        *docid_out = 0;
    if (rank_out != nullptr)
        *rank_out = 0;
    if (weight_out != nullptr)
        *weight_out = 0;
    if (percent_out != nullptr)
        *percent_out = 0;
    if (collapse_count_out != nullptr)
        *collapse_count_out = 0;
    if (mset == nullptr || index >= mset->items.size())
        return F8K_STATUS_INVALID_ARG;
    try {
        Xapian::MSetIterator it = mset->mset[static_cast<Xapian::doccount>(index)];
        if (docid_out != nullptr)
            *docid_out = *it;
        if (rank_out != nullptr)
            *rank_out = it.get_rank();
        if (weight_out != nullptr)
            *weight_out = it.get_weight();
        if (percent_out != nullptr)
            *percent_out = it.get_percent();
        if (collapse_count_out != nullptr)
            *collapse_count_out = it.get_collapse_count();
        return F8K_STATUS_SUCCESS;
    } catch (...) {
        std::string msg;
        return status_from_exception(&msg);
    }
}

extern "C" f8k_status_t f8k_mset_get_data(f8k_mset_t *mset, size_t index, const char **bytes_out,
                                          size_t *len_out) noexcept
{
    if (bytes_out != nullptr)
        *bytes_out = nullptr;
    if (len_out != nullptr)
        *len_out = 0;
    if (mset == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (bytes_out == nullptr || index >= mset->items.size())
        return fail_with(mset, F8K_STATUS_INVALID_ARG, "NULL argument or index out of range");
    try {
        MsetItem &item = mset->items[index];
        if (!item.fetched) {
            Xapian::MSetIterator it = mset->mset[static_cast<Xapian::doccount>(index)];
            item.data = it.get_document().get_data();
            item.fetched = true;
        }
        *bytes_out = item.data.c_str();
        if (len_out != nullptr)
            *len_out = item.data.size();
        return ok(mset);
    } catch (...) {
        return fail(mset);
    }
}

extern "C" f8k_status_t f8k_mset_get_value(f8k_mset_t *mset, size_t index, f8k_valueno_t slot,
                                           const char **bytes_out, size_t *len_out) noexcept
{
    if (bytes_out != nullptr)
        *bytes_out = nullptr;
    if (len_out != nullptr)
        *len_out = 0;
    if (mset == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (bytes_out == nullptr || index >= mset->items.size() || slot == F8K_BAD_VALUENO)
        return fail_with(mset, F8K_STATUS_INVALID_ARG, "NULL argument or index out of range");
    try {
        MsetItem &item = mset->items[index];
        auto found = item.values.find(slot);
        if (found == item.values.end()) {
            Xapian::MSetIterator it = mset->mset[static_cast<Xapian::doccount>(index)];
            found = item.values.emplace(slot, it.get_document().get_value(slot)).first;
        }
        *bytes_out = found->second.c_str();
        if (len_out != nullptr)
            *len_out = found->second.size();
        return ok(mset);
    } catch (...) {
        return fail(mset);
    }
}

extern "C" size_t f8k_mset_facet_count(const f8k_mset_t *mset) noexcept
{
    return mset == nullptr ? 0 : mset->facets.size();
}

extern "C" f8k_status_t f8k_mset_facet(const f8k_mset_t *mset, size_t facet,
                                       f8k_strlist_t **facet_out) noexcept
{
    if (facet_out == nullptr)
        return F8K_STATUS_INVALID_ARG;
    *facet_out = nullptr;
    if (mset == nullptr || facet >= mset->facets.size())
        return F8K_STATUS_INVALID_ARG;
    try {
        /* Owned until filled: the copy below can throw bad_alloc. */
        auto list = std::make_unique<f8k_strlist_t>();
        list->items = mset->facets[facet];
        *facet_out = list.release();
        return F8K_STATUS_SUCCESS;
    } catch (...) {
        std::string msg;
        return status_from_exception(&msg);
    }
}

extern "C" f8k_status_t f8k_mset_snippet(f8k_mset_t *mset, const char *text, size_t len,
                                         size_t length, const char *hi_start, const char *hi_end,
                                         const char *omit, char **snippet_out) noexcept
{
    if (snippet_out != nullptr)
        *snippet_out = nullptr;
    if (mset == nullptr)
        return F8K_STATUS_INVALID_ARG;
    if (snippet_out == nullptr || (text == nullptr && len > 0))
        return fail_with(mset, F8K_STATUS_INVALID_ARG, "NULL argument");
    try {
        std::string out = mset->mset.snippet(
            std::string(text != nullptr ? text : "", len), length, Xapian::Stem(),
            Xapian::MSet::SNIPPET_BACKGROUND_MODEL | Xapian::MSet::SNIPPET_EXHAUSTIVE,
            hi_start != nullptr ? hi_start : "", hi_end != nullptr ? hi_end : "",
            omit != nullptr ? omit : "");
        char *copy = static_cast<char *>(malloc(out.size() + 1));
        if (copy == nullptr)
            return fail_with(mset, F8K_STATUS_NOMEM, "out of memory");
        memcpy(copy, out.c_str(), out.size() + 1);
        *snippet_out = copy;
        return ok(mset);
    } catch (...) {
        return fail(mset);
    }
}

extern "C" f8k_status_t f8k_query_fixed_weight(double weight, f8k_query_t **query_out) noexcept
{
    if (query_out == nullptr)
        return F8K_STATUS_INVALID_ARG;
    *query_out = nullptr;
    if (!(weight >= 0.0))
        return F8K_STATUS_INVALID_ARG;
    try {
        std::unique_ptr<Xapian::FixedWeightPostingSource> source(
            new Xapian::FixedWeightPostingSource(weight));
        /* Xapian's release(): the query owns the source, deleted with its last copy. */
        Xapian::Query q(source->release());
        (void)source.release();
        return give_query(q, query_out);
    } catch (...) {
        return query_fail();
    }
}

extern "C" f8k_status_t f8k_db_compact_full(const char *const *sources, size_t n,
                                            const char *destination, char **error_message) noexcept
{
    std::string msg;

    if (error_message != nullptr)
        *error_message = nullptr;
    if (sources == nullptr || n == 0 || destination == nullptr) {
        give_message(error_message, "NULL argument or no source");
        return F8K_STATUS_INVALID_ARG;
    }
    try {
        Xapian::Database all;
        for (size_t i = 0; i < n; i++) {
            if (sources[i] == nullptr) {
                give_message(error_message, "NULL source");
                return F8K_STATUS_INVALID_ARG;
            }
            all.add_database(Xapian::Database(std::string(sources[i])));
        }
        all.compact(std::string(destination), Xapian::Compactor::FULL);
        return F8K_STATUS_SUCCESS;
    } catch (...) {
        f8k_status_t status = status_from_exception(&msg);
        give_message(error_message, msg);
        return status;
    }
}
