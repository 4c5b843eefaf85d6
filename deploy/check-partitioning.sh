#!/usr/bin/env bash
# Checks the time partitioning of `values` proposed in docs/scaling.md on a real PostgreSQL (15 or later):
#   deploy/check-partitioning.sh ADMIN_DSN
# ADMIN_DSN: a postgresql:// URI of a role that may create databases (e.g. the output of
# `deploy/local-postgres.sh start DIR`). The script creates a scratch database, creates the TimeDB schema
# in it with the CLI (TIMEDB_CLI, default: the Debug build next to this repository), fills it, converts
# `values` to a table partitioned by month of valid_time, checks that nothing was lost and that the API's
# SQL still works, drops an old partition, applies the key changes Citus needs, and drops the scratch
# database again (also on failure). The DSN is never printed. Exit 0 when every check passed.
set -euo pipefail

die() { echo "error: $*" >&2; exit 1; }

[ $# -eq 1 ] && [ -n "$1" ] || die "usage: $0 ADMIN_DSN   (a postgresql:// URI of a role that may create databases)"
ADMIN_DSN=$1
case "$ADMIN_DSN" in postgres://*|postgresql://*) ;; *) die "ADMIN_DSN must be a postgresql:// URI" ;; esac
CLI=${TIMEDB_CLI:-$(dirname "$0")/../TimeDb.Cli/bin/Debug/net10.0/timedb.dll}
[ -f "$CLI" ] || die "TimeDB CLI not found at $CLI: build it (dotnet build TimeDb.Cli) or set TIMEDB_CLI"
command -v psql >/dev/null || die "psql not found"
command -v dotnet >/dev/null || die "dotnet not found"

# The same URI with another database name (query parameters such as sslmode are kept).
with_db() {
  local dsn=$1 db=$2 query="" base rest
  case "$dsn" in *\?*) query="?${dsn#*\?}"; base=${dsn%%\?*} ;; *) base=$dsn ;; esac
  rest=${base#*://}
  case "$rest" in */*) base=${base%/*} ;; esac
  printf '%s/%s%s' "$base" "$db" "$query"
}

DB="timedb_partcheck_$$"
DSN=$(with_db "$ADMIN_DSN" "$DB")
PSQL=(psql -X -q -v ON_ERROR_STOP=1 --no-psqlrc)
sql() { "${PSQL[@]}" -d "$DSN" "$@"; }         # statements, output as psql prints it
val() { "${PSQL[@]}" -d "$DSN" -At -c "$1"; }   # one value
fail=0
check() { # check NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected '$2', got '$3'"; fail=1; fi
}

cleanup() { "${PSQL[@]}" -d "$ADMIN_DSN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true; }
trap cleanup EXIT

echo "== scratch database $DB, PostgreSQL $("${PSQL[@]}" -d "$ADMIN_DSN" -At -c 'SHOW server_version')"
"${PSQL[@]}" -d "$ADMIN_DSN" -c "CREATE DATABASE $DB"
dotnet "$CLI" create tables --with-users -y --dsn "$DSN" >/dev/null
echo "schema created by: timedb create tables --with-users -y"

A=11111111-1111-1111-1111-111111111111
B=22222222-2222-2222-2222-222222222222

echo "== 1. data: 2 tenants x 4 runs x 3 series, hourly points 2025-01-01..2025-03-31, daily intervals, 200 corrections"
sql <<SQL
INSERT INTO series (series_id, tenant_id, series_key, series_unit)
SELECT gen_random_uuid(), t, 'series-' || s, 'MW'
FROM unnest(ARRAY['$A', '$B']::uuid[]) t, generate_series(1, 3) s;

INSERT INTO runs (run_id, tenant_id, workflow_id, run_start_time, known_time)
SELECT gen_random_uuid(), t, 'partition-check', k, k
FROM unnest(ARRAY['$A', '$B']::uuid[]) t,
     generate_series(timestamptz '2024-12-20 00:00+00', timestamptz '2024-12-23 00:00+00', interval '1 day') k;

-- point values
INSERT INTO "values" (run_id, tenant_id, series_id, valid_time, value, known_time)
SELECT r.run_id, r.tenant_id, s.series_id, vt, round((random() * 100)::numeric, 3), r.known_time
FROM runs r JOIN series s USING (tenant_id)
CROSS JOIN generate_series(timestamptz '2025-01-01 00:00+00', timestamptz '2025-03-31 23:00+00', interval '1 hour') vt;

-- interval values [day, day + 1) on series-1
INSERT INTO "values" (run_id, tenant_id, series_id, valid_time, valid_time_end, value, known_time)
SELECT r.run_id, r.tenant_id, s.series_id, d, d + interval '1 day', 1.5, r.known_time
FROM runs r JOIN series s ON s.tenant_id = r.tenant_id AND s.series_key = 'series-1'
CROSS JOIN generate_series(timestamptz '2025-01-01 00:00+00', timestamptz '2025-03-31 00:00+00', interval '1 day') d;

-- versioned corrections, the shape of ValueUpdater's RetireAndInsert
WITH picked AS (
    SELECT value_id FROM "values" WHERE tenant_id = '$A' AND is_current AND valid_time_end IS NULL
    ORDER BY valid_time, value_id LIMIT 200
), retired AS (
    UPDATE "values" v SET is_current = false FROM picked p WHERE v.value_id = p.value_id AND v.is_current
    RETURNING v.run_id, v.tenant_id, v.series_id, v.valid_time, v.valid_time_end, v.value, v.known_time
)
INSERT INTO "values" (run_id, tenant_id, series_id, valid_time, valid_time_end, value, annotation, tags, known_time, changed_by, change_time, is_current)
SELECT run_id, tenant_id, series_id, valid_time, valid_time_end, value + 1, 'corrected', ARRAY['check'], known_time, 'check@example.invalid', now(), true
FROM retired;
ANALYZE;
SQL

# The API's flat read (ValueQuerySql.Flat + FlatOrder) with literal filters.
flat_read() { # flat_read EXTRA_FILTERS
  cat <<SQL
SELECT valid_time, valid_time_end, series_id, series_key, series_unit, value, run_id, known_time, annotation, tags, value_id, is_current, changed_by, change_time FROM (
    SELECT DISTINCT ON (v.tenant_id, v.series_id, v.valid_time, v.valid_time_end)
           v.tenant_id, v.valid_time, v.valid_time_end, v.series_id, s.series_key, s.series_unit, v.value, v.run_id,
           v.known_time, v.annotation, v.tags, v.value_id, v.is_current, v.changed_by, v.change_time
    FROM "values" v
    JOIN runs r ON r.tenant_id = v.tenant_id AND r.run_id = v.run_id
    JOIN series s ON s.tenant_id = v.tenant_id AND s.series_id = v.series_id
    WHERE v.is_current $1
    ORDER BY v.tenant_id, v.series_id, v.valid_time, v.valid_time_end, v.known_time DESC, r.inserted_at DESC, v.run_id DESC
) latest ORDER BY valid_time, series_key, valid_time_end NULLS FIRST, tenant_id
SQL
}
SERIES_A2=$(val "SELECT series_id FROM series WHERE tenant_id = '$A' AND series_key = 'series-2'")
ONE_TENANT="AND v.tenant_id = '$A' AND v.series_id = '$SERIES_A2' AND v.valid_time >= '2025-02-10 00:00+00' AND v.valid_time < '2025-02-11 00:00+00'"
ALL_TENANTS="AND v.valid_time >= '2025-01-31 12:00+00' AND v.valid_time < '2025-02-01 12:00+00'"
CORRECTED="AND v.tenant_id = '$A' AND v.valid_time < '2025-01-05 00:00+00'"
OVERLAPPING="SELECT v.valid_time, v.valid_time_end, v.series_id, s.series_key, v.value, v.run_id, v.known_time, v.value_id, v.is_current
  FROM \"values\" v JOIN series s ON s.tenant_id = v.tenant_id AND s.series_id = v.series_id
  WHERE TRUE AND v.tenant_id = '$A' AND v.valid_time < '2025-01-03 00:00+00'
  ORDER BY v.known_time, v.valid_time, s.series_key, v.valid_time_end NULLS FIRST, v.run_id, v.value_id"
digest() { val "SELECT count(*) || ' rows, md5 ' || left(md5(coalesce(string_agg(q::text, '|'), '')), 12) FROM ($1) q"; }

snapshot() {
  echo "rows: $(val 'SELECT count(*) FROM "values"')," \
       "current: $(val 'SELECT count(*) FROM "values" WHERE is_current')," \
       "retired: $(val 'SELECT count(*) FROM "values" WHERE NOT is_current')"
  echo "table digest (every column of every row, by value_id): $(digest 'SELECT * FROM "values" ORDER BY value_id')"
  echo "flat read, 1 tenant, 1 series, 1 day:                  $(digest "$(flat_read "$ONE_TENANT")")"
  echo "flat read, every tenant (single-user mode), 1 day:     $(digest "$(flat_read "$ALL_TENANTS")")"
  echo "flat read over the corrected records:                  $(digest "$(flat_read "$CORRECTED")")"
  echo "overlapping read, all versions:                        $(digest "$OVERLAPPING")"
}
BEFORE=$(snapshot)
echo "$BEFORE"

echo "== 2. convert values to a table partitioned by range of valid_time (one partition per month)"
start=$(date +%s%N)
sql <<'SQL'
BEGIN;
LOCK TABLE "values" IN ACCESS EXCLUSIVE MODE;

-- Same columns, defaults and checks as the EF Core migration creates them.
CREATE TABLE values_partitioned (
    value_id       bigint GENERATED ALWAYS AS IDENTITY,
    run_id         uuid NOT NULL,
    tenant_id      uuid NOT NULL,
    series_id      uuid NOT NULL,
    valid_time     timestamptz NOT NULL,
    valid_time_end timestamptz,
    value          double precision,
    annotation     text,
    tags           text[],
    known_time     timestamptz NOT NULL,
    changed_by     text,
    change_time    timestamptz NOT NULL DEFAULT now(),
    is_current     boolean NOT NULL DEFAULT true,
    CONSTRAINT ck_values_annotation_not_blank CHECK (annotation IS NULL OR btrim(annotation) <> ''),
    CONSTRAINT ck_values_tags_not_empty CHECK (tags IS NULL OR cardinality(tags) > 0),
    CONSTRAINT ck_values_valid_time_end_after_valid_time CHECK (valid_time_end IS NULL OR valid_time_end > valid_time)
) PARTITION BY RANGE (valid_time);

-- Guard: the new table must have exactly the old one's columns (a later migration that adds a column fails here).
DO $$
DECLARE diff int;
BEGIN
    SELECT count(*) INTO diff FROM (
        (SELECT column_name, data_type, is_nullable, column_default, is_identity, identity_generation
           FROM information_schema.columns WHERE table_name = 'values'
         EXCEPT
         SELECT column_name, data_type, is_nullable, column_default, is_identity, identity_generation
           FROM information_schema.columns WHERE table_name = 'values_partitioned')
        UNION ALL
        (SELECT column_name, data_type, is_nullable, column_default, is_identity, identity_generation
           FROM information_schema.columns WHERE table_name = 'values_partitioned'
         EXCEPT
         SELECT column_name, data_type, is_nullable, column_default, is_identity, identity_generation
           FROM information_schema.columns WHERE table_name = 'values')) d;
    IF diff <> 0 THEN RAISE EXCEPTION 'values_partitioned does not have the columns of values (% differences)', diff; END IF;
END $$;

-- One partition per month that holds data, the next month ahead, and a default partition for anything else.
DO $$
DECLARE m timestamp;   -- months in UTC, whatever the session's TimeZone
BEGIN
    FOR m IN
        SELECT generate_series(date_trunc('month', min(valid_time) AT TIME ZONE 'UTC'),
                               date_trunc('month', max(valid_time) AT TIME ZONE 'UTC') + interval '1 month',
                               interval '1 month')
        FROM "values"
    LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF values_partitioned FOR VALUES FROM (%L) TO (%L)',
                       'values_' || to_char(m, 'YYYY_MM'),
                       to_char(m, 'YYYY-MM-DD "00:00+00"'),
                       to_char(m + interval '1 month', 'YYYY-MM-DD "00:00+00"'));
    END LOOP;
END $$;
CREATE TABLE values_default PARTITION OF values_partitioned DEFAULT;

INSERT INTO values_partitioned (value_id, run_id, tenant_id, series_id, valid_time, valid_time_end, value, annotation, tags,
                                known_time, changed_by, change_time, is_current)
OVERRIDING SYSTEM VALUE
SELECT value_id, run_id, tenant_id, series_id, valid_time, valid_time_end, value, annotation, tags,
       known_time, changed_by, change_time, is_current
FROM "values";

DROP TABLE "values";                     -- its indexes, foreign keys and identity sequence go with it
ALTER TABLE values_partitioned RENAME TO "values";
ALTER SEQUENCE values_partitioned_value_id_seq RENAME TO values_value_id_seq;
DO $$ BEGIN PERFORM setval('values_value_id_seq', coalesce((SELECT max(value_id) FROM "values"), 0) + 1, false); END $$;

-- Keys and indexes: a unique index of a partitioned table must contain the partition key.
ALTER TABLE "values" ADD CONSTRAINT pk_values PRIMARY KEY (value_id, valid_time);
CREATE UNIQUE INDEX ix_values_one_current_version ON "values" (tenant_id, run_id, series_id, valid_time, valid_time_end)
    NULLS NOT DISTINCT WHERE is_current;
CREATE INDEX ix_values_current_by_series_valid_time ON "values" (tenant_id, series_id, valid_time, known_time DESC) WHERE is_current;
CREATE INDEX ix_values_run_series_valid_time ON "values" (tenant_id, run_id, series_id, valid_time);
ALTER TABLE "values" ADD CONSTRAINT fk_values_runs FOREIGN KEY (tenant_id, run_id)
    REFERENCES runs (tenant_id, run_id) ON DELETE CASCADE;
ALTER TABLE "values" ADD CONSTRAINT fk_values_series FOREIGN KEY (tenant_id, series_id)
    REFERENCES series (tenant_id, series_id) ON DELETE RESTRICT;
COMMIT;
ANALYZE "values";
SQL
end=$(date +%s%N)
echo "converted in $(( (end - start) / 1000000 )) ms"
partitions() {
  sql -c "SELECT p.relid::regclass AS partition, pg_get_expr(c.relpartbound, c.oid) AS bounds, coalesce(n.rows, 0) AS rows
          FROM pg_partition_tree('\"values\"') p JOIN pg_class c ON c.oid = p.relid
          LEFT JOIN (SELECT tableoid, count(*) AS rows FROM \"values\" GROUP BY 1) n ON n.tableoid = p.relid
          WHERE p.isleaf ORDER BY p.relid::regclass::text"
}
partitions

echo "== 3. nothing lost, same answers"
AFTER=$(snapshot)
echo "$AFTER"
check "row counts, table digest and read digests identical before and after" "$BEFORE" "$AFTER"

echo "== 4. the API's statements on the partitioned table"
# The partitions (not their indexes) that the plan of a statement touches.
plan_partitions() {
  val "EXPLAIN (COSTS OFF) $1" | grep -oE 'on values_([0-9]{4}_[0-9]{2}|default)( |$)' | sed 's/^on //; s/ $//' | sort -u | paste -sd' ' -
}
p=$(plan_partitions "$(flat_read "$ONE_TENANT")")
echo "flat read of one day in February scans: $p"
check "flat read prunes to one partition" "values_2025_02" "$p"
p=$(plan_partitions "$(flat_read "$ALL_TENANTS")")
echo "flat read of every tenant from 2025-01-31 12:00 to 2025-02-01 12:00 scans: $p"
check "flat read across a month boundary scans the two months" "values_2025_01 values_2025_02" "$p"
p=$(plan_partitions "UPDATE \"values\" SET is_current = false WHERE value_id = 1 AND tenant_id = '$A' AND is_current")
echo "ValueUpdater's retire (WHERE value_id AND tenant_id) scans: $p"
p=$(plan_partitions "UPDATE \"values\" SET is_current = false WHERE value_id = 1 AND tenant_id = '$A' AND valid_time = '2025-01-01 00:00+00' AND is_current")
check "retire with valid_time added prunes to one partition" "values_2025_01" "$p"

# COPY into the parent, as RunIngestion does (CSV here, binary there): rows are routed by valid_time.
RUN_A=$(val "SELECT run_id FROM runs WHERE tenant_id = '$A' ORDER BY known_time LIMIT 1")
printf '%s\n' \
  "$RUN_A,$A,$SERIES_A2,2025-04-15 00:00+00,,42,2024-12-20 00:00+00,,2025-01-01 00:00+00,t" \
  "$RUN_A,$A,$SERIES_A2,2026-07-01 00:00+00,,43,2024-12-20 00:00+00,,2025-01-01 00:00+00,t" |
  sql -c 'COPY "values" (run_id, tenant_id, series_id, valid_time, valid_time_end, value, known_time, changed_by, change_time, is_current) FROM STDIN (FORMAT csv)'
check "COPY routes 2025-04-15 to the partition created ahead" "values_2025_04" \
  "$(val "SELECT tableoid::regclass FROM \"values\" WHERE valid_time = '2025-04-15 00:00+00'")"
check "COPY routes 2026-07-01 (no partition yet) to the default partition" "values_default" \
  "$(val "SELECT tableoid::regclass FROM \"values\" WHERE valid_time = '2026-07-01 00:00+00'")"
check "new value_ids continue after the moved ones" "t" \
  "$(val "SELECT min(value_id) > (SELECT max(value_id) FROM \"values\" WHERE valid_time < '2025-04-01') FROM \"values\" WHERE valid_time >= '2025-04-01'")"

expect_error() { # expect_error NAME SQLSTATE STATEMENT
  local got
  got=$(val "DO \$\$ BEGIN $3; RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'no error'; EXCEPTION WHEN OTHERS THEN RAISE NOTICE '%', SQLSTATE; END \$\$" 2>&1 | sed -n 's/.*NOTICE: *//p')
  check "$1" "$2" "$got"
}
expect_error "a second current version of a point value is refused (unique, NULLS NOT DISTINCT)" 23505 \
  "INSERT INTO \"values\" (run_id, tenant_id, series_id, valid_time, value, known_time) SELECT run_id, tenant_id, series_id, valid_time, 0, known_time FROM \"values\" WHERE is_current AND valid_time_end IS NULL AND valid_time = '2025-02-10 00:00+00' LIMIT 1"
