/* podc/logs.h - placeholder, filled in by the streams work. */
#ifndef PODC_LOGS_H
#define PODC_LOGS_H

#include "client.h"

#endif
