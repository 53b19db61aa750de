/* files.h - the file store: documents and photos attached to records.
 *
 * Bytes are stored once per content, named by their SHA-256, and never
 * overwritten, by one of two drivers behind one interface:
 *   db   (the default) the bytes in the database itself, in pieces of
 *        DJ_FILE_CHUNK bytes (table file_chunks): SQLite's one-file backup
 *        carries them, and several servers on one PostgreSQL share them;
 *   dir  a directory (a shared mount, for large volumes) given to
 *        `dangjian serve --files DIR`: DIR/ab/cd/<sha256>.
 * Blobs remember where they went, so a store that moves from db to dir keeps
 * reading the old ones.
 *
 * An upload (table files) has a name, size, media type, who uploaded it and
 * when, and an opaque random id (its token, the only id the API shows).  It
 * is attached to records by links (subject, record id, kind).  The store
 * knows no subject: each subject registers, once at start-up, how to tell
 * whether the caller may read and attach to its records.  A file may be read
 * by its uploader and by whoever may read a record it is attached to.
 *
 * Attaching files to a new kind of record (development, dues, transfers,
 * study ...):
 *   1. write can_read and can_attach for the subject's records (usually its
 *      "load the row and check the caller's scope" helper) and register them:
 *          static const char *const kinds[] = {"letter", "form", NULL};
 *          static const struct dj_file_subject s = {"transfer", "组织关系转接", kinds,
 *                                                   transfer_file_read, transfer_file_attach};
 *          dj_files_subject_add(&s);          (from app_routes_register)
 *   2. the web app uploads with POST /api/v1/files?subject=transfer&record=ID&kind=letter
 *      and lists with GET /api/v1/files?subject=transfer&record=ID; a subject
 *      that embeds the list in its own answers calls dj_files_of_record().
 *   3. a subject that ever deletes a record calls dj_files_unlink_record() in
 *      the same transaction; the bytes stay while another record uses them.
 * Files are never deleted by a request: unlinking removes a link, and
 * dj_files_gc() removes uploads attached to nothing for files.orphan_days,
 * then bytes no upload names. */
#ifndef DJ_FILES_H
#define DJ_FILES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "http.h"

#define DJ_FILE_CHUNK (256u * 1024u)
#define DJ_FILE_TOKEN_LEN 24

/* ---------------------------------------------------------------- subjects */

struct dj_file_subject {
    const char *name;          /* stored in file_links.subject, e.g. "activity" */
    const char *label;         /* Chinese, for messages: "活动" */
    const char *const *kinds;  /* NULL-terminated kinds of attachment ("photo", "minutes"); NULL: "other" only */
    /* DJ_OK when the caller may read record_id's attachments of this kind;
     * otherwise an error (no message needed: the caller sees "not found"). */
    int (*can_read)(dj_req *r, int64_t record_id, const char *kind);
    /* DJ_OK when the caller may attach files to record_id and detach them;
     * otherwise an error with its message set (dj_fail). */
    int (*can_attach)(dj_req *r, int64_t record_id);
};

/* Registers a subject (s must live as long as the process). */
void dj_files_subject_add(const struct dj_file_subject *s);
/* NULL when no subject has this name. */
const struct dj_file_subject *dj_files_subject_find(const char *name);
/* True when kind is one of the subject's kinds. */
bool dj_files_kind_ok(const struct dj_file_subject *s, const char *kind);
/* Forgets every subject (tests). */
void dj_files_subjects_clear(void);

/* What a subject does when a file is newly attached to one of its records
 * (e.g. read a video's playing time into the record), in the transaction of
 * the link: an error undoes the attachment.  Registered once at start-up. */
typedef int (*dj_file_link_hook)(db_conn *c, int64_t file_id, int64_t record_id, const char *kind);
void dj_files_on_link(const char *subject, dj_file_link_hook fn);
/* Runs subject's hooks (dj_file_link does, for a new link). */
int dj_files_run_link_hooks(db_conn *c, int64_t file_id, const char *subject, int64_t record_id, const char *kind);
/* Forgets every hook (tests). */
void dj_files_hooks_clear(void);

/* ---------------------------------------------------------------- the store */

/* NULL: the db driver; else the directory of the dir driver (made if
 * missing, with its tmp/ for uploads in progress). DJ_EINVAL when it cannot
 * be used. Call once before serving. */
int dj_files_configure(const char *dir);
/* The dir driver's directory, or NULL. */
const char *dj_files_dir(void);

/* An upload in progress: its bytes go to a temporary file (on the dir
 * driver's file system, so the finished file is renamed into place) as they
 * arrive, hashed on the way; nothing is held in memory. */
typedef struct dj_file_writer dj_file_writer;

/* NULL when no temporary file can be made. */
dj_file_writer *dj_file_writer_new(void);
int dj_file_writer_add(dj_file_writer *w, const void *p, size_t n);
uint64_t dj_file_writer_size(const dj_file_writer *w);
/* Ends the hashing; sha256 gets the hex digest. */
void dj_file_writer_finish(dj_file_writer *w, char sha256[65]);
/* Stores the finished writer's bytes under their hash, unless that content
 * is already stored (then nothing is written).  Inside the caller's
 * transaction: the blob's row commits or rolls back with the upload's. */
