/*
 * test_reliability_nomem.c - allocation failures through the analyzer
 * and the Xapian binding (issue 7).
 *
 * This executable defines malloc, calloc, realloc, free and the aligned
 * allocators itself, forwarding to glibc's __libc_* functions.  While a
 * run is tracked, every allocation is counted and remembered in a
 * table; when armed, allocation number N returns NULL (C++ operator new
 * calls malloc, so Xapian's allocations throw std::bad_alloc).  For each
 * scenario: a warm-up run in this process (one-time ICU/Xapian caches),
 * a counting run, then runs failing at N = 1 .. count (at most
 * F8K_NOMEM_RUNS values of N, default 600, spread evenly; 0 means all).
 * Each run is a forked child, so a crash or abort is reported with its
 * N and the call it happened in, instead of ending the test.  A run
 * must return SUCCESS (with the same output as the reference run) or
 * an accepted failure status, set its out pointers to NULL on failure,
 * and leave no tracked allocation behind.  F8K_NOMEM_PERSIST=1 makes
 * every allocation from N on fail, not only the Nth.
 *
 * Under AddressSanitizer the allocators forward to ASan's (its
 * __interceptor_* entry points) instead of glibc's, so ASan still checks
 * every block, and its leak check runs at the end.  The test defines
 * C++ operator new and delete as well, on malloc and free (ASan's own
 * would not come here).  Under valgrind the test skips (77).
 *
 * Known defects of ICU and xapian-core under allocation failure are
 * kept out by the stack of the allocation chosen to fail (glibc's
 * backtrace(), names from the dynamic symbol tables): when it runs
 * inside a function of KNOWN_DEFECTS below,
 *   QUIET: the allocation does not fail (the dependency crashes or
 *     aborts when it does); the run then has no failure;
 *   LEAKY: it fails, and the blocks the run leaves are counted as the
 *     dependency's leak: reported, not failed.
 * Each is listed with its cause in tests/RELIABILITY.md, "Allocation
 * failures".  F8K_NOMEM_ALL=1 turns the list off.
 */
#define _GNU_SOURCE /* dladdr1 */
#include "f8k_test.h"

#include <dlfcn.h>
#include <execinfo.h>
#include <link.h>

#include <assert.h>
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <f8k/f8k_analyzer.h>
#include <f8k/f8k_charset.h>
#include <f8k/f8k_xapian.h>

#if defined(__SANITIZE_ADDRESS__)
#define NOMEM_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define NOMEM_UNDER_ASAN 1
#endif
#endif
#ifndef NOMEM_UNDER_ASAN
#define NOMEM_UNDER_ASAN 0
#endif

/* ------------------------------------------------------------------ */
/* The allocator.                                                       */
/* ------------------------------------------------------------------ */

#if NOMEM_UNDER_ASAN
extern void *__interceptor_malloc(size_t size);
extern void *__interceptor_calloc(size_t n, size_t size);
extern void *__interceptor_realloc(void *p, size_t size);
extern void __interceptor_free(void *p);
extern void *__interceptor_memalign(size_t alignment, size_t size);
#define REAL_MALLOC   __interceptor_malloc
#define REAL_CALLOC   __interceptor_calloc
#define REAL_REALLOC  __interceptor_realloc
#define REAL_FREE     __interceptor_free
#define REAL_MEMALIGN __interceptor_memalign
/* The allocators run before ASan has set up its shadow memory. */
#define NO_ASAN __attribute__((no_sanitize_address))
#else
#define NO_ASAN
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);
extern void *__libc_memalign(size_t alignment, size_t size);
#define REAL_MALLOC   __libc_malloc
#define REAL_CALLOC   __libc_calloc
#define REAL_REALLOC  __libc_realloc
#define REAL_FREE     __libc_free
#define REAL_MEMALIGN __libc_memalign
#endif

#define TRACK_BITS 18
#define TRACK_SIZE (1u << TRACK_BITS)
#define TRACK_MASK (TRACK_SIZE - 1u)

typedef struct track_entry {
    uintptr_t p; /* 0: empty */
    size_t size;
    unsigned long seq; /* which allocation of the run */
} track_entry_t;

static track_entry_t track[TRACK_SIZE];
static size_t track_live;       /* entries in TRACK */
static bool track_overflow;     /* TRACK filled up: leak check unreliable */
static volatile bool tracking;  /* count and remember allocations */
static unsigned long alloc_seq; /* allocations since tracking began */
static unsigned long fail_at;   /* 0: never fail */
static bool fail_persist;       /* fail every allocation from FAIL_AT on */
static unsigned long injected;  /* allocations made to fail */
static unsigned long trap_seq;  /* F8K_NOMEM_TRAP: SIGTRAP at this allocation */
static char *current_step;      /* the call in progress (shared page) */
static char *failed_step;       /* the call whose allocation failed first */
static volatile bool in_unwind; /* taking a backtrace: allocations pass */
#define MAX_FRAMES 40
static void **fail_frames; /* the stack of the first failure (shared page) */
static int *fail_nframes;
static int failed_known;      /* the KNOWN_DEFECTS entry of the first failure, or -1 */
static unsigned long quieted; /* allocations not failed: QUIET defect */
static int known_quieted;     /* the last such defect */
static bool no_exclusions;    /* F8K_NOMEM_ALL=1 */
#define STEP_SIZE 96
static atomic_flag lock = ATOMIC_FLAG_INIT;

NO_ASAN static void lock_take(void)
{
    while (atomic_flag_test_and_set_explicit(&lock, memory_order_acquire))
        ;
}

