/* anchor.c - sealing chains with a key kept outside the database, checkpoints,
 * their verification, and the sealing thread of `serve`. */
#include "anchor.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "err.h"
#include "json.h"
#include "mem.h"
#include "timeutil.h"

#define MAX_CHAINS 16
/* Rows sealed a transaction: short, since on SQLite the sealer holds the one writer's lock
 * (and the writer's turn, batch.h) while it seals, and the group commits wait for it. */
#define BATCH 256
#define RECENT_SECONDS 86400 /* the sealer looks at rows of the last day (the first run: all) */
#define ID_MARGIN 10000      /* and at ids this far below the newest sealed one (late commits) */

/* ---------------------------------------------------------------- the audit chain */

static void put_field(crypto_hash_sha256_state *st, const char *tag, const char *v)
{
    /* tag, then the length (or "-" for NULL), then the bytes: no two rows hash alike */
    char head[64];
    int n = v ? snprintf(head, sizeof head, "%s:%zu:", tag, strlen(v)) : snprintf(head, sizeof head, "%s:-:", tag);
    crypto_hash_sha256_update(st, (const unsigned char *)head, (unsigned long long)n);
    if (v)
        crypto_hash_sha256_update(st, (const unsigned char *)v, strlen(v));
}

static void hex_of(const unsigned char *b, size_t n, char *out)
{
    sodium_bin2hex(out, 2 * n + 1, b, n);
}

static void audit_row_hash(db_stmt *s, char out[65])
{
    static const char *const tags[] = {"id", "at", "user", "login", "action", "entity", "entity_id", "before",
                                       "after", "ip"};
    crypto_hash_sha256_state st;
    unsigned char md[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&st);
    for (int i = 0; i < 10; i++)
        put_field(&st, tags[i], db_col_null(s, i) ? NULL : db_col_text(s, i));
    crypto_hash_sha256_final(&st, md);
    hex_of(md, sizeof md, out);
}

#define AUDIT_COLS "a.id, a.at, a.user_id, a.login, a.action, a.entity, a.entity_id, a.before, a.after, a.ip"

static const struct dj_chain core_chains[] = {
    {"audit", "审计记录",
     "SELECT " AUDIT_COLS " FROM audit a WHERE a.id > $3 AND ($3 > 0 OR a.at >= $1)"
     " AND NOT EXISTS (SELECT 1 FROM chain_links k WHERE k.chain = 'audit' AND k.ref_id = a.id AND k.ref_id > $3)"
     " ORDER BY a.id LIMIT $2",
     "SELECT " AUDIT_COLS " FROM audit a WHERE a.id = $1", audit_row_hash},
    {0},
};

/* Written at start-up, read-only afterwards. */
static const struct dj_chain *chains[MAX_CHAINS] = {&core_chains[0]};
static int nchains = 1;

void dj_anchor_add(const struct dj_chain *table)
{
    for (const struct dj_chain *ch = table; ch->name; ch++) {
        bool known = false;
        for (int i = 0; i < nchains && !known; i++)
            known = strcmp(chains[i]->name, ch->name) == 0;
        if (!known && nchains < MAX_CHAINS)
            chains[nchains++] = ch;
    }
}

/* ---------------------------------------------------------------- the key */

int dj_anchor_key_read(const char *path, unsigned char key[DJ_ANCHOR_KEY_BYTES])
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "dangjian: cannot read the key file %s: %s\n", path, strerror(errno));
        return DJ_ENOTFOUND;
    }
    char hex[2 * DJ_ANCHOR_KEY_BYTES + 8] = "";
    size_t n = fread(hex, 1, sizeof hex - 1, f);
    fclose(f);
    while (n && (hex[n - 1] == '\n' || hex[n - 1] == '\r' || hex[n - 1] == ' '))
        n--;
    size_t got = 0;
    if (n != 2 * DJ_ANCHOR_KEY_BYTES ||
        sodium_hex2bin(key, DJ_ANCHOR_KEY_BYTES, hex, n, NULL, &got, NULL) != 0 || got != DJ_ANCHOR_KEY_BYTES) {
        fprintf(stderr, "dangjian: the key file %s does not hold a key (64 hexadecimal digits)\n", path);
        sodium_memzero(hex, sizeof hex);
        return DJ_EINVAL;
    }
    sodium_memzero(hex, sizeof hex);
    return DJ_OK;
}

