#ifndef PODC_API_IGNORE_H
#define PODC_API_IGNORE_H
#endif
