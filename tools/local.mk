bin_PROGRAMS += tools/podc/podc
tools_podc_podc_SOURCES = tools/podc/main.c
tools_podc_podc_LDADD = lib/libpodc.la