int dj_anchor_key_create(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        fprintf(stderr, "dangjian: cannot create the key file %s: %s\n", path, strerror(errno));
        return errno == EEXIST ? DJ_ECONFLICT : DJ_EINTERNAL;
    }
    unsigned char key[DJ_ANCHOR_KEY_BYTES];
    char hex[2 * DJ_ANCHOR_KEY_BYTES + 2];
    randombytes_buf(key, sizeof key);
    hex_of(key, sizeof key, hex);
    strcat(hex, "\n");
    ssize_t w = write(fd, hex, strlen(hex));
    int rc = w == (ssize_t)strlen(hex) && fsync(fd) == 0 ? DJ_OK : DJ_EINTERNAL;
    close(fd);
    sodium_memzero(key, sizeof key);
    sodium_memzero(hex, sizeof hex);
    return rc;
}

char *dj_anchor_default_key_path(const char *db)
{
    if (strncmp(db, "postgres://", 11) == 0 || strncmp(db, "postgresql://", 13) == 0)
        return NULL;
    return dj_asprintf("%s.key", db);
}

int dj_anchor_key_find(const char *db, const char *key_file, unsigned char key[DJ_ANCHOR_KEY_BYTES], bool *found)
{
    *found = false;
    char *dflt = key_file ? NULL : dj_anchor_default_key_path(db);
    const char *path = key_file ? key_file : dflt;
    int rc = DJ_OK;
    if (path && (key_file || access(path, F_OK) == 0)) {
        rc = dj_anchor_key_read(path, key);
        *found = rc == DJ_OK;
    }
    free(dflt);
    return rc;
}

/* ---------------------------------------------------------------- links */

static void link_mac(const unsigned char *key, const char *chain, int64_t seq, int64_t ref_id, const char *item_hash,
                     const char *prev_mac, char out[65])
{
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    char nums[64];
    crypto_auth_hmacsha256_init(&st, key, DJ_ANCHOR_KEY_BYTES);
    int n = snprintf(nums, sizeof nums, "dangjian-link-v1|%lld|%lld|", (long long)seq, (long long)ref_id);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)chain, strlen(chain));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)nums, (unsigned long long)n);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)item_hash, strlen(item_hash));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)"|", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)prev_mac, strlen(prev_mac));
    crypto_auth_hmacsha256_final(&st, mac);
    hex_of(mac, sizeof mac, out);
}

/* The chain's newest link: seq (0 when none), its mac, the largest id sealed. */
static int chain_head(db_conn *c, const char *chain, int64_t *seq, char mac[65], int64_t *max_ref)
{
    *seq = 0;
    mac[0] = '\0';
    *max_ref = 0;
    db_stmt *s = db_prep(c, "SELECT seq, mac, (SELECT MAX(ref_id) FROM chain_links WHERE chain = $1)"
                            " FROM chain_links WHERE chain = $1 ORDER BY seq DESC LIMIT 1");
    if (!s)
        return DJ_EDB;
    db_bind_text(s, 1, chain);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        *seq = db_col_i64(s, 0);
        snprintf(mac, 65, "%s", db_col_text(s, 1));
        *max_ref = db_col_i64(s, 2);
    }
    db_done(s);
    return rc == DB_ROW || rc == DB_DONE ? DJ_OK : rc;
}

struct pending {
    int64_t id;
    char hash[65];
};

/* Up to BATCH unsealed rows of ch (ids, and content hashes when hash), oldest first. */
static int pending_rows(db_conn *c, const struct dj_chain *ch, const char *since, int64_t low, bool hash,
                        struct pending *out, int *n)
{
    *n = 0;
    db_stmt *s = db_prep(c, ch->pending_sql);
    if (!s)
        return DJ_EDB;
    db_bind(s, "tii", since, (int64_t)BATCH, low);
    int rc;
    while ((rc = db_step(s)) == DB_ROW && *n < BATCH) {
        out[*n].id = db_col_i64(s, 0);
        if (hash)
            ch->row_hash(s, out[*n].hash);
        (*n)++;
    }
    db_done(s);
    return rc == DB_ROW || rc == DB_DONE ? DJ_OK : rc;
}

