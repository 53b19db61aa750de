/* db_deps.h - which tables an answer was read from, and when each table was
 * last written through this process (for src/core/readcache.h).
 *
 * Every statement's text is scanned once, when it is prepared: a query names
 * its tables among its words (every word is taken: a column that shares a
 * table's name only ends answers a little more often), a write names the
 * tables after INTO, UPDATE, DELETE FROM and TABLE.  Names are numbered as
 * they are first seen.  A write raises its tables' generations; a thread
 * gathers the names of the queries it prepares while it answers a request;
 * a cached answer keeps that list and stays valid while none of those tables
 * has been written since the answer was computed. */
#ifndef DJ_DB_DEPS_H
#define DJ_DB_DEPS_H

#include <stdbool.h>
#include <stdint.h>

/* The table numbers sql reads (writes == false) or writes (a sorted list on
 * the heap, or NULL with *n == 0); *all: a write whose tables are not found
 * (a script, a schema change) that ends every cached answer. */
uint16_t *deps_parse(const char *sql, bool writes, int *n, bool *all);

/* The generation now: a value read before reading data, to be compared with
 * the tables' generations later (deps_fresh). */
uint64_t deps_now(void);
/* A write to table id (or to every table) is seen from now on. */
void deps_bump(uint16_t id);
void deps_bump_all(void);
/* Whether none of the tables ids[0..n) has been written since gen. */
bool deps_fresh(const uint16_t *ids, int n, uint64_t gen);

/* The calling thread's read set: the tables of every query it prepared since
 * deps_reads_reset() (a request's start) and of every cached answer it used. */
void deps_reads_reset(void);
/* Empties the read set without starting a new request (its handler, after its headers). */
void deps_reads_clear(void);
/* The calling thread's request number: raised by every deps_reads_reset(), 0
 * on a thread that serves no requests (a worker, the command line). */
uint64_t deps_request(void);
void deps_reads_add(const uint16_t *ids, int n);
/* The read set as a sorted list on the heap (NULL when empty). */
uint16_t *deps_reads_take(int *n);
/* The read set's size in words of 64 tables (a write set of a transaction
 * uses the same bit layout: see db.c). */
#define DEPS_MAX 8192
#define DEPS_WORDS (DEPS_MAX / 64)

/* The calling thread's cache hits and misses since deps_reads_reset() (test
 * builds show them in a header). */
void deps_count(bool hit);
void deps_counts(int *hits, int *misses);

#endif