NO_ASAN static void lock_give(void)
{
    atomic_flag_clear_explicit(&lock, memory_order_release);
}

NO_ASAN static size_t track_hash(uintptr_t p)
{
    uint64_t h = (uint64_t)p * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> (64 - TRACK_BITS));
}

NO_ASAN static void track_add(void *p, size_t size, unsigned long seq)
{
    if (track_live >= TRACK_SIZE / 4 * 3) {
        track_overflow = true;
        return;
    }
    size_t i = track_hash((uintptr_t)p);
    while (track[i].p != 0)
        i = (i + 1) & TRACK_MASK;
    track[i].p = (uintptr_t)p;
    track[i].size = size;
    track[i].seq = seq;
    track_live++;
}

/* Remove P when tracked (backward-shift deletion, no tombstones). */
NO_ASAN static void track_remove(void *p)
{
    size_t i = track_hash((uintptr_t)p);
    while (track[i].p != (uintptr_t)p) {
        if (track[i].p == 0)
            return;
        i = (i + 1) & TRACK_MASK;
    }
    size_t j = i;
    for (;;) {
        j = (j + 1) & TRACK_MASK;
        if (track[j].p == 0)
            break;
        size_t k = track_hash(track[j].p);
        bool movable = (j > i) ? (k <= i || k > j) : (k <= i && k > j);
        if (movable) {
            track[i] = track[j];
            i = j;
        }
    }
    track[i].p = 0;
    track_live--;
}

typedef enum { KNOWN_QUIET, KNOWN_LEAKY } known_kind_t;

typedef struct known_defect {
    const char *frame; /* part of a mangled dynamic symbol name */
    known_kind_t kind;
    const char *what;
} known_defect_t;

/* tests/RELIABILITY.md, "Allocation failures", has the details. */
static const known_defect_t known_defects[] = {
    /* ICU 72: CharsetDetector's constructor frees uninitialised
     * pointers, or returns a detector that crashes later. */
    {"ucsdet_open", KNOWN_QUIET, "ICU ucsdet_open"},
    /* ICU 72: a failed RBBIDataWrapper::init leaves its reference count
     * at 0, so the break iterator never deletes it (144 bytes). */
    {"15RBBIDataWrapper4init", KNOWN_LEAKY, "ICU RBBIDataWrapper::init"},
    /* xapian-core 1.4.22: WritableDatabase::commit() calls std::terminate
     * on one failed allocation (a std::bad_alloc where no exception may
     * pass) and leaks 3 blocks on two others. */
    {"_ZN6Xapian16WritableDatabase6commitEv", KNOWN_QUIET, "Xapian WritableDatabase::commit"},
    /* xapian-core 1.4.22: Enquire::Internal::get_mset leaks the
     * database it searches (its blocks, 1.4 MB) when setting up the
     * match throws (BM25Weight::clone, the postlist tree, a vector). */
    {"_ZNK6Xapian7Enquire8Internal8get_msetE", KNOWN_LEAKY, "Xapian Enquire::Internal::get_mset"},
};
#define N_KNOWN (sizeof known_defects / sizeof known_defects[0])

/* The dynamic symbol whose code holds the return address ADDR, or NULL. */
static const char *frame_name(void *addr)
{
    Dl_info info;
    const ElfW(Sym) *sym = NULL;
    uintptr_t a = (uintptr_t)addr - 1; /* inside the call instruction */
    if (dladdr1((void *)a, &info, (void **)&sym, RTLD_DL_SYMENT) == 0 || sym == NULL ||
        info.dli_sname == NULL)
        return NULL;
    uintptr_t start = (uintptr_t)info.dli_saddr;
    return (a >= start && a < start + sym->st_size) ? info.dli_sname : NULL;
}

/* The stack here into FRAMES; the KNOWN_DEFECTS entry it is in, or -1. */
static int known_defect_here(void **frames, int *nframes)
{
    in_unwind = true;
    *nframes = backtrace(frames, MAX_FRAMES);
    int found = -1;
    for (int i = 1; i < *nframes && found < 0 && !no_exclusions; i++) {
        const char *name = frame_name(frames[i]);
        for (size_t k = 0; name != NULL && k < N_KNOWN; k++) {
            if (strstr(name, known_defects[k].frame) != NULL) {
                found = (int)k;
                break;
            }
        }
    }
    in_unwind = false;
    return found;
}

/* Count one allocation; true when it must fail.  Lock held. */
NO_ASAN static bool alloc_should_fail(unsigned long *seq_out)
{
    *seq_out = ++alloc_seq;
    if (*seq_out == trap_seq)
        raise(SIGTRAP); /* for a debugger: where a leaked block comes from */
    if (fail_at != 0 && (*seq_out == fail_at || (fail_persist && *seq_out > fail_at))) {
        void *frames[MAX_FRAMES];
        int nframes = 0;
        int k = known_defect_here(frames, &nframes);
        if (k >= 0 && known_defects[k].kind == KNOWN_QUIET) {
            quieted++;
            known_quieted = k;
            return false;
        }
        if (injected++ == 0) {
            if (failed_step != NULL)
                memcpy(failed_step, current_step, STEP_SIZE);
            if (fail_frames != NULL) {
                memcpy(fail_frames, frames, sizeof frames);
                *fail_nframes = nframes;
            }
            failed_known = k;
        }
        return true;
    }
    return false;
}

