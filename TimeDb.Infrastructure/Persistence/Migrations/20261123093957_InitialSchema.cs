using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace TimeDb.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class InitialSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "runs",
                columns: table => new
                {
                    run_id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    workflow_id = table.Column<string>(type: "text", nullable: false, defaultValue: "api-workflow"),
                    run_start_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    run_finish_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    known_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    run_params = table.Column<string>(type: "jsonb", nullable: true),
                    inserted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "clock_timestamp()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_runs", x => x.run_id);
                    table.UniqueConstraint("ak_runs_tenant_id_run_id", x => new { x.tenant_id, x.run_id });
                    table.CheckConstraint("ck_runs_run_params_object", "run_params IS NULL OR jsonb_typeof(run_params) = 'object'");
                });

            migrationBuilder.CreateTable(
                name: "series",
                columns: table => new
                {
                    series_id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    series_key = table.Column<string>(type: "text", nullable: false),
                    description = table.Column<string>(type: "text", nullable: true),
                    series_unit = table.Column<string>(type: "text", nullable: false, defaultValue: "dimensionless"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_series", x => x.series_id);
                    table.UniqueConstraint("ak_series_tenant_id_series_id", x => new { x.tenant_id, x.series_id });
                    table.CheckConstraint("ck_series_series_key_not_blank", "btrim(series_key) <> ''");
                    table.CheckConstraint("ck_series_series_unit_not_blank", "btrim(series_unit) <> ''");
                });

            migrationBuilder.CreateTable(
                name: "timedb_settings",
                columns: table => new
                {
                    name = table.Column<string>(type: "text", nullable: false),
                    value = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_timedb_settings", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    email = table.Column<string>(type: "text", nullable: false),
                    is_active = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    tier = table.Column<string>(type: "text", nullable: false, defaultValue: "basic"),
                    is_admin = table.Column<bool>(type: "boolean", nullable: false, defaultValue: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_users", x => x.user_id);
                    table.UniqueConstraint("ak_users_tenant_id_user_id", x => new { x.tenant_id, x.user_id });
                    table.CheckConstraint("ck_users_email_not_blank", "btrim(email) <> ''");
                    table.CheckConstraint("ck_users_tier", "tier IN ('free', 'basic', 'pro', 'enterprise', 'unlimited')");
                });

            migrationBuilder.CreateTable(
                name: "values",
                columns: table => new
                {
                    value_id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    series_id = table.Column<Guid>(type: "uuid", nullable: false),
                    valid_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    valid_time_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    value = table.Column<double>(type: "double precision", nullable: true),
                    annotation = table.Column<string>(type: "text", nullable: true),
                    tags = table.Column<string[]>(type: "text[]", nullable: true),
                    known_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    changed_by = table.Column<string>(type: "text", nullable: true),
                    change_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    is_current = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_values", x => x.value_id);
                    table.CheckConstraint("ck_values_annotation_not_blank", "annotation IS NULL OR btrim(annotation) <> ''");
                    table.CheckConstraint("ck_values_tags_not_empty", "tags IS NULL OR cardinality(tags) > 0");
                    table.CheckConstraint("ck_values_valid_time_end_after_valid_time", "valid_time_end IS NULL OR valid_time_end > valid_time");
                    table.ForeignKey(
                        name: "fk_values_runs",
                        columns: x => new { x.tenant_id, x.run_id },
                        principalTable: "runs",
                        principalColumns: new[] { "tenant_id", "run_id" },
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_values_series",
                        columns: x => new { x.tenant_id, x.series_id },
                        principalTable: "series",
                        principalColumns: new[] { "tenant_id", "series_id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "api_keys",
                columns: table => new
                {
                    key_id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    key_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    prefix = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    last_used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_keys", x => x.key_id);
                    table.CheckConstraint("ck_api_keys_key_hash_sha256", "octet_length(key_hash) = 32");
                    table.CheckConstraint("ck_api_keys_name_not_blank", "btrim(name) <> ''");
                    table.ForeignKey(
                        name: "fk_api_keys_users",
                        columns: x => new { x.tenant_id, x.user_id },
                        principalTable: "users",
                        principalColumns: new[] { "tenant_id", "user_id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "timedb_settings",
                columns: new[] { "name", "value" },
                values: new object[] { "authentication", "on" });

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_key_hash",
                table: "api_keys",
                column: "key_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_tenant_id_user_id",
                table: "api_keys",
                columns: new[] { "tenant_id", "user_id" });

            migrationBuilder.CreateIndex(
                name: "ix_runs_tenant_id_run_start_time",
                table: "runs",
                columns: new[] { "tenant_id", "run_start_time" });

            migrationBuilder.CreateIndex(
                name: "ix_runs_tenant_id_workflow_id_run_start_time",
                table: "runs",
                columns: new[] { "tenant_id", "workflow_id", "run_start_time" });

            migrationBuilder.CreateIndex(
                name: "ix_series_tenant_id_series_key",
                table: "series",
                columns: new[] { "tenant_id", "series_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_users_email",
                table: "users",
                column: "email");

            migrationBuilder.CreateIndex(
                name: "ix_users_tenant_id_email",
                table: "users",
                columns: new[] { "tenant_id", "email" },
                unique: true);

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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "api_keys");

            migrationBuilder.DropTable(
                name: "timedb_settings");

            migrationBuilder.DropTable(
                name: "values");

            migrationBuilder.DropTable(
                name: "users");

            migrationBuilder.DropTable(
                name: "runs");

            migrationBuilder.DropTable(
                name: "series");
        }
    }
}