/* Links rows[0..n) to the chain after (*seq, prev), in one statement; *seq and
 * prev become the last link's. */
static int insert_links(db_conn *c, const unsigned char *key, const char *chain, const char *now,
                        const struct pending *rows, int n, int64_t *seq, char prev[65])
{
    dj_buf sql = {0};
    db_values_sql(&sql, "INSERT INTO chain_links (chain, seq, ref_id, item_hash, mac, sealed_at)", 6, n);
    db_stmt *s = db_prep_dynamic(c, dj_buf_cstr(&sql));
    dj_buf_free(&sql);
    if (!s)
        return db_prep_error();
    for (int i = 0; i < n; i++) {
        char mac[65];
        int at = i * 6;
        ++*seq;
        link_mac(key, chain, *seq, rows[i].id, rows[i].hash, prev, mac);
        db_bind_text(s, at + 1, chain);
        db_bind_i64(s, at + 2, *seq);
        db_bind_i64(s, at + 3, rows[i].id);
        db_bind_text(s, at + 4, rows[i].hash);
        db_bind_text(s, at + 5, mac);
        db_bind_text(s, at + 6, now);
        memcpy(prev, mac, 65);
    }
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? DJ_OK : rc < 0 ? rc : DJ_EDB;
}

/* Seals up to BATCH rows of ch in one transaction.  *from is where the look
 * starts: -1 for a pass's first batch, which looks ID_MARGIN ids below the
 * newest sealed row (a row committed after a later one was sealed: on
 * PostgreSQL an id is taken before its transaction commits); afterwards the
 * last id sealed, so the batches that follow in the pass scan only what is
 * new, not the same sealed margin again (a late row waits for the next
 * pass's look).  *count gets how many rows were sealed. */
static int seal_batch(db_conn *c, const unsigned char *key, const struct dj_chain *ch, const char *since,
                      int64_t *from, struct pending *rows, int *count)
{
    int64_t seq, max_ref;
    char prev[65];
    *count = 0;
    /* a look first, outside a transaction (the ids only): most seconds there is nothing to seal */
    int n = 0;
    int rc = chain_head(c, ch->name, &seq, prev, &max_ref);
    int64_t low = *from >= 0 ? *from : *since && max_ref > ID_MARGIN ? max_ref - ID_MARGIN : 0;
    if (rc == DJ_OK)
        rc = pending_rows(c, ch, since, low, false, rows, &n);
    if (rc != DJ_OK || n == 0)
        return rc;
    /* the same look again under the writer's turn, from the first row found: one
     * committed below it meanwhile is late and waits for the next pass */
    low = rows[0].id - 1;
    dj_batch_turn_take(c);
    if ((rc = db_begin(c)) != DJ_OK) {
        dj_batch_turn_give(c);
        return rc;
    }
    rc = chain_head(c, ch->name, &seq, prev, &max_ref);
    if (rc == DJ_OK)
        rc = pending_rows(c, ch, since, low, true, rows, &n);
    char now[21];
    dj_time_iso(dj_now(), now);
    for (int i = 0; i < n && rc == DJ_OK; i += DB_VALUES_ROWS)
        rc = insert_links(c, key, ch->name, now, rows + i, n - i < DB_VALUES_ROWS ? n - i : DB_VALUES_ROWS, &seq, prev);
    if (rc == DJ_OK && n > 0)
        rc = db_commit(c);
    else
        db_rollback(c);
    dj_batch_turn_give(c);
    if (rc == DJ_OK) {
        *count = n;
        if (n > 0)
            *from = rows[n - 1].id;
    }
    return rc;
}

int dj_anchor_seal(db_conn *c, const unsigned char *key, const char *since, int64_t *sealed)
{
    struct pending *rows = dj_calloc(BATCH, sizeof *rows);
    int64_t total = 0;
    int rc = DJ_OK;
    for (int i = 0; i < nchains && rc == DJ_OK; i++) {
        int n;
        int64_t from = -1;
        do {
            rc = seal_batch(c, key, chains[i], since ? since : "", &from, rows, &n);
            total += n;
        } while (rc == DJ_OK && n == BATCH);
    }
    free(rows);
    if (sealed)
        *sealed = total;
    return rc;
}

