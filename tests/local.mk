TEST_CFLAGS = $(AM_CFLAGS) -DTOP_SRCDIR='"$(abs_top_srcdir)"' $(CHECK_CFLAGS) $(YAJL_CFLAGS) $(CURL_CFLAGS)
TEST_LIBS = lib/libpodc-core.la $(CHECK_LIBS)

check_PROGRAMS += tests/unit/test_unit
tests_unit_test_unit_SOURCES = \
	tests/unit/suites.h tests/unit/main.c \
	tests/unit/test_json.c tests/unit/test_encode.c tests/unit/test_error.c \
	tests/unit/test_transport.c tests/unit/test_cancel.c tests/unit/test_goose.c \
	tests/fake/fake_server.c tests/fake/fake_server.h
tests_unit_test_unit_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_unit_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/integration/test_integration
tests_integration_test_integration_SOURCES = \
	tests/integration/suites.h tests/integration/main.c \
	tests/integration/fixture.c tests/integration/fixture.h \
	tests/integration/proxy.c tests/integration/proxy.h \
	tests/integration/test_system.c tests/integration/test_remote.c
tests_integration_test_integration_CFLAGS = $(TEST_CFLAGS) $(LIBPQ_CFLAGS) $(ARCHIVE_CFLAGS)
# the shipped library (only the API is exported, so a test cannot reach an internal); -no-install:
# a real program with the build's rpath, not a libtool wrapper (valgrind and the rootless user run it)
tests_integration_test_integration_LDADD = lib/libpodc.la $(CHECK_LIBS) $(LIBPQ_LIBS) $(CURL_LIBS) $(ARCHIVE_LIBS)
tests_integration_test_integration_LDFLAGS = -no-install

TESTS += tests/unit/test_unit tests/integration/test_integration tests/check-symbols.sh
EXTRA_DIST += tests/check-symbols.sh tests/images tests/env tests/run-all.sh tests/compose
AM_TESTS_ENVIRONMENT = NM='$(NM)' top_builddir='$(top_builddir)'; export NM top_builddir srcdir;
