/*
 * podc.h - umbrella header for libpodc, a C client for the Podman libpod REST API.
 * Link with `pkg-config --cflags --libs podc`.
 */
#ifndef PODC_H
#define PODC_H

#include "podc/common.h"
#include "podc/error.h"
#include "podc/client.h"
#include "podc/system.h"
#include "podc/filters.h"
#include "podc/images.h"
#include "podc/networks.h"
#include "podc/containers.h"
#include "podc/logs.h"
#include "podc/exec.h"
#include "podc/copy.h"
#include "podc/events.h"
#include "podc/migrations.h"
#include "podc/service.h"
#include "podc/stack.h"
#include "podc/compose.h"
#include "podc/datastorage.h"

#endif
