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

#endif
