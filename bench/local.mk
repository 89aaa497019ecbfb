# Benchmarks print numbers; they are built with `make bench` and run by bench/run.sh.
EXTRA_PROGRAMS = bench/bench_client bench/bench_ds bench/bench_pull bench/bench_remote bench/bench_failfast \
	bench/bench_compose
bench_bench_client_SOURCES = bench/bench_client.c
bench_bench_client_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS)
bench_bench_client_LDADD = lib/libpodc.la $(CURL_LIBS)
bench_bench_ds_SOURCES = bench/bench_ds.c
bench_bench_ds_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(LIBPQ_CFLAGS)
# finds kubernaut-sequence.sh in the source tree (PODC_BENCH_KS_SCRIPT overrides it)
bench_bench_ds_CPPFLAGS = $(AM_CPPFLAGS) -DPODC_BENCH_SRCDIR='"$(abs_top_srcdir)/bench"'
bench_bench_ds_LDADD = lib/libpodc.la $(CURL_LIBS) $(LIBPQ_LIBS) -lpthread
bench_bench_pull_SOURCES = bench/bench_pull.c
bench_bench_pull_LDADD = lib/libpodc.la
bench_bench_remote_SOURCES = bench/bench_remote.c
bench_bench_remote_LDADD = lib/libpodc.la
bench_bench_failfast_SOURCES = bench/bench_failfast.c
# finds failfast-testcontainers.mjs and its node_modules in the source tree
bench_bench_failfast_CPPFLAGS = $(AM_CPPFLAGS) -DPODC_BENCH_SRCDIR='"$(abs_top_srcdir)/bench"'
bench_bench_failfast_LDADD = lib/libpodc.la -lpthread
bench_bench_compose_SOURCES = bench/bench_compose.c
# finds bench/compose/*.yaml in the source tree
bench_bench_compose_CPPFLAGS = $(AM_CPPFLAGS) -DPODC_BENCH_SRCDIR='"$(abs_top_srcdir)/bench"'
bench_bench_compose_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS)
bench_bench_compose_LDADD = lib/libpodc.la $(CURL_LIBS)
bench: $(EXTRA_PROGRAMS)
.PHONY: bench
CLEANFILES += $(EXTRA_PROGRAMS)
EXTRA_DIST += bench/compose bench/run.sh bench/kubernaut-sequence.sh bench/failfast-testcontainers.mjs bench/package.json bench/package-lock.json
