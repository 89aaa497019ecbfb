#ifndef PODC_API_FRAMES_H
#define PODC_API_FRAMES_H
#endif
