using Microsoft.EntityFrameworkCore;
using TimeDb.Domain.Tenancy;
using TimeDb.Infrastructure.Persistence;
using TimeDb.Infrastructure.Tenancy;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Schema;

public sealed class MigrationsTests
{
    // Columns, constraints, indexes, triggers and functions: what "the same database" means.
    private const string SchemaShape = """
        SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '')
          FROM information_schema.columns WHERE table_schema = 'public'
        UNION ALL
        SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
          FROM pg_constraint WHERE connamespace = 'public'::regnamespace
        UNION ALL
        SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
        UNION ALL
        SELECT 'trigger ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal
        UNION ALL
        SELECT 'function ' || pg_get_functiondef(oid) FROM pg_proc WHERE pronamespace = 'public'::regnamespace
        ORDER BY 1
        """;

    private static TimeDbContext Context(string connectionString) =>
        new(new DbContextOptionsBuilder<TimeDbContext>().UseNpgsql(connectionString).Options, TenantContext.For(TenantScope.All));

    [Test]
    public void Model_HasNoChangesMissingFromTheMigrations()
    {
        using var db = Context("Host=localhost");
        Assert.That(db.Database.HasPendingModelChanges(), Is.False, "run dotnet ef migrations add");
    }

    [Test]
    public async Task EfMigrate_AndCreateTablesWithUsers_ProduceTheSameDatabase()
    {
        await using var viaEf = await TemporaryDatabase.CreateAsync();
        await using var viaCli = await TemporaryDatabase.CreateAsync();

        // What `dotnet ef database update` runs.
        await using (var db = Context(viaEf.ConnectionString))
        {
            await db.Database.MigrateAsync();
        }

        await CliRunner.RunAsync(["create", "tables", "--dsn", viaCli.ConnectionString, "--with-users", "-y"]);

        var efShape = await Sql.ColumnAsync(viaEf.ConnectionString, SchemaShape);
        Assert.That(efShape, Has.Count.GreaterThan(50));
        Assert.That(await Sql.ColumnAsync(viaCli.ConnectionString, SchemaShape), Is.EqualTo(efShape));
        Assert.That(await Sql.ScalarAsync<string>(viaEf.ConnectionString, "SELECT value FROM timedb_settings WHERE name = 'authentication'"), Is.EqualTo("on"));
    }

