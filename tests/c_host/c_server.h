/* The in-process web server through the C ABI (see c_server.c). */
#ifndef C_SERVER_H
#define C_SERVER_H
#include "hoshitori/hoshitori.h"

/* Returns the number of failed checks (each printed as FAIL …). Leaves a server
 * running on the handle when `leave_running` is 1, for hoshitori_close to stop. */
int server_story(hoshitori *db, int leave_running);

#endif
