# stack: several services and jobs as one graph (included from Makefile.am)
podcinclude_HEADERS += include/podc/stack.h
lib_libpodc_core_la_SOURCES += lib/stack/spec.c lib/stack/up.c lib/stack/down.c lib/stack/stack-private.h
tests_integration_test_integration_SOURCES += tests/integration/test_stack.c
tests_unit_test_unit_SOURCES += tests/unit/test_stack_spec.c
