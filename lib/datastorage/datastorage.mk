# datastorage: migrations and the DataStorage stack bootstrap (included from Makefile.am)
podcinclude_HEADERS += include/podc/migrations.h include/podc/datastorage.h
lib_libpodc_core_la_SOURCES += lib/datastorage/goose.c lib/datastorage/goose.h lib/datastorage/migrate.c lib/datastorage/migrate-private.h \
	lib/datastorage/ds-private.h lib/datastorage/config.c lib/datastorage/kubernaut-profile.c lib/datastorage/ports.c lib/datastorage/dsconfig.c \
	lib/datastorage/up.c lib/datastorage/reuse.c lib/datastorage/down.c
tests_integration_test_integration_SOURCES += tests/integration/test_migrations.c tests/integration/test_datastorage.c
tests_unit_test_unit_SOURCES += tests/unit/test_ds_config.c
