# service: declarative services on top of the typed client (included from Makefile.am)
podcinclude_HEADERS += include/podc/service.h
lib_libpodc_core_la_SOURCES += lib/service/spec.c lib/service/start.c lib/service/health.c lib/service/watch.c \
	lib/service/stop.c lib/service/cleanup.c lib/service/service-private.h
tests_integration_test_integration_SOURCES += tests/integration/test_service.c tests/integration/test_faults.c \
	tests/integration/test_cancel.c
tests_unit_test_unit_SOURCES += tests/unit/test_service_spec.c