/* The common path of every allocator: ALLOC is called unless failing. */
#define TRACKED_ALLOC(size, call)                                                                  \
    do {                                                                                           \
        if (!tracking || in_unwind)                                                                \
            return (call);                                                                         \
        unsigned long seq_;                                                                        \
        lock_take();                                                                               \
        if (alloc_should_fail(&seq_)) {                                                            \
            lock_give();                                                                           \
            errno = ENOMEM;                                                                        \
            return NULL;                                                                           \
        }                                                                                          \
        void *p_ = (call);                                                                         \
        if (p_ != NULL)                                                                            \
            track_add(p_, (size), seq_);                                                           \
        lock_give();                                                                               \
        return p_;                                                                                 \
    } while (0)

NO_ASAN void *malloc(size_t size)
{
    TRACKED_ALLOC(size, REAL_MALLOC(size));
}

NO_ASAN void *calloc(size_t n, size_t size)
{
    TRACKED_ALLOC(n * size, REAL_CALLOC(n, size));
}

NO_ASAN void *memalign(size_t alignment, size_t size)
{
    TRACKED_ALLOC(size, REAL_MEMALIGN(alignment, size));
}

NO_ASAN void *aligned_alloc(size_t alignment, size_t size)
{
    TRACKED_ALLOC(size, REAL_MEMALIGN(alignment, size));
}

NO_ASAN void *valloc(size_t size)
{
    TRACKED_ALLOC(size, REAL_MEMALIGN((size_t)sysconf(_SC_PAGESIZE), size));
}

NO_ASAN void *pvalloc(size_t size)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t rounded = (size + page - 1) / page * page;
    TRACKED_ALLOC(rounded, REAL_MEMALIGN(page, rounded));
}

NO_ASAN int posix_memalign(void **out, size_t alignment, size_t size)
{
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0)
        return EINVAL;
    void *p = memalign(alignment, size);
    if (p == NULL)
        return ENOMEM;
    *out = p;
    return 0;
}

NO_ASAN void free(void *p)
{
    if (p == NULL)
        return;
    if (tracking && !in_unwind) {
        lock_take();
        track_remove(p);
        lock_give();
    }
    REAL_FREE(p);
}

NO_ASAN void *realloc(void *p, size_t size)
{
    if (p == NULL)
        return malloc(size);
    if (!tracking || in_unwind)
        return REAL_REALLOC(p, size);
    if (size == 0) { /* glibc: frees P */
        lock_take();
        track_remove(p);
        lock_give();
        return REAL_REALLOC(p, 0);
    }
    unsigned long seq;
    lock_take();
    if (alloc_should_fail(&seq)) {
        lock_give();
        errno = ENOMEM;
        return NULL; /* P stays valid (and tracked) */
    }
    void *q = REAL_REALLOC(p, size);
    if (q != NULL) {
        track_remove(p);
        track_add(q, size, seq);
    }
    lock_give();
    return q;
}

NO_ASAN void *reallocarray(void *p, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(p, n * size);
}

/*
 * C++ operator new and delete (the plain, array and nothrow forms, by
 * their mangled names), on the allocators above: libstdc++'s call
 * malloc, but ASan's do not, and under ASan they must fail too.  A
 * failed new throws std::bad_alloc through libstdc++'s
 * std::__throw_bad_alloc(); x86-64 and AArch64 C code has unwind
 * tables, and the file is compiled with -fexceptions besides.
 */
extern void _ZSt17__throw_bad_allocv(void) __attribute__((noreturn));
void *_Znwm(size_t size);
void *_Znam(size_t size);
void *_ZnwmRKSt9nothrow_t(size_t size, const void *nothrow);
void *_ZnamRKSt9nothrow_t(size_t size, const void *nothrow);
void _ZdlPv(void *p);
void _ZdaPv(void *p);
void _ZdlPvm(void *p, size_t size);
void _ZdaPvm(void *p, size_t size);
void _ZdlPvRKSt9nothrow_t(void *p, const void *nothrow);
void _ZdaPvRKSt9nothrow_t(void *p, const void *nothrow);

void *_Znwm(size_t size)
{
    void *p = malloc(size == 0 ? 1 : size);
    if (p == NULL)
        _ZSt17__throw_bad_allocv();
    return p;
}

void *_Znam(size_t size)
{
    return _Znwm(size);
}

void *_ZnwmRKSt9nothrow_t(size_t size, const void *nothrow)
{
    (void)nothrow;
    return malloc(size == 0 ? 1 : size);
}

void *_ZnamRKSt9nothrow_t(size_t size, const void *nothrow)
{
    (void)nothrow;
    return malloc(size == 0 ? 1 : size);
}

void _ZdlPv(void *p)
{
    free(p);
}

void _ZdaPv(void *p)
{
    free(p);
}

void _ZdlPvm(void *p, size_t size)
{
    (void)size;
    free(p);
}

void _ZdaPvm(void *p, size_t size)
{
    (void)size;
    free(p);
}

void _ZdlPvRKSt9nothrow_t(void *p, const void *nothrow)
{
    (void)nothrow;
    free(p);
}

void _ZdaPvRKSt9nothrow_t(void *p, const void *nothrow)
{
    (void)nothrow;
    free(p);
}

#if NOMEM_UNDER_ASAN
/* glibc's backtrace() opens libgcc_s through the dynamic loader, whose
 * blocks LSan tells apart by their caller, which is now the malloc
 * above: not a leak of anything tested here. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:_dl_map_object_deps\n";
}
#endif

/* Begin a tracked run that fails allocation FAIL (0: none). */
static void nomem_arm(unsigned long fail, bool persist)
{
    lock_take();
    /* The parent never tracks, so the table is empty (and its pages
     * untouched): no memset, which would copy 6 MB per child. */
    assert(track_live == 0);
    track_overflow = false;
    alloc_seq = 0;
    injected = 0;
    failed_known = -1;
    quieted = 0;
    fail_at = fail;
    fail_persist = persist;
    tracking = true;
    lock_give();
}