/* ---------------------------------------------------------------- checkpoints */

static void checkpoint_mac(const unsigned char *key, const char *at, const char *heads, const char *prev,
                           char out[65])
{
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_init(&st, key, DJ_ANCHOR_KEY_BYTES);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)"dangjian-checkpoint-v1|", 23);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)at, strlen(at));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)"|", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)heads, strlen(heads));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)"|", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)prev, strlen(prev));
    crypto_auth_hmacsha256_final(&st, mac);
    hex_of(mac, sizeof mac, out);
}

/* {"audit":{"seq":N,"mac":"…"},…} as text (heap), the heads now. */
static int heads_text(db_conn *c, char **out)
{
    json_t *h = json_object();
    int rc = DJ_OK;
    for (int i = 0; i < nchains && rc == DJ_OK; i++) {
        int64_t seq, max_ref;
        char mac[65];
        rc = chain_head(c, chains[i]->name, &seq, mac, &max_ref);
        json_object_set_new(h, chains[i]->name, json_pack("{s:I, s:s}", "seq", (json_int_t)seq, "mac", mac));
    }
    size_t len;
    *out = rc == DJ_OK ? dj_json_render(h, &len) : NULL;
    json_decref(h);
    return rc;
}

int dj_anchor_checkpoint(db_conn *c, const unsigned char *key, int64_t *id)
{
    char *heads = NULL, *prev = NULL, at[21], mac[65];
    int rc = db_begin(c);
    if (rc == DJ_OK)
        rc = heads_text(c, &heads);
    if (rc == DJ_OK) {
        rc = db_query_text(c, &prev, "SELECT mac FROM checkpoints ORDER BY id DESC LIMIT 1", "");
        if (rc == DJ_ENOTFOUND) {
            prev = dj_strdup("");
            rc = DJ_OK;
        }
    }
    if (rc == DJ_OK) {
        dj_time_iso(dj_now(), at);
        checkpoint_mac(key, at, heads, prev, mac);
        rc = db_query_i64(c, id, "INSERT INTO checkpoints (at, heads, prev_mac, mac) VALUES ($1, $2, $3, $4) RETURNING id",
                          "tttt", at, heads, prev, mac);
    }
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    free(heads);
    free(prev);
    return rc;
}

json_t *dj_anchor_checkpoints(db_conn *c, int *err)
{
    return db_query_rows(c, err, "SELECT id, at, heads, prev_mac, mac FROM checkpoints ORDER BY id", "");
}

/* ---------------------------------------------------------------- verify */

static int broken(struct dj_anchor_report *r, const struct dj_chain *ch, int64_t seq, int64_t ref_id, const char *fmt,
                  ...) __attribute__((format(printf, 5, 6)));

static int broken(struct dj_anchor_report *r, const struct dj_chain *ch, int64_t seq, int64_t ref_id, const char *fmt,
                  ...)
{
    if (!r->ok)
        return DJ_OK; /* the first problem is the one named */
    r->ok = false;
    r->chain = ch ? ch->name : NULL;
    r->seq = seq;
    r->ref_id = ref_id;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->problem, sizeof r->problem, fmt, ap);
    va_end(ap);
    return DJ_OK;
}