expect_error "a value linking tenant B to tenant A's run is refused (composite foreign key)" 23503 \
  "INSERT INTO \"values\" (run_id, tenant_id, series_id, valid_time, value, known_time) SELECT '$RUN_A', '$B', series_id, '2025-02-10 00:00+00', 0, now() FROM series WHERE tenant_id = '$B' LIMIT 1"

# A versioned correction through the parent (the statement ValueUpdater runs), with valid_time added.
VID=$(val "SELECT value_id FROM \"values\" WHERE tenant_id = '$A' AND series_id = '$SERIES_A2' AND is_current AND valid_time = '2025-03-03 03:00+00' ORDER BY known_time DESC LIMIT 1")
sql -c "WITH retired AS (
          UPDATE \"values\" SET is_current = false
          WHERE value_id = $VID AND tenant_id = '$A' AND valid_time = '2025-03-03 03:00+00' AND is_current
          RETURNING run_id, tenant_id, series_id, valid_time, valid_time_end, known_time)
        INSERT INTO \"values\" (run_id, tenant_id, series_id, valid_time, valid_time_end, value, annotation, tags, known_time, changed_by, change_time, is_current)
        SELECT run_id, tenant_id, series_id, valid_time, valid_time_end, 7, 'fixed', NULL, known_time, 'check@example.invalid', now(), true FROM retired" >/dev/null
