/* podc/copy.h - placeholder, filled in by the streams work. */
#ifndef PODC_COPY_H
#define PODC_COPY_H

#include "client.h"

#endif
