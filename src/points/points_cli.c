/* points_cli.c - the ledger's part of `dangjian verify`: walks every member's
 * chain of the points ledger and names the first entry that no longer matches;
 * and the ledger's registration with the core's sealing (anchor.h), so that an
 * entry rewritten with every hash recomputed is still named. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "../core/err.h"
#include "points.h"

/* An entry's stored hash already covers its content and its member's chain
 * before it; the seal keeps that hash as it was when sealed. */
static void ledger_row_hash(db_stmt *s, char out[65])
{
    snprintf(out, 65, "%s", db_col_text(s, 1) ? db_col_text(s, 1) : "");
}

const struct dj_chain points_chains[] = {
    {"ledger", "积分流水",
     "SELECT l.id, l.hash FROM points_ledger l WHERE l.id > $3 AND ($3 > 0 OR l.created_at >= $1)"
     " AND NOT EXISTS (SELECT 1 FROM chain_links k WHERE k.chain = 'ledger' AND k.ref_id = l.id AND k.ref_id > $3)"
     " ORDER BY l.id LIMIT $2",
     "SELECT l.id, l.hash FROM points_ledger l WHERE l.id = $1", ledger_row_hash},
    {0},
};

int points_verify_print(db_conn *c, json_t *out)
{
    struct points_verify v;
    int rc = points_verify_chain(c, &v);
    if (rc)
        return rc;
    json_object_set_new(out, "ok", json_boolean(v.ok));
    json_object_set_new(out, "entries", json_integer(v.entries));
    if (!v.ok) {
        json_object_set_new(out, "first_bad", v.first_bad ? json_integer(v.first_bad) : json_null());
        json_object_set_new(out, "person_id", json_integer(v.bad_person));
        char bad[24] = "?";
        if (v.first_bad)
            snprintf(bad, sizeof bad, "%lld", (long long)v.first_bad);
        fprintf(stderr, "积分台账校验失败：条目 %s（党员 %lld）：%s\n", bad, (long long)v.bad_person, v.problem);
    }
    return DJ_OK;
}