/* Walks one chain's links: order, MACs, and each row against its sealed hash. */
static int verify_chain(db_conn *c, const unsigned char *key, const struct dj_chain *ch, struct dj_anchor_report *r,
                        int64_t *links)
{
    *links = 0;
    db_stmt *s = db_prep_dynamic(c, "SELECT seq, ref_id, item_hash, mac FROM chain_links WHERE chain = $1 ORDER BY seq");
    if (!s)
        return DJ_EDB;
    db_bind_text(s, 1, ch->name);
    char prev[65] = "";
    int64_t expect = 1;
    int rc;
    while ((rc = db_step(s)) == DB_ROW && r->ok) {
        int64_t seq = db_col_i64(s, 0), ref = db_col_i64(s, 1);
        char item[65], mac[65], want[65];
        snprintf(item, sizeof item, "%s", db_col_text(s, 2));
        snprintf(mac, sizeof mac, "%s", db_col_text(s, 3));
        (*links)++;
        if (seq != expect) {
            broken(r, ch, expect, 0, "%s的封存链在第 %lld 环处断开（封存记录被删除）", ch->label, (long long)expect);
            break;
        }
        link_mac(key, ch->name, seq, ref, item, prev, want);
        if (sodium_memcmp(want, mac, 64) != 0) {
            broken(r, ch, seq, ref, "%s编号 %lld 的封存（第 %lld 环）对不上密钥：封存链被改写", ch->label, (long long)ref,
                   (long long)seq);
            break;
        }
        /* the row as it stands now */
        db_stmt *row = db_prep(c, ch->row_sql);
        if (!row) {
            rc = DJ_EDB;
            break;
        }
        db_bind_i64(row, 1, ref);
        int rr = db_step(row);
        char now[65] = "";
        if (rr == DB_ROW)
            ch->row_hash(row, now);
        db_done(row);
        if (rr == DB_DONE)
            broken(r, ch, seq, ref, "%s编号 %lld 在封存后被删除", ch->label, (long long)ref);
        else if (rr != DB_ROW) {
            rc = rr;
            break;
        } else if (strcmp(now, item) != 0)
            broken(r, ch, seq, ref, "%s编号 %lld 在封存后被修改", ch->label, (long long)ref);
        memcpy(prev, mac, sizeof prev);
        expect++;
    }
    db_done(s);
    return rc == DB_ROW || rc == DB_DONE ? DJ_OK : rc;
}

/* Does the chain still hold the link a checkpoint saw? */
static int check_head(db_conn *c, const json_t *heads, const char *where, struct dj_anchor_report *r)
{
    const char *name;
    json_t *h;
    json_object_foreach((json_t *)heads, name, h) {
        const struct dj_chain *ch = NULL;
        for (int i = 0; i < nchains; i++)
            if (strcmp(chains[i]->name, name) == 0)
                ch = chains[i];
        int64_t seq = dj_jint(h, "seq", 0);
        if (!ch || seq == 0)
            continue;
        char *mac = NULL;
        int rc = db_query_text(c, &mac, "SELECT mac FROM chain_links WHERE chain = $1 AND seq = $2", "ti", name, seq);
        if (rc == DJ_ENOTFOUND)
            return broken(r, ch, seq, 0, "%s记录的%s第 %lld 环已不在数据库中：其后的记录被整段删除", where, ch->label,
                          (long long)seq);
        if (rc != DJ_OK)
            return rc;
        bool same = strcmp(mac, dj_jstr(h, "mac", "")) == 0;
        free(mac);
        if (!same)
            return broken(r, ch, seq, 0, "%s记录的%s第 %lld 环与数据库不一致", where, ch->label, (long long)seq);
    }
    return DJ_OK;
}

static int verify_checkpoint(db_conn *c, const unsigned char *key, const json_t *cp, const char *prev_expected,
                             const char *where, struct dj_anchor_report *r)
{
    const char *at = dj_jstr(cp, "at", ""), *heads = dj_jstr(cp, "heads", ""), *prev = dj_jstr(cp, "prev_mac", "");
    char want[65];
    checkpoint_mac(key, at, heads, prev, want);
    if (strlen(dj_jstr(cp, "mac", "")) != 64 || sodium_memcmp(want, dj_jstr(cp, "mac", ""), 64) != 0)
        return broken(r, NULL, 0, 0, "%s的签名对不上密钥：检查点被伪造或改写", where);
    if (prev_expected && strcmp(prev, prev_expected) != 0)
        return broken(r, NULL, 0, 0, "%s之前的检查点被删除或改写", where);
    json_error_t je;
    json_t *h = json_loads(heads, 0, &je);
    int rc = h ? check_head(c, h, where, r) : broken(r, NULL, 0, 0, "%s的内容无法读取", where);
    json_decref(h);
    return rc;
}

