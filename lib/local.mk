# libpodc-core.la holds every object (hidden visibility); the unit tests link it directly to
# reach internal helpers. libpodc.la is the installed library: same objects, only podc_* exported.
noinst_LTLIBRARIES += lib/libpodc-core.la
lib_libpodc_core_la_SOURCES = \
	lib/core/buf.c lib/core/buf.h \
	lib/core/json.c lib/core/json.h \
	lib/core/json-objects.c lib/core/json-objects.h \
	lib/core/json-lines.c lib/core/json-lines.h \
	lib/core/encode.c lib/core/encode.h \
	lib/core/base64.c lib/core/base64.h \
	lib/core/sha256.c lib/core/sha256.h \
	lib/core/file.c lib/core/file.h \
	lib/core/error.c lib/core/error_map.c lib/core/error-private.h \
	lib/transport/client.c lib/transport/client-private.h \
	lib/transport/cancel.c lib/transport/cancel.h \
	lib/transport/discover.c lib/transport/endpoint.c lib/transport/endpoint.h \
	lib/transport/connections.c lib/transport/connections.h \
	lib/transport/ssh.c lib/transport/ssh.h \
	lib/transport/http.c lib/transport/http.h \
	lib/api/system.c
lib_libpodc_core_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden $(CURL_CFLAGS) $(YAJL_CFLAGS) $(ARCHIVE_CFLAGS) $(SSH2_CFLAGS) \
	$(YAML_CFLAGS)
lib_libpodc_core_la_LIBADD = $(CURL_LIBS) $(YAJL_LIBS) $(ARCHIVE_LIBS) $(SSH2_LIBS) $(YAML_LIBS)

lib_LTLIBRARIES += lib/libpodc.la
lib_libpodc_la_SOURCES =
lib_libpodc_la_LIBADD = lib/libpodc-core.la
lib_libpodc_la_LDFLAGS = -version-info $(PODC_LT_VERSION) -Wl,--version-script=$(srcdir)/lib/libpodc.sym
EXTRA_lib_libpodc_la_DEPENDENCIES = lib/libpodc.sym
EXTRA_DIST += lib/libpodc.sym

lib_libpodc_core_la_SOURCES += \
	lib/core/lines.c lib/core/lines.h \
	lib/core/parallel.c lib/core/parallel.h \
	lib/core/validate.c lib/core/validate.h \
	lib/core/strlist.c lib/core/strlist.h \
	lib/core/frames.c lib/core/frames.h \
	lib/core/tar-end.c lib/core/tar-end.h \
	lib/core/tar-mem.c lib/core/tar-mem.h \
	lib/core/ignore.c lib/core/ignore.h \
	lib/api/filters.c lib/api/filters-private.h
podcinclude_HEADERS += include/podc/filters.h