static void nomem_disarm(void)
{
    lock_take();
    tracking = false;
    fail_at = 0;
    lock_give();
}

/* ------------------------------------------------------------------ */
/* Runs, each in a forked child; results in a shared page.              */
/* ------------------------------------------------------------------ */

#define MAX_LEAKS_SHOWN 4

typedef struct run_result {
    unsigned long allocs;   /* allocations counted in the run */
    unsigned long injected; /* allocations made to fail */
    int status;             /* first non-success status of the run */
    char step[STEP_SIZE];   /* the call in progress (for crashes) */
    char failed[STEP_SIZE]; /* the call in progress at the injected failure */
    char bad[192];          /* a broken contract, "" when none */
    size_t leaks, leak_bytes;
    unsigned long leak_seq[MAX_LEAKS_SHOWN];
    size_t leak_size[MAX_LEAKS_SHOWN];
    size_t upstream_leaks; /* left after a LEAKY defect's failure */
    int known;             /* KNOWN_DEFECTS entry of the failure, or -1 */
    unsigned long quieted; /* allocations not failed: QUIET defect */
    int known_quieted;     /* its KNOWN_DEFECTS entry */
    void *frames[MAX_FRAMES];
    int nframes;
    bool overflow;
} run_result_t;

static run_result_t *shared; /* MAP_SHARED, written by the child */

#define STEP(name) snprintf(shared->step, sizeof shared->step, "%s", (name))

/* Record a broken contract (the first one) without allocating. */
static void bad(const char *what, f8k_status_t st)
{
    if (shared->bad[0] == '\0')
        snprintf(shared->bad, sizeof shared->bad, "%s: %s (status %d)", shared->step, what,
                 (int)st);
}

typedef f8k_status_t (*scenario_fn)(void);

/* The one status a failing call may return under allocation failure. */
static bool accepted_status(f8k_status_t st)
{
    return st == F8K_STATUS_NOMEM;
}

/* Check ST of the current step; true when the scenario goes on. */
static bool step_ok(f8k_status_t st, f8k_status_t *first)
{
    if (st == F8K_STATUS_SUCCESS)
        return true;
    if ((unsigned)st >= (unsigned)F8K_STATUS_LAST || !accepted_status(st))
        bad("unexpected status", st);
    if (*first == F8K_STATUS_SUCCESS)
        *first = st;
    return false;
}

/* ------------------------------------------------------------------ */
/* Scenario 1: the analyzer and the charset converter.                 */
/* ------------------------------------------------------------------ */

static const char *para; /* a paragraph of a sample filing */
static size_t para_len;
static const char *cp1252; /* Windows-1252 bytes */
static size_t cp1252_len;
static uint64_t ref_doc_hash; /* tokens of the reference run */
static uint64_t ref_query_hash;
static uint64_t ref_utf8_hash;
static char *mixed; /* "Nestlé " in UTF-8, then CP1252 */
static size_t mixed_len;
static uint64_t ref_mixed_hash;
static bool have_ref;

static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static f8k_status_t token_cb(void *closure, const f8k_token_t *t)
{
    uint64_t *h = closure;
    *h = fnv(*h, t->term, t->term_len);
    if (t->stem != NULL)
        *h = fnv(*h, t->stem, t->stem_len);
    uint32_t meta[4] = {t->position, (uint32_t)t->token_class, t->flags, (uint32_t)t->start};
    *h = fnv(*h, meta, sizeof meta);
    return F8K_STATUS_SUCCESS;
}

static f8k_status_t scenario_analyzer(void)
{
    f8k_status_t first = F8K_STATUS_SUCCESS;
    f8k_analyzer_t *a = (f8k_analyzer_t *)&first; /* not NULL: must be reset */

    STEP("f8k_analyzer_new");
    f8k_status_t st = f8k_analyzer_new("en", &a);
    if (!step_ok(st, &first)) {
        if (a != NULL)
            bad("analyzer_out not NULL on failure", st);
    } else {
        uint64_t h = 0xcbf29ce484222325ull;
        STEP("f8k_analyze(DOCUMENT, paragraph)");
        st = f8k_analyze(a, F8K_ANALYZE_DOCUMENT, para, para_len, token_cb, &h);
        if (step_ok(st, &first) && have_ref && h != ref_doc_hash)
            bad("SUCCESS with different tokens", st);
        h = 0xcbf29ce484222325ull;
        STEP("f8k_analyze(QUERY|PREFIX)");
        static const char q[] = "Chief Financial Officer Nestlé $1.5 million 8-K/A appoin";
        st = f8k_analyze(a, F8K_ANALYZE_QUERY | F8K_ANALYZE_PREFIX, q, sizeof q - 1, token_cb, &h);
        if (step_ok(st, &first) && have_ref && h != ref_query_hash)
            bad("SUCCESS with different tokens", st);
        if (!have_ref)
            ref_query_hash = h;
        STEP("f8k_analyzer_free");
        f8k_analyzer_free(a);
    }

    char *out = (char *)&first;
    size_t out_len = 1;
    STEP("f8k_text_to_utf8(windows-1252)");
    st = f8k_text_to_utf8(cp1252, cp1252_len, &out, &out_len);
    if (step_ok(st, &first)) {
        uint64_t h = fnv(0xcbf29ce484222325ull, out, out_len);
        if (have_ref && h != ref_utf8_hash)
            bad("SUCCESS with different UTF-8", st);
        if (!have_ref)
            ref_utf8_hash = h;
        free(out);
    } else if (out != NULL) {
        bad("out not NULL on failure", st);
    }

    /* Some UTF-8 among more bytes that are not: ICU's detector decides. */
    out = (char *)&first;
    STEP("f8k_text_to_utf8(mixed: detector)");
    st = f8k_text_to_utf8(mixed, mixed_len, &out, &out_len);
    if (step_ok(st, &first)) {
        uint64_t h = fnv(0xcbf29ce484222325ull, out, out_len);
        if (have_ref && h != ref_mixed_hash)
            bad("SUCCESS with different UTF-8", st);
        if (!have_ref)
            ref_mixed_hash = h;
        free(out);
    } else if (out != NULL) {
        bad("out not NULL on failure", st);
    }
    STEP("done");
    return first;
}

