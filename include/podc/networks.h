/* podc/networks.h - placeholder, filled in by the containers work. */
#ifndef PODC_NETWORKS_H
#define PODC_NETWORKS_H

#include "client.h"

#endif
