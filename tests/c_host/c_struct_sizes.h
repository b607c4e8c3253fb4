/* The struct versioning checks of the C host test (see c_struct_sizes.c). */
#ifndef C_STRUCT_SIZES_H
#define C_STRUCT_SIZES_H
#include "hoshitori/hoshitori.h"

/* `db` holds the sample suppliers; `database` is its path or URL. Returns the number of
 * failed checks (each printed as FAIL …). */
int struct_sizes_story(hoshitori *db, const char *database);

#endif