int dj_file_writer_store(db_conn *c, dj_file_writer *w, const char *media_type);
/* Removes the temporary file (whatever happened) and frees w. NULL is fine. */
void dj_file_writer_free(dj_file_writer *w);

/* Stores bytes held in memory (a thumbnail); sha256 gets their hash. */
int dj_file_blob_put(db_conn *c, const void *p, size_t n, const char *media_type, char sha256[65]);

struct dj_file_blob {
    char sha256[65];
    uint64_t size;
    char media_type[96];
    bool in_dir; /* the dir driver has it */
};

/* DJ_ENOTFOUND when no such blob. */
int dj_file_blob_get(db_conn *c, const char *sha256, struct dj_file_blob *out);
/* The piece seq of a db blob, appended to out (cleared first). */
int dj_file_chunk_get(db_conn *c, const char *sha256, int64_t seq, dj_buf *out);
/* A dir blob opened for reading, or -1 (errno set). */
int dj_file_blob_open(const struct dj_file_blob *b);
/* The playing time of an uploaded file's bytes when they are an MP4/MOV
 * (media.h), read from its headers where the bytes are stored: DJ_OK, or
 * DJ_ENOTFOUND when the file has no bytes or says no duration. */
int dj_file_duration_ms(db_conn *c, int64_t file_id, int64_t *ms);
/* Reads a whole blob of at most max bytes into a heap buffer (*out, caller
 * frees): for thumbnails and tests, never for downloads. */
int dj_file_blob_load(db_conn *c, const struct dj_file_blob *b, size_t max, char **out, size_t *len);

/* Backup of the dir driver: copies into directory `to` every dir blob that
 * database c names and `to` lacks (blobs never change, so what is there is
 * right).  Run it on the database's backup copy after taking it: every file
 * that copy names exists, because a file reaches the directory before the
 * row naming it commits. */
int dj_files_backup_dir(db_conn *c, const char *from, const char *to, int64_t *copied);
/* How many blobs database c keeps in a files directory. */
int dj_files_dir_count(db_conn *c, int64_t *n);

/* ---------------------------------------------------------------- uploads and links */

struct dj_file {
    int64_t id;
    char token[DJ_FILE_TOKEN_LEN + 1];
    char sha256[65];        /* "" for a link or a name kept from before the file store */
    const char *name;       /* in the arena given to the reader */
    const char *url;        /* NULL unless a link */
    const char *media_type; /* NULL unless stored bytes */
    uint64_t size;
    int64_t uploaded_by;
    const char *uploaded_at;
};

struct dj_file_new {
    const char *sha256; /* NULL: a link or a bare name */
    const char *url;
    const char *name;
    uint64_t size;
    const char *media_type;
    int64_t uploaded_by;
    const char *client_key; /* NULL: none */
};

/* Inserts an upload; *id and token get its ids. */
int dj_file_insert(db_conn *c, const struct dj_file_new *nf, int64_t *id, char token[DJ_FILE_TOKEN_LEN + 1]);
/* DJ_ENOTFOUND when no such token.  Strings go to arena a. */
int dj_file_find(db_conn *c, dj_arena *a, const char *token, struct dj_file *out);
/* The upload a user made with an idempotency key. */
int dj_file_find_key(db_conn *c, dj_arena *a, int64_t user_id, const char *key, struct dj_file *out);
/* DJ_OK when the caller may read f: its uploader, or a reader of a record it
 * is attached to; DJ_ENOTFOUND (message set) otherwise: no one learns that a
 * file they may not read exists. */
int dj_file_may_read(dj_req *r, const struct dj_file *f);
/* dj_file_find() and dj_file_may_read() in one statement: the file of a
 * token, if the caller may read it (DJ_ENOTFOUND with the message set
 * otherwise).  Strings go to r's arena. */
int dj_file_open_for(dj_req *r, const char *token, struct dj_file *out);
/* Attaches (idempotent: *created false when the link was there). */
int dj_file_link(db_conn *c, int64_t file_id, const char *subject, int64_t record_id, const char *kind,
                 int64_t by_user, bool *created);
/* Detaches; *removed false when there was no such link. */
int dj_file_unlink(db_conn *c, int64_t file_id, const char *subject, int64_t record_id, bool *removed);
/* Detaches every file of a record (a subject deleting the record). */
int dj_files_unlink_record(db_conn *c, const char *subject, int64_t record_id);
/* The attachments of a record as JSON objects (see dj_file_json), oldest first. */
json_t *dj_files_of_record(db_conn *c, const char *subject, int64_t record_id, int *err);
/* {id, name, size, media_type, sha256, url, href, thumb, uploaded_at} */
json_t *dj_file_json(const struct dj_file *f);
/* Bytes a user uploaded since an instant (ISO UTC), for the daily quota. */
int dj_files_uploaded_since(db_conn *c, int64_t user_id, const char *since, int64_t *bytes);
/* Removes uploads attached to nothing and older than the cut-off (ISO UTC),
 * then blobs (and their thumbnails) no upload names. */
int dj_files_gc(db_conn *c, const char *older_than, int64_t *files_removed, int64_t *blobs_removed);

#endif