/* The reference hashes, from a run without failures. */
static void analyzer_reference(void)
{
    f8k_analyzer_t *a = NULL;
    assert_int_equal(f8k_analyzer_new("en", &a), F8K_STATUS_SUCCESS);
    uint64_t h = 0xcbf29ce484222325ull;
    assert_int_equal(f8k_analyze(a, F8K_ANALYZE_DOCUMENT, para, para_len, token_cb, &h),
                     F8K_STATUS_SUCCESS);
    ref_doc_hash = h;
    f8k_analyzer_free(a);
}

/* ------------------------------------------------------------------ */
/* Scenario 2: the Xapian binding.                                     */
/* ------------------------------------------------------------------ */

static char db_parent[512]; /* a private temporary directory */
static unsigned run_no;     /* each run gets its own database */
static size_t ref_mset_size;

static const char *const words[] = {"tamarack",  "fiber",  "optics", "appointed", "desmond",
                                    "whitfield", "senior", "vice",   "president", "finance"};
#define N_WORDS (sizeof words / sizeof words[0])

/* Build document I (0 or 1). */
static f8k_status_t build_doc(f8k_doc_t *doc, unsigned i, f8k_status_t *first)
{
    char buf[64];
    STEP("f8k_doc_add_posting");
    for (unsigned w = 0; w < N_WORDS; w++) {
        if (!step_ok(f8k_doc_add_posting(doc, words[(w + i) % N_WORDS], w + 1, 1), first))
            return *first;
    }
    STEP("f8k_doc_add_term");
    if (!step_ok(f8k_doc_add_term(doc, i == 0 ? "Zcfo" : "Zceo", 1), first))
        return *first;
    STEP("f8k_doc_add_boolean_term");
    snprintf(buf, sizeof buf, "Q0001058823-03-00002%u", i);
    if (!step_ok(f8k_doc_add_boolean_term(doc, buf), first))
        return *first;
    STEP("f8k_doc_set_value");
    if (!step_ok(f8k_doc_set_value(doc, 0, "20030903", 8), first) ||
        !step_ok(f8k_doc_set_value(doc, 1, i == 0 ? "8-k" : "8-k/a", i == 0 ? 3 : 5), first))
        return *first;
    STEP("f8k_doc_set_data");
    snprintf(buf, sizeof buf, "{\"doc\":%u,\"company\":\"TAMARACK FIBER OPTICS CORP\"}", i);
    if (!step_ok(f8k_doc_set_data(doc, buf, strlen(buf)), first))
        return *first;
    return F8K_STATUS_SUCCESS;
}

