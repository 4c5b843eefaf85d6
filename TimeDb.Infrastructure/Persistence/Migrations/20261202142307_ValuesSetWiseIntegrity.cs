using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace TimeDb.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    /// <summary>
    /// The two composite foreign keys of values become set-wise triggers with the same guarantees (a value's tenant is its
    /// run's and its series' tenant; deleting a run deletes its values; a series with values cannot be deleted), and the
    /// indexes of values are reshaped for the reads that stream (ADR-022).
    /// </summary>
    public partial class ValuesSetWiseIntegrity : Migration
    {
        // One query per statement, not per row: the rows a statement inserted (a COPY's too) are its transition table.
        // The parents are locked FOR KEY SHARE, as a foreign key does, so a concurrent delete waits or the check fails.
        private const string CreateTriggers = """
            CREATE FUNCTION timedb_values_check_parents() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                missing record;
            BEGIN
                SELECT n.tenant_id, n.run_id INTO missing
                FROM (SELECT DISTINCT tenant_id, run_id FROM inserted) n
                LEFT JOIN LATERAL (SELECT 1 AS found FROM runs r WHERE r.tenant_id = n.tenant_id AND r.run_id = n.run_id FOR KEY SHARE) r ON true
                WHERE r.found IS NULL
                LIMIT 1;
                IF FOUND THEN
                    RAISE foreign_key_violation USING CONSTRAINT = 'fk_values_runs', TABLE = 'values',
                        MESSAGE = format('tenant %s has no run %s', missing.tenant_id, missing.run_id);
                END IF;
                SELECT n.tenant_id, n.series_id INTO missing
                FROM (SELECT DISTINCT tenant_id, series_id FROM inserted) n
                LEFT JOIN LATERAL (SELECT 1 AS found FROM series s WHERE s.tenant_id = n.tenant_id AND s.series_id = n.series_id FOR KEY SHARE) s ON true
                WHERE s.found IS NULL
                LIMIT 1;
                IF FOUND THEN
                    RAISE foreign_key_violation USING CONSTRAINT = 'fk_values_series', TABLE = 'values',
                        MESSAGE = format('tenant %s has no series %s', missing.tenant_id, missing.series_id);
                END IF;
                RETURN NULL;
            END $$;

            CREATE TRIGGER tr_values_check_parents AFTER INSERT ON "values"
                REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION timedb_values_check_parents();

            CREATE FUNCTION timedb_refuse_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE restrict_violation USING CONSTRAINT = 'ck_' || TG_TABLE_NAME || '_keys_unchanged', TABLE = TG_TABLE_NAME,
                    MESSAGE = format('the tenant and ids of a row of %s never change', TG_TABLE_NAME);
            END $$;

            CREATE TRIGGER tr_values_keys_unchanged BEFORE UPDATE OF tenant_id, run_id, series_id ON "values" FOR EACH ROW
                WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.run_id IS DISTINCT FROM NEW.run_id OR OLD.series_id IS DISTINCT FROM NEW.series_id)
                EXECUTE FUNCTION timedb_refuse_key_change();
            CREATE TRIGGER tr_runs_keys_unchanged BEFORE UPDATE OF tenant_id, run_id ON runs FOR EACH ROW
                WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.run_id IS DISTINCT FROM NEW.run_id)
                EXECUTE FUNCTION timedb_refuse_key_change();
            CREATE TRIGGER tr_series_keys_unchanged BEFORE UPDATE OF tenant_id, series_id ON series FOR EACH ROW
                WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.series_id IS DISTINCT FROM NEW.series_id)
                EXECUTE FUNCTION timedb_refuse_key_change();

            CREATE FUNCTION timedb_runs_delete_values() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM "values" v USING deleted d WHERE v.tenant_id = d.tenant_id AND v.run_id = d.run_id;
                RETURN NULL;
            END $$;

            CREATE TRIGGER tr_runs_delete_values AFTER DELETE ON runs
                REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION timedb_runs_delete_values();

            CREATE FUNCTION timedb_series_restrict_delete() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                kept record;
            BEGIN
                SELECT d.tenant_id, d.series_id INTO kept FROM deleted d
                WHERE EXISTS (SELECT 1 FROM "values" v WHERE v.tenant_id = d.tenant_id AND v.series_id = d.series_id)
                LIMIT 1;
                IF FOUND THEN
                    RAISE foreign_key_violation USING CONSTRAINT = 'fk_values_series', TABLE = 'series',
                        MESSAGE = format('series %s of tenant %s still has values', kept.series_id, kept.tenant_id);
                END IF;
                RETURN NULL;
            END $$;

            CREATE TRIGGER tr_series_restrict_delete AFTER DELETE ON series
                REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION timedb_series_restrict_delete();
            """;

        private const string DropTriggers = """
            DROP TRIGGER tr_values_check_parents ON "values";
            DROP TRIGGER tr_values_keys_unchanged ON "values";
            DROP TRIGGER tr_runs_keys_unchanged ON runs;
            DROP TRIGGER tr_series_keys_unchanged ON series;
            DROP TRIGGER tr_runs_delete_values ON runs;
            DROP TRIGGER tr_series_restrict_delete ON series;
            DROP FUNCTION timedb_values_check_parents();
            DROP FUNCTION timedb_refuse_key_change();
            DROP FUNCTION timedb_runs_delete_values();
            DROP FUNCTION timedb_series_restrict_delete();
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_values_runs",
                table: "values");

            migrationBuilder.DropForeignKey(
                name: "fk_values_series",
                table: "values");

            migrationBuilder.DropIndex(
                name: "ix_values_current_by_series_valid_time",
                table: "values");

            migrationBuilder.DropIndex(
                name: "ix_values_one_current_version",
                table: "values");

            migrationBuilder.DropIndex(
                name: "ix_values_run_series_valid_time",
                table: "values");

            migrationBuilder.CreateIndex(
                name: "ix_values_current_by_valid_time",
                table: "values",
                columns: new[] { "tenant_id", "valid_time", "series_id", "valid_time_end", "known_time", "run_id" },
                descending: new[] { false, false, false, false, true, true },
                filter: "is_current")
                .Annotation("Npgsql:IndexNullSortOrder", new[] { NullSortOrder.Unspecified, NullSortOrder.Unspecified, NullSortOrder.Unspecified, NullSortOrder.NullsFirst, NullSortOrder.Unspecified, NullSortOrder.Unspecified });

            migrationBuilder.CreateIndex(
                name: "ix_values_history_by_series_valid_time",
                table: "values",
                columns: new[] { "tenant_id", "series_id", "valid_time" },
                filter: "NOT is_current");

            migrationBuilder.CreateIndex(
                name: "ix_values_one_current_version",
                table: "values",
                columns: new[] { "tenant_id", "series_id", "valid_time", "valid_time_end", "run_id" },
                unique: true,
                filter: "is_current")
                .Annotation("Npgsql:IndexNullSortOrder", new[] { NullSortOrder.Unspecified, NullSortOrder.Unspecified, NullSortOrder.Unspecified, NullSortOrder.NullsFirst, NullSortOrder.Unspecified })
                .Annotation("Npgsql:NullsDistinct", false);

            migrationBuilder.Sql(CreateTriggers);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(DropTriggers);

            migrationBuilder.DropIndex(
                name: "ix_values_current_by_valid_time",
                table: "values");

            migrationBuilder.DropIndex(
                name: "ix_values_history_by_series_valid_time",
                table: "values");

            migrationBuilder.DropIndex(
                name: "ix_values_one_current_version",
                table: "values");

            migrationBuilder.CreateIndex(
                name: "ix_values_current_by_series_valid_time",
                table: "values",
                columns: new[] { "tenant_id", "series_id", "valid_time", "known_time" },
                descending: new[] { false, false, false, true },
                filter: "is_current");

            migrationBuilder.CreateIndex(
                name: "ix_values_one_current_version",
                table: "values",
                columns: new[] { "tenant_id", "run_id", "series_id", "valid_time", "valid_time_end" },
                unique: true,
                filter: "is_current")
                .Annotation("Npgsql:NullsDistinct", false);

            migrationBuilder.CreateIndex(
                name: "ix_values_run_series_valid_time",
                table: "values",
                columns: new[] { "tenant_id", "run_id", "series_id", "valid_time" });

            migrationBuilder.AddForeignKey(
                name: "fk_values_runs",
                table: "values",
                columns: new[] { "tenant_id", "run_id" },
                principalTable: "runs",
                principalColumns: new[] { "tenant_id", "run_id" },
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_values_series",
                table: "values",
                columns: new[] { "tenant_id", "series_id" },
                principalTable: "series",
                principalColumns: new[] { "tenant_id", "series_id" },
                onDelete: ReferentialAction.Restrict);
        }
    }
}
