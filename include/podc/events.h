/* podc/events.h - placeholder, filled in by the streams work. */
#ifndef PODC_EVENTS_H
#define PODC_EVENTS_H

#include "client.h"

#endif