static f8k_status_t scenario_xapian(void)
{
    f8k_status_t first = F8K_STATUS_SUCCESS;
    char path[600];
    snprintf(path, sizeof path, "%s/db%u", db_parent, run_no);

    f8k_db_t *db = (f8k_db_t *)&first; /* not NULL: must be reset */
    char *err = NULL;
    f8k_doc_t *doc = NULL;
    f8k_query_t *q[3] = {NULL, NULL, NULL};
    f8k_enquire_t *enq = NULL;
    f8k_mset_t *mset = NULL;
    f8k_doc_t *rdoc = NULL;
    f8k_status_t st;

    STEP("f8k_db_open_writable");
    st = f8k_db_open_writable(path, 0, &db, &err);
    free(err);
    if (!step_ok(st, &first)) {
        if (db != NULL)
            bad("db_out not NULL on failure", st);
        STEP("done");
        return first;
    }

    for (unsigned i = 0; i < 2; i++) {
        doc = (f8k_doc_t *)&first;
        STEP("f8k_doc_new");
        st = f8k_doc_new(&doc);
        if (!step_ok(st, &first)) {
            if (doc != NULL)
                bad("doc_out not NULL on failure", st);
            doc = NULL;
            goto out;
        }
        if (build_doc(doc, i, &first) != F8K_STATUS_SUCCESS)
            goto out;
        f8k_docid_t id = 99;
        STEP("f8k_db_add_document");
        st = f8k_db_add_document(db, doc, &id);
        if (!step_ok(st, &first)) {
            if (id != 0)
                bad("docid not 0 on failure", st);
            goto out;
        }
        STEP("f8k_doc_free");
        f8k_doc_free(doc);
        doc = NULL;
    }
    STEP("f8k_db_commit");
    if (!step_ok(f8k_db_commit(db), &first))
        goto out;

    STEP("f8k_query_term");
    for (unsigned i = 0; i < 2; i++) {
        st = f8k_query_term(words[i + 3], 1, i + 1, &q[i]);
        if (!step_ok(st, &first)) {
            if (q[i] != NULL)
                bad("query_out not NULL on failure", st);
            goto out;
        }
    }
    STEP("f8k_query_combine(OR)");
    st = f8k_query_combine(F8K_QUERY_OR, (const f8k_query_t *const *)q, 2, 0, &q[2]);
    if (!step_ok(st, &first)) {
        if (q[2] != NULL)
            bad("query_out not NULL on failure", st);
        goto out;
    }
    STEP("f8k_enquire_new");
    st = f8k_enquire_new(db, &enq);
    if (!step_ok(st, &first)) {
        if (enq != NULL)
            bad("enquire_out not NULL on failure", st);
        goto out;
    }
    STEP("f8k_enquire_set_query");
    if (!step_ok(f8k_enquire_set_query(enq, q[2]), &first))
        goto out;
    STEP("f8k_enquire_add_facet");
    if (!step_ok(f8k_enquire_add_facet(enq, 1, 0, 0, F8K_BAD_VALUENO, NULL), &first))
        goto out;
    STEP("f8k_enquire_get_mset");
    st = f8k_enquire_get_mset(enq, 0, 10, 0, F8K_MSET_FETCH_DATA, &mset);
    if (!step_ok(st, &first)) {
        if (mset != NULL)
            bad("mset_out not NULL on failure", st);
        goto out;
    }
    if (ref_mset_size != 0 && f8k_mset_size(mset) != ref_mset_size)
        bad("SUCCESS with a different mset", st);
    if (ref_mset_size == 0)
        ref_mset_size = f8k_mset_size(mset);
    for (size_t i = 0; i < f8k_mset_size(mset); i++) {
        const char *bytes = NULL;
        size_t len = 0;
        STEP("f8k_mset_get_data");
        if (!step_ok(f8k_mset_get_data(mset, i, &bytes, &len), &first))
            goto out;
        if (strncmp(bytes, "{\"doc\":", 7) != 0)
            bad("SUCCESS with wrong data", F8K_STATUS_SUCCESS);
        STEP("f8k_mset_get_value");
        if (!step_ok(f8k_mset_get_value(mset, i, 0, &bytes, &len), &first))
            goto out;
        if (len != 8 || memcmp(bytes, "20030903", 8) != 0)
            bad("SUCCESS with wrong value", F8K_STATUS_SUCCESS);
    }
    f8k_strlist_t *facet = NULL;
    STEP("f8k_mset_facet");
    if (!step_ok(f8k_mset_facet(mset, 0, &facet), &first))
        goto out;
    if (f8k_strlist_size(facet) != 2)
        bad("SUCCESS with wrong facet", F8K_STATUS_SUCCESS);
    f8k_strlist_free(facet);

    STEP("f8k_db_get_document");
    st = f8k_db_get_document(db, 1, &rdoc);
    if (!step_ok(st, &first)) {
        if (rdoc != NULL)
            bad("doc_out not NULL on failure", st);
        goto out;
    }
    {
        const char *bytes = NULL;
        size_t len = 0;
        STEP("f8k_doc_get_data");
        if (!step_ok(f8k_doc_get_data(rdoc, &bytes, &len), &first))
            goto out;
        if (len == 0 || strncmp(bytes, "{\"doc\":0", 8) != 0)
            bad("SUCCESS with wrong document data", F8K_STATUS_SUCCESS);
    }

out:
    STEP("cleanup: f8k_doc_free/f8k_mset_free/f8k_enquire_free/f8k_query_free");
    f8k_doc_free(rdoc);
    f8k_doc_free(doc);
    f8k_mset_free(mset);
    f8k_enquire_free(enq);
    for (unsigned i = 0; i < 3; i++)
        f8k_query_free(q[i]);
    STEP("f8k_db_close");
    st = f8k_db_close(db);
    step_ok(st, &first);
    STEP("done");
    return first;
}

/* ------------------------------------------------------------------ */
/* Driving the runs.                                                   */
/* ------------------------------------------------------------------ */

typedef struct tally {
    unsigned runs, crashes, leaky, broken, successes;
    unsigned quieted[N_KNOWN];  /* runs whose failure a QUIET defect took */
    unsigned upstream[N_KNOWN]; /* runs leaking after a LEAKY defect's failure */
    unsigned hit[N_KNOWN];      /* runs whose failure was in a LEAKY defect */
    unsigned hist[F8K_STATUS_LAST + 1];
} tally_t;

/*
 * Run FN in a child failing allocation FAIL (0: none).  Returns false
 * when the child crashed; *RES holds what the child wrote.
 */
static bool run_child(scenario_fn fn, unsigned long fail, bool persist, run_result_t *res,
                      int *signal_out)
{
    memset(shared, 0, sizeof *shared);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* cmocka's handlers would longjmp into its runner, in the child. */
        static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
        for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
            signal(sigs[i], SIG_DFL);
        alarm(60);
        nomem_arm(fail, persist);
        f8k_status_t st = fn();
        nomem_disarm();
        shared->status = (int)st;
        shared->allocs = alloc_seq;
        shared->injected = injected;
        shared->overflow = track_overflow;
        shared->known = failed_known;
        shared->quieted = quieted;
        shared->known_quieted = known_quieted;
        size_t shown = 0;
        for (size_t i = 0; i < TRACK_SIZE; i++) {
            if (track[i].p == 0)
                continue;
            if (failed_known >= 0 && known_defects[failed_known].kind == KNOWN_LEAKY) {
                shared->upstream_leaks++;
                continue;
            }
            shared->leaks++;
            shared->leak_bytes += track[i].size;
            if (shown < MAX_LEAKS_SHOWN) {
                shared->leak_seq[shown] = track[i].seq;
                shared->leak_size[shown] = track[i].size;
                shown++;
            }
        }
        _exit(0);
    }
    int wstatus = 0;
    while (waitpid(pid, &wstatus, 0) < 0)
        assert_int_equal(errno, EINTR);
    *res = *shared;
    *signal_out = 0;
    if (WIFSIGNALED(wstatus)) {
        *signal_out = WTERMSIG(wstatus);
        return false;
    }
    if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
        *signal_out = -1;
        return false;
    }
    return true;
}