    [Test]
    public async Task Schema_EnforcesTheRulesOfTheSpec()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "-y"]);
        var cs = db.ConnectionString;
        var tenant = Guid.NewGuid();
        await Sql.ExecuteAsync(cs, $"""
            INSERT INTO runs (run_id, tenant_id, run_start_time) VALUES ('00000000-0000-0000-0000-0000000000a1', '{tenant}', now());
            INSERT INTO series (series_id, tenant_id, series_key) VALUES ('00000000-0000-0000-0000-0000000000b1', '{tenant}', 'wind');
            INSERT INTO "values" (run_id, tenant_id, series_id, valid_time, known_time, value)
              VALUES ('00000000-0000-0000-0000-0000000000a1', '{tenant}', '00000000-0000-0000-0000-0000000000b1', '2025-01-01', now(), 1);
            """);
        var run = "'00000000-0000-0000-0000-0000000000a1'";
        var series = "'00000000-0000-0000-0000-0000000000b1'";

        async Task Rejects(string sql, string constraint)
        {
            var ex = Assert.ThrowsAsync<Npgsql.PostgresException>(() => Sql.ExecuteAsync(cs, sql));
            Assert.That(ex!.ConstraintName, Is.EqualTo(constraint), sql);
        }

        await Rejects($"INSERT INTO series (tenant_id, series_key) VALUES ('{tenant}', '  ')", "ck_series_series_key_not_blank");
        await Rejects($"INSERT INTO series (tenant_id, series_key) VALUES ('{tenant}', 'wind')", "ix_series_tenant_id_series_key");
        await Rejects($"INSERT INTO \"values\" (run_id, tenant_id, series_id, valid_time, valid_time_end, known_time) VALUES ({run}, '{tenant}', {series}, '2025-01-02', '2025-01-02', now())",
            "ck_values_valid_time_end_after_valid_time");
        await Rejects($"INSERT INTO \"values\" (run_id, tenant_id, series_id, valid_time, known_time) VALUES ({run}, '{tenant}', {series}, '2025-01-01', now())",
            "ix_values_one_current_version");
        await Rejects($"INSERT INTO \"values\" (run_id, tenant_id, series_id, valid_time, known_time, annotation) VALUES ({run}, '{tenant}', {series}, '2025-01-03', now(), ' ')",
            "ck_values_annotation_not_blank");
        await Rejects($"INSERT INTO \"values\" (run_id, tenant_id, series_id, valid_time, known_time, tags) VALUES ({run}, '{tenant}', {series}, '2025-01-03', now(), '{{}}')",
            "ck_values_tags_not_empty");
        // A value cannot point at a run of another tenant.
        await Rejects($"INSERT INTO \"values\" (run_id, tenant_id, series_id, valid_time, known_time) VALUES ({run}, '{Guid.NewGuid()}', {series}, '2025-01-03', now())",
            "fk_values_runs");
        await Rejects($"INSERT INTO runs (tenant_id, run_start_time, run_params) VALUES ('{tenant}', now(), '[1,2]')", "ck_runs_run_params_object");
        await Rejects($"INSERT INTO users (tenant_id, email, tier) VALUES ('{tenant}', 'x@example.com', 'gold')", "ck_users_tier");

        // A retired version makes room for a new current one of the same record.
        await Sql.ExecuteAsync(cs, "UPDATE \"values\" SET is_current = false");
        await Sql.ExecuteAsync(cs, $"INSERT INTO \"values\" (run_id, tenant_id, series_id, valid_time, known_time, value) VALUES ({run}, '{tenant}', {series}, '2025-01-01', now(), 2)");
        Assert.That(await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM \"values\""), Is.EqualTo(2));
    }

    [Test]
    public async Task Schema_DefaultsMatchTheSpec()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "-y"]);
        var tenant = Guid.NewGuid();
        await Sql.ExecuteAsync(db.ConnectionString, $"""
            INSERT INTO runs (tenant_id, run_start_time) VALUES ('{tenant}', now());
            INSERT INTO series (tenant_id, series_key) VALUES ('{tenant}', 'load');
            INSERT INTO users (tenant_id, email) VALUES ('{tenant}', 'u@example.com');
            """);

        Assert.Multiple(async () =>
        {
            Assert.That(await Sql.ScalarAsync<string>(db.ConnectionString, "SELECT workflow_id FROM runs"), Is.EqualTo("api-workflow"));
            Assert.That(await Sql.ScalarAsync<bool>(db.ConnectionString, "SELECT run_id IS NOT NULL AND known_time IS NOT NULL FROM runs"), Is.True);
            Assert.That(await Sql.ScalarAsync<string>(db.ConnectionString, "SELECT series_unit FROM series"), Is.EqualTo("dimensionless"));
            Assert.That(await Sql.ScalarAsync<string>(db.ConnectionString, "SELECT tier || is_active || is_admin FROM users"), Is.EqualTo("basictruefalse"));
        });
    }

    [Test]
    public async Task Indexes_OnTenantData_AreLedByTenantId()
    {
        await using var db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "-y"]);

        var indexes = await Sql.ColumnAsync(db.ConnectionString, """
            SELECT indexname || ': ' || indexdef FROM pg_indexes
            WHERE schemaname = 'public' AND tablename IN ('runs', 'series', 'values', 'api_keys')
              AND indexname NOT LIKE 'pk_%' AND indexname <> 'ix_api_keys_key_hash'
            """);
        Assert.That(indexes, Is.Not.Empty);
        Assert.That(indexes, Has.All.Match(@"USING btree \(tenant_id"));
    }
}
