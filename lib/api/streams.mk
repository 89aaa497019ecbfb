# streams: typed client files (included from lib/local.mk)
podcinclude_HEADERS += include/podc/logs.h include/podc/exec.h include/podc/copy.h include/podc/events.h
lib_libpodc_core_la_SOURCES += lib/api/logs.c lib/api/logs-private.h lib/api/exec.c lib/api/copy.c lib/api/events.c lib/api/events-private.h
tests_integration_test_integration_SOURCES += tests/integration/test_logs.c tests/integration/test_exec.c tests/integration/test_copy.c tests/integration/test_events.c
tests_unit_test_unit_SOURCES += tests/unit/test_frames.c