check "versioned correction: the flat read returns the new version" "7|fixed" \
  "$(val "SELECT value || '|' || annotation FROM ($(flat_read "AND v.tenant_id = '$A' AND v.series_id = '$SERIES_A2' AND v.valid_time = '2025-03-03 03:00+00'")) q")"

echo "== 5. a month that reached the default partition gets its own partition"
expect_error "a plain CREATE of the 2026-07 partition is refused while the default partition holds a 2026-07 row" 23514 \
  "CREATE TABLE values_2026_07 PARTITION OF \"values\" FOR VALUES FROM ('2026-07-01 00:00+00') TO ('2026-08-01 00:00+00')"
sql <<'SQL'
BEGIN;
ALTER TABLE "values" DETACH PARTITION values_default;
CREATE TABLE values_2026_07 PARTITION OF "values" FOR VALUES FROM ('2026-07-01 00:00+00') TO ('2026-08-01 00:00+00');
INSERT INTO "values" OVERRIDING SYSTEM VALUE
    SELECT * FROM values_default WHERE valid_time >= '2026-07-01 00:00+00' AND valid_time < '2026-08-01 00:00+00';
DELETE FROM values_default WHERE valid_time >= '2026-07-01 00:00+00' AND valid_time < '2026-08-01 00:00+00';
ALTER TABLE "values" ATTACH PARTITION values_default DEFAULT;
COMMIT;
SQL
check "the 2026-07 row moved out of the default partition" "values_2026_07|0" \
  "$(val "SELECT (SELECT tableoid::regclass FROM \"values\" WHERE valid_time = '2026-07-01 00:00+00') || '|' || (SELECT count(*) FROM values_default)")"

