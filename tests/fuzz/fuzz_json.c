/* fuzz_json.c - libFuzzer target: the JSON body path of every handler.
 * Bytes are parsed as jansson does for dj_body_json() (duplicate keys refused),
 * validated against a field table with every kind of field (nested items and
 * ids included), and rendered back by dj_json_render(), which must give JSON
 * that reads back as the same value. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/json.h"

static const char *const kinds[] = {"branch", "group", NULL};
static const struct dj_jfield officer[] = {
    {"post", "职务", DJ_J_STR, DJ_J_REQ, 1, 32, NULL},
    {"person_id", "人员", DJ_J_ID, DJ_J_REQ, DJ_SCOPE("person", "org.write")},
    {"since", "任职日期", DJ_J_DATE, DJ_J_NULL, 0, 0, NULL},
    {NULL},
};
static const struct dj_jfield spec[] = {
    {"name", "名称", DJ_J_STR, DJ_J_REQ, 1, 20, NULL},
    {"kind", "类型", DJ_J_STR, 0, 0, 0, kinds},
    {"size", "人数", DJ_J_INT, 0, -5, 50, NULL},
    {"org_id", "组织", DJ_J_ID, DJ_J_NULL, DJ_SCOPE("org", "org.write")},
    {"rule_id", "规则", DJ_J_ID, DJ_J_UNSCOPED, 0, 0, NULL},
    {"on", "日期", DJ_J_DATE, 0, 0, 0, NULL},
    {"at", "时间", DJ_J_TIME, 0, 0, 0, NULL},
    {"ok", "是否", DJ_J_BOOL, 0, 0, 0, NULL},
    {"hours", "学时", DJ_J_NUM, 0, 0, 100, NULL},
    {"meta", "其他", DJ_J_OBJ, 0, 0, 0, NULL},
    {"tags", "标签", DJ_J_ARR, 0, 0, 8, NULL},
    {"officers", "委员", DJ_J_ARR, 0, 0, 5, NULL, officer},
    {"person_ids", "人员", DJ_J_IDS, 0, 0, 16, NULL, DJ_SCOPE("person", "life.manage")},
    {"any", "任意", DJ_J_ANY, 0, 0, 0, NULL},
    {NULL},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t je;
    json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    if (!j)
        return 0;
    struct dj_jerr e;
    memset(&e, 0, sizeof e);
    if (dj_json_validate(j, spec, &e) != 0 && (!e.code || !e.message[0]))
        abort(); /* a refusal always says why */
    size_t len;
    char *text = dj_json_render(j, &len);
    json_t *back = json_loadb(text, len, 0, &je);
    if (!back || !json_equal(j, back)) {
        fprintf(stderr, "dj_json_render does not read back: %.*s\n", (int)len, text);
        abort();
    }
    json_decref(back);
    free(text);
    json_decref(j);
    return 0;
}