static unsigned max_runs(void)
{
    const char *s = getenv("F8K_NOMEM_RUNS");
    if (s != NULL && *s != '\0')
        return (unsigned)strtoul(s, NULL, 10);
    return 600;
}

/* The stack of the failed allocation, by dynamic symbol names. */
static void print_stack(const run_result_t *res)
{
    int shown = 0;
    for (int i = 1; i < res->nframes && shown < 14; i++) {
        const char *fn = frame_name(res->frames[i]);
        static const char *const allocators[] = {"malloc",   "calloc", "realloc",
                                                 "memalign", "_Znwm",  "_Znam"};
        bool skip = fn == NULL;
        for (size_t k = 0; !skip && k < sizeof allocators / sizeof allocators[0]; k++)
            skip = strcmp(fn, allocators[k]) == 0;
        if (skip)
            continue;
        print_error("%s%s", shown++ == 0 ? "    at " : " < ", fn);
    }
    print_error("\n");
}

static void run_scenario(const char *name, scenario_fn fn, void (*before_run)(void))
{
    bool persist = getenv("F8K_NOMEM_PERSIST") != NULL && atoi(getenv("F8K_NOMEM_PERSIST")) != 0;
    run_result_t res;
    int sig = 0;

    /* F8K_NOMEM_ONLY=NAME:N runs that one N (for a debugger:
     * gdb -ex 'set follow-fork-mode child'). */
    const char *only = getenv("F8K_NOMEM_ONLY");
    if (getenv("F8K_NOMEM_TRAP") != NULL)
        trap_seq = strtoul(getenv("F8K_NOMEM_TRAP"), NULL, 10);
    if (only != NULL && strchr(only, ':') != NULL) {
        if (strncmp(only, name, strlen(name)) != 0 || only[strlen(name)] != ':')
            return;
        if (before_run != NULL)
            before_run();
        bool ok = run_child(fn, strtoul(strchr(only, ':') + 1, NULL, 10), persist, &res, &sig);
        print_message("%s: %s; failed in %s; step %s; status %d; %zu leaks", only,
                      ok ? "ran" : "crashed", res.failed, res.step, res.status, res.leaks);
        for (size_t k = 0; k < MAX_LEAKS_SHOWN && k < res.leaks; k++)
            print_message(" #%lu", res.leak_seq[k]);
        print_message("; %s\n", res.bad);
        return;
    }

    /* Counting run: no failure, no leak. */
    if (before_run != NULL)
        before_run();
    assert_true(run_child(fn, 0, false, &res, &sig));
    if (res.status != F8K_STATUS_SUCCESS || res.bad[0] != '\0')
        fail_msg("%s: the counting run failed: status %d, %s", name, res.status, res.bad);
    if (res.leaks != 0)
        fail_msg("%s: the counting run leaves %zu allocations (%zu bytes; first #%lu)", name,
                 res.leaks, res.leak_bytes, res.leak_seq[0]);
    unsigned long count = res.allocs;
    assert_true(count > 0);

    unsigned cap = max_runs();
    unsigned long n_values = (cap == 0 || count <= cap) ? count : cap;
    tally_t t;
    memset(&t, 0, sizeof t);
    for (unsigned long i = 0; i < n_values; i++) {
        unsigned long n = (n_values == count) ? i + 1 : 1 + i * (count - 1) / (n_values - 1);
        if (before_run != NULL)
            before_run();
        t.runs++;
        if (!run_child(fn, n, persist, &res, &sig)) {
            t.crashes++;
            print_error("%s: N=%lu/%lu: allocation failed in %s; child %s %d in %s\n", name, n,
                        count, res.failed, sig > 0 ? "killed by signal" : "exited with", sig,
                        res.step);
            print_stack(&res);
            continue;
        }
        if (res.status < 0 || res.status > F8K_STATUS_LAST)
            res.status = F8K_STATUS_LAST;
        t.hist[res.status]++;
        if (res.status == F8K_STATUS_SUCCESS)
            t.successes++;
        if (res.bad[0] != '\0') {
            t.broken++;
            print_error("%s: N=%lu/%lu: %s\n", name, n, count, res.bad);
        }
        if (res.overflow)
            print_error("%s: N=%lu: allocation table overflow, leaks not checked\n", name, n);
        if (res.quieted != 0)
            t.quieted[res.known_quieted]++;
        if (res.known >= 0)
            t.hit[res.known]++;
        if (res.upstream_leaks != 0) {
            t.upstream[res.known]++;
            print_message("%s: N=%lu/%lu: %zu allocations not freed after a failure in %s "
                          "(known, not failed)\n",
                          name, n, count, res.upstream_leaks, known_defects[res.known].what);
        }
        if (res.leaks != 0) {
            t.leaky++;
            print_error("%s: N=%lu/%lu: allocation failed in %s (run status %s): %zu "
                        "allocations (%zu bytes) not freed, first allocations #%lu (%zu bytes)",
                        name, n, count, res.failed, f8k_status_to_string((f8k_status_t)res.status),
                        res.leaks, res.leak_bytes, res.leak_seq[0], res.leak_size[0]);
            for (size_t k = 1; k < MAX_LEAKS_SHOWN && k < res.leaks; k++)
                print_error(", #%lu (%zu bytes)", res.leak_seq[k], res.leak_size[k]);
            print_error("\n");
            print_stack(&res);
        }
    }
    print_message("%s: %lu allocations per run, %u runs%s: %u crashed, %u leaked, %u broke a "
                  "contract; final status:",
                  name, count, t.runs, persist ? " (persistent failure)" : "", t.crashes, t.leaky,
                  t.broken);
    for (unsigned s = 0; s <= F8K_STATUS_LAST; s++) {
        if (t.hist[s] != 0)
            print_message(" %s=%u",
                          s == F8K_STATUS_LAST ? "OUT_OF_RANGE"
                                               : f8k_status_to_string((f8k_status_t)s),
                          t.hist[s]);
    }
    print_message("\n");
    for (size_t k = 0; k < N_KNOWN; k++) {
        if (t.quieted[k] != 0 || t.hit[k] != 0)
            print_message("%s: known defect, %s: %u runs without their failure; %u runs failing "
                          "in it, %u of them leaking (not checked)\n",
                          name, known_defects[k].what, t.quieted[k], t.hit[k], t.upstream[k]);
    }
    assert_int_equal(t.crashes, 0);
    assert_int_equal(t.leaky, 0);
    assert_int_equal(t.broken, 0);
}

