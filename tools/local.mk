bin_PROGRAMS += tools/podc/podc
tools_podc_podc_SOURCES = \
	tools/podc/tool.h tools/podc/main.c tools/podc/output.c tools/podc/spec_json.c \
	tools/podc/cmd_system.c tools/podc/cmd_ds.c tools/podc/cmd_service.c \
	tools/podc/cmd_containers.c tools/podc/cmd_build.c tools/podc/cmd_images.c \
	tools/podc/cmd_compose.c
tools_podc_podc_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
# only podc_* leaves libpodc: the tool parses its run spec with yajl itself
tools_podc_podc_LDADD = lib/libpodc.la $(YAJL_LIBS)
man1_MANS = tools/podc/podc.1
EXTRA_DIST += tools/podc/podc.1
