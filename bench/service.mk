# service module benchmark (owned by the service work)
EXTRA_PROGRAMS += bench/bench_service
bench_bench_service_SOURCES = bench/bench_service.c
bench_bench_service_LDADD = lib/libpodc.la