int dj_anchor_verify(db_conn *c, const unsigned char *key, const json_t *kept, struct dj_anchor_report *r)
{
    memset(r, 0, sizeof *r);
    r->ok = true;
    r->chains = json_object();
    int rc = DJ_OK;
    for (int i = 0; i < nchains && rc == DJ_OK; i++) {
        int64_t links = 0;
        rc = verify_chain(c, key, chains[i], r, &links);
        json_object_set_new(r->chains, chains[i]->name, json_pack("{s:I}", "links", (json_int_t)links));
    }
    /* the checkpoints in the database, each chained to the one before */
    json_t *cps = rc == DJ_OK ? dj_anchor_checkpoints(c, &rc) : NULL;
    size_t k;
    json_t *cp;
    const char *prev = "";
    json_array_foreach(cps, k, cp) {
        char where[64];
        snprintf(where, sizeof where, "检查点 #%lld（%s）", (long long)dj_jint(cp, "id", 0), dj_jstr(cp, "at", ""));
        if (rc == DJ_OK)
            rc = verify_checkpoint(c, key, cp, prev, where, r);
        prev = dj_jstr(cp, "mac", "");
    }
    r->checkpoints = (int64_t)json_array_size(cps);
    /* the auditor's own copy: every checkpoint it holds must still hold */
    const json_t *list = json_is_object(kept) ? json_object_get(kept, "checkpoints") : kept;
    json_array_foreach(list, k, cp) {
        char where[80];
        snprintf(where, sizeof where, "所保存的检查点 #%lld（%s）", (long long)dj_jint(cp, "id", 0), dj_jstr(cp, "at", ""));
        if (rc == DJ_OK)
            rc = verify_checkpoint(c, key, cp, NULL, where, r);
    }
    json_decref(cps);
    return rc;
}

/* ---------------------------------------------------------------- the sealing thread */

static pthread_mutex_t thr_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t thr_cv = PTHREAD_COND_INITIALIZER;
static pthread_t thr;
static bool thr_running, thr_stopping;
static unsigned char thr_key[DJ_ANCHOR_KEY_BYTES];
static bool have_key;

const unsigned char *dj_anchor_key(void)
{
    return have_key ? thr_key : NULL;
}

static void *sealer(void *unused)
{
    (void)unused;
    bool first = true, moved = false;
    time_t last_cp = time(NULL);
    pthread_mutex_lock(&thr_mu);
    for (;;) {
        bool stop = thr_stopping;
        pthread_mutex_unlock(&thr_mu);
        db_conn *c = db_thread();
        /* one server seals at a time (a PostgreSQL advisory lock; always
         * ours on SQLite); one that takes over from another starts with a
         * full pass, so nothing written meanwhile is left unsealed */
        bool got = false;
        if (c && (db_trylock(c, "dangjian:anchor", &got) != DJ_OK || !got)) {
            first = true;
            c = NULL;
        }
        if (c) {
            char since[21] = "";
            if (!first)
                dj_time_iso(dj_now() - RECENT_SECONDS, since);
            int64_t n = 0;
            if (dj_anchor_seal(c, thr_key, since, &n) == DJ_OK)
                first = false;
            moved = moved || n > 0;
            if (moved && (stop || time(NULL) - last_cp >= 600)) {
                int64_t id;
                if (dj_anchor_checkpoint(c, thr_key, &id) == DJ_OK) {
                    moved = false;
                    last_cp = time(NULL);
                }
            }
            db_unlock(c, "dangjian:anchor");
        }
        pthread_mutex_lock(&thr_mu);
        if (stop)
            break;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        while (!thr_stopping && pthread_cond_timedwait(&thr_cv, &thr_mu, &ts) == 0)
            ;
    }
    pthread_mutex_unlock(&thr_mu);
    db_thread_close();
    return NULL;
}

void dj_anchor_start(const unsigned char key[DJ_ANCHOR_KEY_BYTES])
{
    pthread_mutex_lock(&thr_mu);
    if (!thr_running) {
        memcpy(thr_key, key, DJ_ANCHOR_KEY_BYTES);
        have_key = true;
        thr_stopping = false;
        thr_running = pthread_create(&thr, NULL, sealer, NULL) == 0;
    }
    pthread_mutex_unlock(&thr_mu);
}

void dj_anchor_stop(void)
{
    pthread_mutex_lock(&thr_mu);
    bool running = thr_running;
    thr_stopping = true;
    pthread_cond_signal(&thr_cv);
    pthread_mutex_unlock(&thr_mu);
    if (running)
        pthread_join(thr, NULL);
    pthread_mutex_lock(&thr_mu);
    thr_running = false;
    have_key = false;
    sodium_memzero(thr_key, sizeof thr_key);
    pthread_mutex_unlock(&thr_mu);
}
