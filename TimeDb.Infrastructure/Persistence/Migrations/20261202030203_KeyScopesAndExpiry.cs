using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TimeDb.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class KeyScopesAndExpiry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "expires_at",
                table: "api_keys",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<List<string>>(
                name: "scopes",
                table: "api_keys",
                type: "text[]",
                nullable: false,
                defaultValueSql: "ARRAY['read', 'write', 'keys']::text[]");

            migrationBuilder.AddCheckConstraint(
                name: "ck_api_keys_scopes_known",
                table: "api_keys",
                sql: "cardinality(scopes) > 0 AND scopes <@ ARRAY['read', 'write', 'keys']::text[]");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_api_keys_scopes_known",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "expires_at",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "scopes",
                table: "api_keys");
        }
    }
}
