/* err.c - status, code string and default Chinese message for each error code. */
#include "err.h"

static const struct {
    int err;
    int status;
    const char *code;
    const char *message;
} err_table[] = {
    {DJ_OK, 200, "ok", "成功"},
    {DJ_EINVAL, 400, "invalid", "请求内容有误"},
    {DJ_EAUTH, 401, "unauthorized", "请先登录"},
    {DJ_EFORBIDDEN, 403, "forbidden", "没有权限执行此操作"},
    {DJ_ENOTFOUND, 404, "not_found", "找不到请求的内容"},
    {DJ_ECONFLICT, 409, "conflict", "数据已被修改或已存在，请刷新后重试"},
    {DJ_ETOOLARGE, 413, "too_large", "请求内容过大"},
    {DJ_ELOCKED, 423, "locked", "账号已锁定，请稍后再试"},
    {DJ_ERATE, 429, "rate_limited", "操作过于频繁，请稍后再试"},
    {DJ_EBUSY, 503, "busy", "系统繁忙，请稍后再试"},
    {DJ_EDB, 500, "db_error", "数据库错误，请稍后再试"},
    {DJ_EINTERNAL, 500, "internal", "服务器内部错误"},
    {DJ_EMETHOD, 405, "method_not_allowed", "不支持该请求方法"},
    {DJ_EMEDIA, 415, "unsupported_media_type", "请求内容类型不受支持，请使用 application/json"},
    {DJ_ECSRF, 403, "csrf", "缺少或错误的 X-CSRF-Token 请求头，请刷新页面后重试"},
    {DJ_EGONE, 410, "expired", "已过期"},
    {DJ_EUNPROCESSABLE, 422, "rule", "不符合业务规则"},
    {DJ_EURI, 414, "uri_too_long", "请求地址过长"},
    {DJ_EHEADERS, 431, "headers_too_large", "请求头过大"},
    {DJ_ERANGE, 416, "range_not_satisfiable", "请求的范围超出文件大小"},
};

static int err_index(int err)
{
    for (unsigned i = 0; i < sizeof err_table / sizeof err_table[0]; i++)
        if (err_table[i].err == err)
            return (int)i;
    return -1;
}

int dj_err_status(int err)
{
    int i = err_index(err);
    return i < 0 ? 500 : err_table[i].status;
}

const char *dj_err_code(int err)
{
    int i = err_index(err);
    return i < 0 ? "internal" : err_table[i].code;
}

const char *dj_err_message(int err)
{
    int i = err_index(err);
    return i < 0 ? "服务器内部错误" : err_table[i].message;
}