echo "== 6. retention: DETACH and DROP the oldest month"
total_before=$(val 'SELECT count(*) FROM "values"')
in_partition=$(val 'SELECT count(*) FROM values_2025_01')
others_before=$(val "SELECT string_agg(tableoid::regclass || '=' || n, ' ' ORDER BY tableoid::regclass::text) FROM (SELECT tableoid, count(*) n FROM \"values\" GROUP BY 1) c WHERE tableoid::regclass::text <> 'values_2025_01'")
msg=$(sql -c 'ALTER TABLE "values" DETACH PARTITION values_2025_01 CONCURRENTLY' 2>&1 || true)
check "DETACH ... CONCURRENTLY is refused while a default partition exists" \
  "ERROR:  cannot detach partitions concurrently when a default partition exists" "$(echo "$msg" | grep -m1 ERROR || true)"
sql <<'SQL'
SET lock_timeout = '5s';
ALTER TABLE "values" DETACH PARTITION values_2025_01;
DROP TABLE values_2025_01;
SQL
total_after=$(val 'SELECT count(*) FROM "values"')
others_after=$(val "SELECT string_agg(tableoid::regclass || '=' || n, ' ' ORDER BY tableoid::regclass::text) FROM (SELECT tableoid, count(*) n FROM \"values\" GROUP BY 1) c")
echo "rows before: $total_before, in values_2025_01: $in_partition, after: $total_after"
check "dropping values_2025_01 removed exactly its rows" "$((total_before - in_partition))" "$total_after"
check "no value of January 2025 is left" "0" "$(val "SELECT count(*) FROM \"values\" WHERE valid_time < '2025-02-01 00:00+00'")"
check "the other partitions kept every row" "$others_before" "$others_after"
partitions

