/* podc/exec.h - placeholder, filled in by the streams work. */
#ifndef PODC_EXEC_H
#define PODC_EXEC_H

#include "client.h"

#endif
