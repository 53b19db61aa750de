/* app.h - the dangjian program: subcommands, the route list and the demo agency. */
#ifndef DJ_APP_H
#define DJ_APP_H

#include "../core/db.h"

/* Registers every subject's route table with the server. */
void app_routes_register(void);
/* Opens the database at url, applies migrations; prints why when it fails. */
db_conn *app_open_db(const char *url);
/* Loads the demo agency; every demo account gets password. */
int app_demo_load(db_conn *c, const char *password);

int cmd_serve(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_routes(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_verify(int argc, char **argv);

#endif