echo "== 7. the key changes Citus needs, applied on plain PostgreSQL (no Citus here)"
sql <<'SQL'
BEGIN;
ALTER TABLE "values" DROP CONSTRAINT fk_values_runs, DROP CONSTRAINT fk_values_series;
ALTER TABLE runs DROP CONSTRAINT pk_runs, DROP CONSTRAINT ak_runs_tenant_id_run_id,
                 ADD CONSTRAINT pk_runs PRIMARY KEY (tenant_id, run_id);
ALTER TABLE series DROP CONSTRAINT pk_series, DROP CONSTRAINT ak_series_tenant_id_series_id,
                   ADD CONSTRAINT pk_series PRIMARY KEY (tenant_id, series_id);
ALTER TABLE "values" DROP CONSTRAINT pk_values, ADD CONSTRAINT pk_values PRIMARY KEY (tenant_id, value_id, valid_time);
ALTER TABLE "values" ADD CONSTRAINT fk_values_runs FOREIGN KEY (tenant_id, run_id)
                         REFERENCES runs (tenant_id, run_id) ON DELETE CASCADE,
                     ADD CONSTRAINT fk_values_series FOREIGN KEY (tenant_id, series_id)
                         REFERENCES series (tenant_id, series_id) ON DELETE RESTRICT;
