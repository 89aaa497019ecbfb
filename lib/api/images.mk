# images: typed client files (included from lib/local.mk)
podcinclude_HEADERS += include/podc/images.h
lib_libpodc_core_la_SOURCES += lib/api/images.c lib/api/image-ref.c lib/api/image-import.c lib/api/images-private.h lib/api/build.c lib/api/progress-stream.c lib/api/progress-stream.h lib/api/pull.c lib/api/pull-private.h lib/api/registry-auth.c lib/api/registry-auth.h lib/api/build-context.c lib/api/build-context.h
tests_integration_test_integration_SOURCES += tests/integration/test_images.c tests/integration/test_registry.c
tests_unit_test_unit_SOURCES += tests/unit/test_ignore.c tests/unit/test_registry.c
