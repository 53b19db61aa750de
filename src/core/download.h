/* download.h - answers that are files to save: the Content-Disposition with a
 * Chinese file name (模范机关创建工作清单-2026年第四季度.pdf) that every browser
 * saves under that name, and an ASCII name for the few that cannot. */
#ifndef DJ_DOWNLOAD_H
#define DJ_DOWNLOAD_H

#include "http.h"

/* Adds Content-Disposition: attachment; filename="<ascii>"; filename*=UTF-8''<name>
 * (RFC 6266 and 5987). Characters a file system refuses (/ \ : * ? " < > |) in
 * name become "-". */
void dj_attachment(dj_req *r, const char *ascii_fallback, const char *utf8_name);

/* The header's value (heap string), for tests and for callers that set it later. */
char *dj_attachment_value(const char *ascii_fallback, const char *utf8_name);

#endif