COMMIT;
SQL
# Every unique index (primary keys included) of a table to be distributed by tenant_id must contain tenant_id.
missing=$(val "SELECT coalesce(string_agg(i.indexrelid::regclass::text, ', '), '') FROM pg_index i
               JOIN pg_class t ON t.oid = i.indrelid
               WHERE i.indisunique AND t.relname IN ('runs', 'series', 'values', 'idempotency_keys', 'rate_limit_windows')
                 AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attname = 'tenant_id' AND a.attnum = ANY (i.indkey))")
check "every unique index of runs, series, values, idempotency_keys, rate_limit_windows contains tenant_id" "" "$missing"
check "foreign keys between those tables all contain tenant_id" "0" \
  "$(val "SELECT count(*) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
          WHERE c.contype = 'f' AND t.relname IN ('runs', 'series', 'values', 'idempotency_keys', 'rate_limit_windows')
            AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attname = 'tenant_id' AND a.attnum = ANY (c.conkey))")"
check "the flat read gives the same answer on the new keys" "$(digest "$(flat_read "$ONE_TENANT")")" \
  "$(echo "$BEFORE" | sed -n 's/^flat read, 1 tenant, 1 series, 1 day: *//p')"

echo "== done: scratch database dropped"
[ "$fail" = 0 ] || { echo "SOME CHECKS FAILED"; exit 1; }
echo "all checks passed"
