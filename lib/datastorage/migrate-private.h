/* migrate-private.h - migrations in two steps, so the copy can happen while Postgres starts. */
#ifndef PODC_DATASTORAGE_MIGRATE_PRIVATE_H
#define PODC_DATASTORAGE_MIGRATE_PRIVATE_H

#include "podc/exec.h"
#include "podc/migrations.h"

/* Where the copy puts the scripts, and the driver psql runs (-f) to apply them. */
#define PODC_MIGRATION_DIR "/tmp/podc-migrations"
#define PODC_MIGRATION_DRIVER PODC_MIGRATION_DIR "/_apply.sql"
/* How psql must run the driver: these options, then -U user -d db -f PODC_MIGRATION_DRIVER. */
#define PODC_MIGRATION_PSQL "psql -X -q -A -t -v ON_ERROR_STOP=1"

/* The parsed files, their scripts, the driver and the tar holding them: made without any
 * request, so a malformed file fails before anything is sent. */
typedef struct pdc_migration_plan pdc_migration_plan;

int pdc_migration_plan_new(const char *dir, const podc_migrate_options *opts, pdc_migration_plan **out,
                           podc_error **err);
/* The files the copy puts into PODC_MIGRATION_DIR (the scripts, then the driver), borrowed from
 * the plan: for a caller that delivers them otherwise (as exec arguments). */
struct pdc_tar_file;
const struct pdc_tar_file *pdc_migration_plan_files(const pdc_migration_plan *p, size_t *n);
/* Copies the scripts into the container (created, initialized or running: no database needed). */
int pdc_migration_plan_copy(podc_client *c, const char *container, const pdc_migration_plan *p,
                            podc_error **err);
/* One psql run applying what the database has not recorded yet (the copy must have happened). */
int pdc_migration_plan_run(podc_client *c, const char *container, const pdc_migration_plan *p, int *applied_out,
                           podc_error **err);
/* What a run of the driver (an exec the caller made, e.g. after its own readiness checks in
 * the same shell) means: *applied_out, or PODC_EMIGRATION naming the file and statement. */
int pdc_migration_plan_result(const pdc_migration_plan *p, const char *container, const podc_exec_result *r,
                              int *applied_out, podc_error **err);
/* The same from the run's exit code and its stdout and stderr text (what _result reads of r). */
int pdc_migration_plan_outcome(const pdc_migration_plan *p, const char *container, int exit_code, const char *out,
                               const char *errtext, int *applied_out, podc_error **err);
/* Feeds what the plan applies (each file's name, transaction mode and Up statements, in order)
 * into a definition hash. */
struct pdc_sha256;
void pdc_migration_plan_hash(const pdc_migration_plan *p, struct pdc_sha256 *s);
void pdc_migration_plan_free(pdc_migration_plan *p);

#endif
