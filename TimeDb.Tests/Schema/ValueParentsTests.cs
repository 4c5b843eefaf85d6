using Npgsql;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Schema;

/// <summary>
/// The guarantees the two composite foreign keys of values gave, now kept by set-wise triggers (ADR-022): a value's
/// tenant is its run's and its series' tenant, for INSERT and for COPY; deleting a run deletes its values; a series
/// with values cannot be deleted; the keys never change; and a concurrent delete cannot leave a value behind.
/// </summary>
public sealed class ValueParentsTests
{
    private const string Run = "'00000000-0000-0000-0000-0000000000a1'";
    private const string Series = "'00000000-0000-0000-0000-0000000000b1'";
    private const string CopyColumns = "run_id, tenant_id, series_id, valid_time, known_time, value";

    private static async Task<(TemporaryDatabase Db, Guid Tenant)> SchemaWithOneRunAndSeriesAsync()
    {
        var db = await TemporaryDatabase.CreateAsync();
        await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "-y"]);
        var tenant = Guid.NewGuid();
        await Sql.ExecuteAsync(db.ConnectionString, $"""
            INSERT INTO runs (run_id, tenant_id, run_start_time) VALUES ({Run}, '{tenant}', now());
            INSERT INTO series (series_id, tenant_id, series_key) VALUES ({Series}, '{tenant}', 'wind');
            """);
        return (db, tenant);
    }

    private static async Task CopyAsync(NpgsqlConnection connection, params string[] lines)
    {
        await using (var writer = await connection.BeginTextImportAsync($"COPY \"values\" ({CopyColumns}) FROM STDIN (FORMAT csv)"))
        {
            foreach (var line in lines)
            {
                await writer.WriteLineAsync(line);
            }
        }
    }

    private static string Line(Guid tenant, string runId, string seriesId, int hour) =>
        $"{runId.Trim('\'')},{tenant},{seriesId.Trim('\'')},2025-01-01T{hour:00}:00:00Z,2025-01-01T00:00:00Z,{hour}";

    private static async Task<PostgresException> RefusedAsync(string connectionString, Func<NpgsqlConnection, Task> action)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return Assert.ThrowsAsync<PostgresException>(() => action(connection))!;
    }

    [Test]
    public async Task Copy_OfAValueWithAnotherTenantsRunOrSeries_IsRefused_AndStoresNothing()
    {
        var (db, tenant) = await SchemaWithOneRunAndSeriesAsync();
        await using var _ = db;
        var other = Guid.NewGuid();

        // A good row first: the whole COPY statement is refused, not only the bad row.
        var run = await RefusedAsync(db.ConnectionString, c => CopyAsync(c, Line(tenant, Run, Series, 0), Line(other, Run, Series, 1)));
        Assert.That((run.SqlState, run.ConstraintName), Is.EqualTo((PostgresErrorCodes.ForeignKeyViolation, "fk_values_runs")));

        await Sql.ExecuteAsync(db.ConnectionString, $"INSERT INTO runs (run_id, tenant_id, run_start_time) VALUES ('00000000-0000-0000-0000-0000000000a2', '{other}', now())");
        var series = await RefusedAsync(db.ConnectionString, c => CopyAsync(c, Line(other, "'00000000-0000-0000-0000-0000000000a2'", Series, 0)));
        Assert.That((series.SqlState, series.ConstraintName), Is.EqualTo((PostgresErrorCodes.ForeignKeyViolation, "fk_values_series")));

        Assert.That(await Sql.ScalarAsync<long>(db.ConnectionString, "SELECT count(*) FROM \"values\""), Is.Zero);
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await CopyAsync(connection, Line(tenant, Run, Series, 0), Line(tenant, Run, Series, 1));
        Assert.That(await Sql.ScalarAsync<long>(db.ConnectionString, "SELECT count(*) FROM \"values\""), Is.EqualTo(2));
    }

    [Test]
    public async Task Insert_WithAnotherTenantsSeries_IsRefused()
    {
        var (db, tenant) = await SchemaWithOneRunAndSeriesAsync();
        await using var _ = db;
        const string foreignSeries = "'00000000-0000-0000-0000-0000000000b2'";
        await Sql.ExecuteAsync(db.ConnectionString, $"INSERT INTO series (series_id, tenant_id, series_key) VALUES ({foreignSeries}, '{Guid.NewGuid()}', 'wind')");

        var ex = await RefusedAsync(db.ConnectionString, c => new NpgsqlCommand(
            $"INSERT INTO \"values\" ({CopyColumns}) VALUES ({Run}, '{tenant}', {foreignSeries}, now(), now(), 1)", c).ExecuteNonQueryAsync());
        Assert.That((ex.SqlState, ex.ConstraintName), Is.EqualTo((PostgresErrorCodes.ForeignKeyViolation, "fk_values_series")));
    }

    [Test]
    public async Task DeletingARun_DeletesItsValues_ButASeriesWithValues_CannotBeDeleted()
    {
        var (db, tenant) = await SchemaWithOneRunAndSeriesAsync();
        await using var _ = db;
        var cs = db.ConnectionString;
        await using (var connection = new NpgsqlConnection(cs))
        {
            await connection.OpenAsync();
            await CopyAsync(connection, Line(tenant, Run, Series, 0), Line(tenant, Run, Series, 1));
        }

        await Sql.ExecuteAsync(cs, "UPDATE \"values\" SET is_current = false WHERE value = 1"); // a retired version goes too

        var kept = await RefusedAsync(cs, c => new NpgsqlCommand("DELETE FROM series", c).ExecuteNonQueryAsync());
        Assert.That(kept.ConstraintName, Is.EqualTo("fk_values_series"));

        await Sql.ExecuteAsync(cs, "DELETE FROM runs");
        Assert.That(await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM \"values\""), Is.Zero);
        await Sql.ExecuteAsync(cs, "DELETE FROM series");
        Assert.That(await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM series"), Is.Zero);
    }

    [TestCase("UPDATE \"values\" SET tenant_id = gen_random_uuid()")]
    [TestCase("UPDATE \"values\" SET run_id = gen_random_uuid()")]
    [TestCase("UPDATE \"values\" SET series_id = gen_random_uuid()")]
    [TestCase("UPDATE runs SET tenant_id = gen_random_uuid()")]
    [TestCase("UPDATE runs SET run_id = gen_random_uuid()")]
    [TestCase("UPDATE series SET tenant_id = gen_random_uuid()")]
    [TestCase("UPDATE series SET series_id = gen_random_uuid()")]
    public async Task TheKeysOfValuesRunsAndSeries_NeverChange(string update)
    {
        var (db, tenant) = await SchemaWithOneRunAndSeriesAsync();
        await using var _ = db;
        await using (var connection = new NpgsqlConnection(db.ConnectionString))
        {
            await connection.OpenAsync();
            await CopyAsync(connection, Line(tenant, Run, Series, 0));
        }

        var ex = await RefusedAsync(db.ConnectionString, c => new NpgsqlCommand(update, c).ExecuteNonQueryAsync());
        Assert.That(ex.SqlState, Is.EqualTo(PostgresErrorCodes.RestrictViolation));
        // Setting a key to itself and changing other columns stay allowed.
        await Sql.ExecuteAsync(db.ConnectionString, "UPDATE \"values\" SET tenant_id = tenant_id, is_current = false; UPDATE runs SET run_id = run_id, workflow_id = 'w'");
    }

    [Test]
    public async Task ARunDeletedWhileAnUploadHoldsIt_WaitsForTheUpload_AndTakesItsValuesWithIt()
    {
        var (db, tenant) = await SchemaWithOneRunAndSeriesAsync();
        await using var _ = db;
        await using var upload = new NpgsqlConnection(db.ConnectionString);
        await upload.OpenAsync();
        await using var transaction = await upload.BeginTransactionAsync();
        await CopyAsync(upload, Line(tenant, Run, Series, 0), Line(tenant, Run, Series, 1));

        var delete = Sql.ExecuteAsync(db.ConnectionString, "DELETE FROM runs");
        await Task.Delay(500);
        Assert.That(delete.IsCompleted, Is.False, "the run is locked FOR KEY SHARE by the upload's check, as a foreign key locks it");

        await transaction.CommitAsync();
        await delete;
        Assert.That(await Sql.ScalarAsync<long>(db.ConnectionString, "SELECT count(*) FROM \"values\""), Is.Zero, "no value is left without its run");
    }

    [Test]
    public async Task AnUploadForARunBeingDeleted_WaitsForTheDelete_AndIsRefused()
    {
        var (db, tenant) = await SchemaWithOneRunAndSeriesAsync();
        await using var _ = db;
        await using var deleter = new NpgsqlConnection(db.ConnectionString);
        await deleter.OpenAsync();
        await using var transaction = await deleter.BeginTransactionAsync();
        await new NpgsqlCommand("DELETE FROM runs", deleter, transaction).ExecuteNonQueryAsync();

        var upload = RefusedAsync(db.ConnectionString, c => CopyAsync(c, Line(tenant, Run, Series, 0)));
        await Task.Delay(500);
        Assert.That(upload.IsCompleted, Is.False);

        await transaction.CommitAsync();
        Assert.That((await upload).ConstraintName, Is.EqualTo("fk_values_runs"));
        Assert.That(await Sql.ScalarAsync<long>(db.ConnectionString, "SELECT count(*) FROM \"values\""), Is.Zero);
    }

    [Test]
    public async Task DeleteTables_DropsTheTriggerFunctions_AndCreateTablesMakesThemAgain()
    {
        var (db, _) = await SchemaWithOneRunAndSeriesAsync();
        await using var __ = db;
        const string functions = "SELECT count(*) FROM pg_proc WHERE proname LIKE 'timedb\\_%' AND pronamespace = 'public'::regnamespace";
        Assert.That(await Sql.ScalarAsync<long>(db.ConnectionString, functions), Is.EqualTo(4));

        Assert.That((await CliRunner.RunAsync(["delete", "tables", "--dsn", db.ConnectionString, "-y"])).ExitCode, Is.Zero);
        Assert.That(await Sql.ScalarAsync<long>(db.ConnectionString, functions), Is.Zero);

        Assert.That((await CliRunner.RunAsync(["create", "tables", "--dsn", db.ConnectionString, "-y"])).ExitCode, Is.Zero);
        Assert.That(await Sql.ScalarAsync<long>(db.ConnectionString, functions), Is.EqualTo(4));
    }
}
