// The least CPU that SQLite itself needs to record one answer the way Proctor's store does,
// with nothing around it: the C API, statements prepared once, the store's schema and pragmas
// (WAL, synchronous=NORMAL, foreign keys on), rows shaped like an IFT run's (a 468-byte
// request, a 146-byte result, 64-hex keys). Same measurements as sqlite-floor.py without the
// interpreter. Build and run:
//   cc -O2 -o /tmp/sqlite-floor scripts/bench/sqlite-floor.c -lsqlite3 && /tmp/sqlite-floor [answers]
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void check(int rc, sqlite3 *db, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

static double cpu_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

// A key that looks like a SHA-256 hex digest and differs per answer.
static void make_key(int i, char key[65]) {
    unsigned long long h = 0xcbf29ce484222325ULL ^ (unsigned long long)i;
    for (int part = 0; part < 4; part++) {
        h ^= h >> 29;
        h *= 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 32;
        snprintf(key + 16 * part, 17, "%016llx", h);
    }
}

static double measure(int answers, int batch, int lookup) {
    char path[] = "/tmp/sqlite-floor-XXXXXX";
    if (!mkdtemp(path)) { perror("mkdtemp"); exit(1); }
    char file[64];
    snprintf(file, sizeof file, "%s/store.sqlite", path);
    sqlite3 *db;
    check(sqlite3_open(file, &db), db, "open");
    check(sqlite3_exec(db,
              "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
              "CREATE TABLE runs (id TEXT PRIMARY KEY);"
              "CREATE TABLE responses (key TEXT PRIMARY KEY, model TEXT NOT NULL, request TEXT NOT NULL,"
              " result TEXT NOT NULL, created_at DOUBLE NOT NULL);"
              "CREATE TABLE run_responses (run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
              " key TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (run_id, key));"
              "INSERT INTO runs (id) VALUES ('ift-0123456789ab');",
              0, 0, 0),
        db, "schema");
    char request[469], result[147];
    memset(request, 'q', 468);
    request[468] = 0;
    memset(result, 'a', 146);
    result[146] = 0;
    sqlite3_stmt *begin, *begin_read, *commit, *select, *insert, *link;
    check(sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, 0), db, "prepare");
    check(sqlite3_prepare_v2(db, "BEGIN", -1, &begin_read, 0), db, "prepare");
    check(sqlite3_prepare_v2(db, "COMMIT", -1, &commit, 0), db, "prepare");
    check(sqlite3_prepare_v2(db, "SELECT result FROM responses WHERE key = ?", -1, &select, 0), db, "prepare");
    check(sqlite3_prepare_v2(db,
              "INSERT OR IGNORE INTO responses (key, model, request, result, created_at) VALUES (?, 'm', ?, ?, 0)",
              -1, &insert, 0),
        db, "prepare");
    check(sqlite3_prepare_v2(db,
              "INSERT OR IGNORE INTO run_responses (run_id, key, seq) VALUES ('ift-0123456789ab', ?, 0)", -1,
              &link, 0),
        db, "prepare");
    char key[65];
    double start = cpu_seconds();
    for (int first = 0; first < answers; first += batch) {
        int last = first + batch < answers ? first + batch : answers;
        if (lookup) {
            for (int i = first; i < last; i++) {  // a fresh run: every lookup misses
                make_key(i, key);
                check(sqlite3_step(begin_read), db, "begin");
                sqlite3_reset(begin_read);
                sqlite3_bind_text(select, 1, key, 64, SQLITE_TRANSIENT);
                check(sqlite3_step(select), db, "select");
                sqlite3_reset(select);
                check(sqlite3_step(commit), db, "commit");
                sqlite3_reset(commit);
            }
        }
        check(sqlite3_step(begin), db, "begin");
        sqlite3_reset(begin);
        for (int i = first; i < last; i++) {
            make_key(i, key);
            sqlite3_bind_text(insert, 1, key, 64, SQLITE_TRANSIENT);
            sqlite3_bind_text(insert, 2, request, 468, SQLITE_STATIC);
            sqlite3_bind_text(insert, 3, result, 146, SQLITE_STATIC);
            check(sqlite3_step(insert), db, "insert");
            sqlite3_reset(insert);
            sqlite3_bind_text(link, 1, key, 64, SQLITE_TRANSIENT);
            check(sqlite3_step(link), db, "link");
            sqlite3_reset(link);
        }
        check(sqlite3_step(commit), db, "commit");
        sqlite3_reset(commit);
    }
    double elapsed = cpu_seconds() - start;
    sqlite3_finalize(begin);
    sqlite3_finalize(begin_read);
    sqlite3_finalize(commit);
    sqlite3_finalize(select);
    sqlite3_finalize(insert);
    sqlite3_finalize(link);
    sqlite3_close(db);
    char command[128];
    snprintf(command, sizeof command, "rm -rf %s", path);
    if (system(command) != 0) fprintf(stderr, "could not remove %s\n", path);
    return elapsed / answers * 1e6;
}

int main(int argc, char **argv) {
    int answers = argc > 1 ? atoi(argv[1]) : 10000;
    printf("SQLite %s (C API), %d answers, CPU microseconds per answer (best of 3)\n", sqlite3_libversion(), answers);
    printf("| answers per transaction | insert + link | miss lookup + insert + link |\n| ---: | ---: | ---: |\n");
    int batches[] = {1, 8, 16, 64};
    for (int b = 0; b < 4; b++) {
        double plain = 1e9, looked = 1e9;
        for (int r = 0; r < 3; r++) {
            double p = measure(answers, batches[b], 0), l = measure(answers, batches[b], 1);
            if (p < plain) plain = p;
            if (l < looked) looked = l;
        }
        printf("| %d | %.1f | %.1f |\n", batches[b], plain, looked);
    }
    return 0;
}
