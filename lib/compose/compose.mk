# compose: compose files read into a stack (included from Makefile.am)
podcinclude_HEADERS += include/podc/compose.h
lib_libpodc_core_la_SOURCES += lib/compose/load.c lib/compose/service.c lib/compose/compose-private.h \
	lib/compose/yaml-tree.c lib/compose/yaml-tree.h lib/compose/interpolate.c lib/compose/interpolate.h
tests_unit_test_unit_SOURCES += tests/unit/test_compose.c