/* ------------------------------------------------------------------ */
/* Tests.                                                               */
/* ------------------------------------------------------------------ */

static char *para_file, *cp1252_file;

static void test_analyzer_nomem(void **state)
{
    (void)state;
    /* Warm-up: ICU data, the prototype break iterator, Snowball. */
    have_ref = false;
    assert_int_equal(scenario_analyzer(), F8K_STATUS_SUCCESS);
    analyzer_reference();
    have_ref = true;
    run_scenario("analyzer", scenario_analyzer, NULL);
}

static void next_db(void)
{
    run_no++;
}

static void test_xapian_nomem(void **state)
{
    (void)state;
    /* On tmpfs when there is one: Xapian fsyncs every commit, and there
     * are hundreds. */
    char *saved_tmpdir = getenv("TMPDIR") != NULL ? strdup(getenv("TMPDIR")) : NULL;
    if (getenv("F8K_NOMEM_TMPDIR") == NULL && access("/dev/shm", W_OK) == 0)
        setenv("TMPDIR", "/dev/shm", 1);
    char *dir = f8k_test_tmpdir();
    if (saved_tmpdir != NULL)
        setenv("TMPDIR", saved_tmpdir, 1);
    else
        unsetenv("TMPDIR");
    free(saved_tmpdir);
    snprintf(db_parent, sizeof db_parent, "%s", dir);
    /* Warm-up: a database life cycle, and a thrown-and-caught Xapian
     * error (the unwinder's one-time set-up). */
    ref_mset_size = 0;
    assert_int_equal(scenario_xapian(), F8K_STATUS_SUCCESS);
    assert_int_equal(ref_mset_size, 2);
    f8k_db_t *db = NULL;
    char *err = NULL;
    char missing[600];
    snprintf(missing, sizeof missing, "%s/missing", db_parent);
    assert_int_not_equal(f8k_db_open(missing, &db, &err), F8K_STATUS_SUCCESS);
    free(err);
    run_scenario("xapian", scenario_xapian, next_db);
    f8k_test_rmtree(dir);
    free(dir);
}

int main(void)
{
    const char *preload = getenv("LD_PRELOAD");
    F8K_REQUIRE_OR_SKIP(preload == NULL || (strstr(preload, "valgrind") == NULL &&
                                            strstr(preload, "vgpreload") == NULL),
                        "the malloc override does not work under valgrind");

    char *samples = f8k_test_samples_dir();
    F8K_REQUIRE_OR_SKIP(samples != NULL, "no corpus/samples");
    char *p1 = f8k_test_path(samples, "2003-sgml-new-cfo.txt");
    char *p2 = f8k_test_path(samples, "2001-cp1252-latin1-ceo-resume.txt");
    size_t len1 = 0, len2 = 0;
    para_file = f8k_test_read_file(p1, &len1);
    cp1252_file = f8k_test_read_file(p2, &len2);
    F8K_REQUIRE_OR_SKIP(para_file != NULL && cp1252_file != NULL, "sample filings missing");
    /* The press release's paragraphs, from "On August 29, 2003". */
    const char *start = strstr(para_file, "On August 29, 2003");
    para = start != NULL ? start : para_file;
    para_len = strlen(para) < 2500 ? strlen(para) : 2500;
    cp1252 = cp1252_file;
    cp1252_len = len2;
    static const char nestle[] = "Nestl\xc3\xa9 ";
    mixed_len = sizeof nestle - 1 + len2;
    mixed = malloc(mixed_len);
    F8K_REQUIRE_OR_SKIP(mixed != NULL, "out of memory");
    memcpy(mixed, nestle, sizeof nestle - 1);
    memcpy(mixed + sizeof nestle - 1, cp1252_file, len2);
    free(p1);
    free(p2);
    free(samples);

    shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    current_step = shared->step;
    failed_step = shared->failed;
    fail_frames = shared->frames;
    fail_nframes = &shared->nframes;
    no_exclusions = getenv("F8K_NOMEM_ALL") != NULL && atoi(getenv("F8K_NOMEM_ALL")) != 0;
    /* backtrace() loads libgcc_s on its first call: not in a run. */
    void *frames[4];
    backtrace(frames, 4);

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_analyzer_nomem),
        cmocka_unit_test(test_xapian_nomem),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(para_file);
    free(cp1252_file);
    free(mixed);
    return rc;
}
