using System.Diagnostics;
using Npgsql;
using TimeDb.Domain.Users;
using TimeDb.Domain.Entities;
using TimeDb.Infrastructure.Persistence;
using TimeDb.Infrastructure.Users;

namespace TimeDb.Infrastructure.Benchmarks;

/// <summary>What a COPY moved (rows, bytes when known), and how long it took.</summary>
public sealed record CopyMeasurement(long Rows, long Bytes, TimeSpan Elapsed);

/// <summary>
/// What <c>timedb bench</c> needs from the database itself: a throwaway tenant, the scratch table of the physical
/// ceilings (<see cref="CeilingSql"/>) with a COPY fallback for machines without psql, and the clean-up.
/// </summary>
public sealed class BenchmarkDatabase(NpgsqlDataSource dataSource, UserAdministration users)
{
    /// <summary>Creates a user of the unlimited tier in a new tenant; its key is shown to nobody but the caller.</summary>
    public async Task<CreatedUser> CreateTenantAsync(CancellationToken cancellationToken)
    {
        var tenantId = Guid.NewGuid();
        return await users.CreateUserAsync(tenantId, $"bench-{tenantId:N}@timedb.invalid", UserTiers.Unlimited, isAdmin: false, cancellationToken);
    }

    /// <summary>Deletes everything of one tenant: values, runs, series, keys and users.</summary>
    public async Task PurgeTenantAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var table in (string[])[TableNames.Values, TableNames.Runs, TableNames.Series, TableNames.ApiKeys, TableNames.Users])
        {
            var command = new NpgsqlBatchCommand($"DELETE FROM \"{table}\" WHERE tenant_id = @tenant_id");
            command.Parameters.AddWithValue("tenant_id", tenantId);
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Deletes the runs (with their values) and the series a benchmark created in somebody's tenant.</summary>
    public async Task DeleteRunsAsync(IReadOnlyCollection<Guid> runIds, IReadOnlyCollection<Guid> seriesIds, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var (sql, ids) in (ValueTuple<string, IReadOnlyCollection<Guid>>[])
                 [($"DELETE FROM \"{TableNames.Values}\" WHERE run_id = ANY(@ids)", runIds),
                  ($"DELETE FROM \"{TableNames.Runs}\" WHERE run_id = ANY(@ids)", runIds),
                  ($"DELETE FROM \"{TableNames.Series}\" WHERE series_id = ANY(@ids)", seriesIds)])
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.AddWithValue("ids", ids.ToArray());
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Creates the scratch table of the ceilings: a schema of its own holding a copy of <c>values</c> without foreign keys.</summary>
    public async Task<CeilingTable> CreateCeilingTableAsync(string tag, CancellationToken cancellationToken)
    {
        var table = new CeilingTable($"timedb_bench_{tag}");
        // LIKE … INCLUDING ALL copies columns, defaults, identity, checks and indexes; foreign keys are never copied.
        await ExecuteAsync($"CREATE SCHEMA \"{table.Schema}\"; CREATE TABLE {table.Name} (LIKE \"{TableNames.Values}\" INCLUDING ALL)", cancellationToken);
        return table;
    }

    /// <summary>Empties the scratch table before the next ingest ceiling.</summary>
    public Task EmptyCeilingTableAsync(CeilingTable table, CancellationToken cancellationToken) =>
        ExecuteAsync($"TRUNCATE {Checked(table).Name}", cancellationToken);

    public Task DropCeilingTableAsync(CeilingTable table, CancellationToken cancellationToken) =>
        ExecuteAsync($"DROP SCHEMA IF EXISTS \"{Checked(table).Schema}\" CASCADE", cancellationToken);

    /// <summary>
    /// Vacuums <c>values</c> after the benchmark deleted an upload, so the next upload meets a table without a million dead
    /// rows and autovacuum does not start in the middle of a measurement.
    /// </summary>
    public Task VacuumValuesAsync(CancellationToken cancellationToken) => ExecuteAsync($"VACUUM \"{TableNames.Values}\"", cancellationToken);

    /// <summary>The tenant of a run (a benchmark against a key's tenant learns it from its own upload).</summary>
    public async Task<Guid?> TenantOfRunAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT tenant_id FROM \"{TableNames.Runs}\" WHERE run_id = @run_id");
        command.Parameters.AddWithValue("run_id", runId);
        return await command.ExecuteScalarAsync(cancellationToken) as Guid?;
    }

    /// <summary>
    /// The ingest ceiling through Npgsql (when psql is not installed): <c>COPY … FROM STDIN (FORMAT csv)</c> of the bytes
    /// <paramref name="write"/> produces into the scratch table. Only the COPY is timed.
    /// </summary>
    public async Task<CopyMeasurement> CopyIntoCeilingAsync(CeilingTable table, Func<Stream, CancellationToken, Task> write,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var clock = Stopwatch.StartNew();
        await using (var copy = await connection.BeginTextImportAsync($"COPY {CeilingSql.IngestTarget(table)} FROM STDIN (FORMAT csv)", cancellationToken))
        {
            // Npgsql's text writer is a StreamWriter over the COPY stream: the CSV is UTF-8 already, so it goes in as bytes.
            await write(((StreamWriter)copy).BaseStream, cancellationToken);
        }

        var elapsed = clock.Elapsed;
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM {table.Name}", connection);
        return new CopyMeasurement((long)(await count.ExecuteScalarAsync(cancellationToken))!, 0, elapsed);
    }

    /// <summary><c>COPY {source} TO STDOUT</c> through Npgsql (when psql is not installed): the output is counted and dropped.</summary>
    public async Task<CopyMeasurement> CopyOutAsync(string source, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var clock = Stopwatch.StartNew();
        long rows = 0, bytes = 0;
        using (var copy = await connection.BeginTextExportAsync($"COPY {source} TO STDOUT", cancellationToken))
        {
            var stream = ((StreamReader)copy).BaseStream;
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                rows += buffer.AsSpan(0, read).Count((byte)'\n');
                bytes += read;
            }
        }

        return new CopyMeasurement(rows, bytes, clock.Elapsed);
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static CeilingTable Checked(CeilingTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return table;
    }
}
