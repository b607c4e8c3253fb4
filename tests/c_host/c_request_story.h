/* The requests story of the C host test (see c_request_story.c). */
#ifndef C_REQUEST_STORY_H
#define C_REQUEST_STORY_H
#include "hoshitori/hoshitori.h"

/* Returns the number of failed checks (each printed as FAIL …). */
int request_story(hoshitori *db);

#endif
