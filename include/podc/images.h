/* podc/images.h - placeholder, filled in by the images work. */
#ifndef PODC_IMAGES_H
#define PODC_IMAGES_H

#include "client.h"

#endif
