/* The public header must compile alone as strict C99 (built with -pedantic -Werror). */
#include "hoshitori/hoshitori.h"

int hoshitori_header_check_dummy(void);
int hoshitori_header_check_dummy(void) {
  hoshitori_supplier_status_t s;
  hoshitori_open_options o = HOSHITORI_OPEN_OPTIONS_INIT;
  s.size = sizeof s;
  return (int)s.size + (int)o.size;
}
