#!/usr/bin/env python3
"""The least CPU that SQLite itself needs to record one answer the way Proctor's store does.

Python's sqlite3 on the store's schema (responses keyed by a 64-hex SHA-256, run links), WAL and
synchronous=NORMAL, foreign keys on, rows shaped like an IFT run's (a 468-byte request, a 146-byte
result). Prints CPU microseconds per answer for several batch sizes (answers per transaction),
for "insert answer + run link" and for "look the key up (a miss), then insert + link", which is
what a fresh run does. Proctor's per-request overhead cannot go below these numbers without
recording less. Usage: sqlite-floor.py [answers]
"""
import hashlib
import os
import sqlite3
import sys
import tempfile
import time

SCHEMA = """
CREATE TABLE runs (id TEXT PRIMARY KEY);
CREATE TABLE responses (
    key TEXT PRIMARY KEY, model TEXT NOT NULL, request TEXT NOT NULL, result TEXT NOT NULL,
    created_at DOUBLE NOT NULL);
CREATE TABLE run_responses (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, key TEXT NOT NULL,
    seq INTEGER NOT NULL, PRIMARY KEY (run_id, key));
INSERT INTO runs (id) VALUES ('ift-0123456789ab');
"""


def measure(answers: int, batch: int, lookup: bool) -> float:
    with tempfile.TemporaryDirectory() as folder:
        db = sqlite3.connect(os.path.join(folder, "store.sqlite"), isolation_level=None)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        db.executescript(SCHEMA)
        request = '{"prompt":{"chat":"' + "q" * 440 + '"},"settings":{}}'
        result = '{"completionTokens":1,"finishReason":"stop","promptTokens":5,"text":"' + "a" * 80 + '"}'
        keys = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(answers)]
        start = time.process_time()
        for first in range(0, answers, batch):
            chunk = keys[first : first + batch]
            if lookup:
                for key in chunk:  # a fresh run: every lookup misses
                    db.execute("BEGIN")
                    db.execute("SELECT result FROM responses WHERE key = ?", (key,)).fetchone()
                    db.execute("COMMIT")
            db.execute("BEGIN IMMEDIATE")
            for key in chunk:
                db.execute(
                    "INSERT OR IGNORE INTO responses (key, model, request, result, created_at) VALUES (?, ?, ?, ?, ?)",
                    (key, "m", request, result, 0.0),
                )
                db.execute(
                    "INSERT OR IGNORE INTO run_responses (run_id, key, seq) VALUES (?, ?, 0)",
                    ("ift-0123456789ab", key),
                )
            db.execute("COMMIT")
        elapsed = time.process_time() - start
        db.close()
        return elapsed / answers * 1e6


def main() -> None:
    answers = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    print(f"SQLite {sqlite3.sqlite_version}, {answers} answers, CPU microseconds per answer (best of 3)")
    print("| answers per transaction | insert + link | miss lookup + insert + link |")
    print("| ---: | ---: | ---: |")
    for batch in (1, 8, 64):
        plain = min(measure(answers, batch, False) for _ in range(3))
        looked = min(measure(answers, batch, True) for _ in range(3))
        print(f"| {batch} | {plain:.1f} | {looked:.1f} |")


if __name__ == "__main__":
    main()
