/* podc/containers.h - placeholder, filled in by the containers work. */
#ifndef PODC_CONTAINERS_H
#define PODC_CONTAINERS_H

#include "client.h"

#endif
