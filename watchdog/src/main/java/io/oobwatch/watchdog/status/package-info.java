/**
 * The {@code GET /status} document as typed records: one record per thing, one JSON shape for it.
 * The daemon builds a {@link io.oobwatch.watchdog.status.StatusDocument} from the snapshots its
 * loops publish; {@code oobwatch status} and {@code check --json} read and write the same records.
 * Field names are snake_case ({@link com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy});
 * a field marked {@code NON_NULL} is left out while it has no value, every other field is always
 * written (null when unknown). The schema is docs/status.schema.json. Depends on nothing of oobwatch but the probes' values.
 */
package io.oobwatch.watchdog.status;
