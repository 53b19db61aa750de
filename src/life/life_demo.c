/* life_demo.c - this subject's part of the demo agency. */
#include "../core/err.h"
#include "life.h"

int life_demo_load(db_conn *c, const char *password_hash)
{
    (void)c;
    (void)password_hash;
    return DJ_OK;
}
