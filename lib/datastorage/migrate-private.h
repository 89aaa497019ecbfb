/* migrate-private.h - migrations in two steps, so the copy can happen while Postgres starts. */
#ifndef PODC_DATASTORAGE_MIGRATE_PRIVATE_H
#define PODC_DATASTORAGE_MIGRATE_PRIVATE_H

#include "podc/migrations.h"

/* The parsed files, their scripts, the driver and the tar holding them: made without any
 * request, so a malformed file fails before anything is sent. */
typedef struct podc_migration_plan podc_migration_plan;

int podc_migration_plan_new(const char *dir, const podc_migrate_options *opts, podc_migration_plan **out,
                            podc_error **err);
/* Copies the scripts into the container (created, initialized or running: no database needed). */
int podc_migration_plan_copy(podc_client *c, const char *container, const podc_migration_plan *p,
                             podc_error **err);
/* One psql run applying what the database has not recorded yet (the copy must have happened). */
int podc_migration_plan_run(podc_client *c, const char *container, const podc_migration_plan *p, int *applied_out,
                            podc_error **err);
void podc_migration_plan_free(podc_migration_plan *p);

#endif
