# containers: typed client files (included from lib/local.mk)
podcinclude_HEADERS += include/podc/networks.h include/podc/containers.h
lib_libpodc_core_la_SOURCES += lib/api/networks.c lib/api/container-spec.c lib/api/containers.c lib/api/container-inspect.c \
	lib/api/container-spec.h lib/api/container-results.h \
	lib/api/resource.c lib/api/resource.h
tests_integration_test_integration_SOURCES += tests/integration/test_networks.c tests/integration/test_containers.c
tests_unit_test_unit_SOURCES += tests/unit/test_container_spec.c
