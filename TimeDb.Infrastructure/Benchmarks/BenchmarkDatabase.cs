using System.Diagnostics;
using Npgsql;
using TimeDb.Domain.Users;
using TimeDb.Domain.Entities;
using TimeDb.Domain.Tenancy;
using TimeDb.Domain.Values;
using TimeDb.Infrastructure.Persistence;
using TimeDb.Infrastructure.Users;
using TimeDb.Infrastructure.Values;

namespace TimeDb.Infrastructure.Benchmarks;

/// <summary>A run for the COPY ceiling: its ids chosen by the caller, its rows pre-rendered as CSV (see <see cref="BenchmarkDatabase.CeilingColumns"/>).</summary>
public sealed record CeilingRun(Guid TenantId, Guid RunId, DateTimeOffset KnownTime, IReadOnlyList<(Guid SeriesId, string SeriesKey)> Series, string Csv);

/// <summary>What a COPY moved (rows, characters), and how long it took.</summary>
public sealed record CopyMeasurement(long Rows, long Characters, TimeSpan Elapsed);

/// <summary>
/// What <c>timedb bench</c> needs from the database itself: a throwaway tenant, the PostgreSQL ceilings
/// (raw COPY in and out of the same schema) to compare the API with, and the clean-up.
/// </summary>
public sealed class BenchmarkDatabase(NpgsqlDataSource dataSource, UserAdministration users)
{
    /// <summary>The columns, in order, of each CSV line of a <see cref="CeilingRun"/>.</summary>
    public const string CeilingColumns = "run_id, tenant_id, series_id, valid_time, value, known_time, change_time";

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

    /// <summary>
    /// Raw COPY of CSV rows into the values table, as <c>psql \copy</c> does; only the COPY is timed.
    /// The transaction is rolled back, so the table is as it was for what is measured next.
    /// </summary>
    public async Task<CopyMeasurement> CopyInCeilingAsync(CeilingRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var setup = new NpgsqlBatch(connection, transaction))
        {
            var insertRun = new NpgsqlBatchCommand(
                "INSERT INTO runs (run_id, tenant_id, workflow_id, run_start_time, known_time, inserted_at) VALUES (@run_id, @tenant_id, 'timedb-bench-ceiling', @known_time, @known_time, now())");
            insertRun.Parameters.AddWithValue("run_id", run.RunId);
            insertRun.Parameters.AddWithValue("tenant_id", run.TenantId);
            insertRun.Parameters.AddWithValue("known_time", run.KnownTime);
            var insertSeries = new NpgsqlBatchCommand(
                "INSERT INTO series (series_id, tenant_id, series_key, series_unit, created_at) SELECT s.id, @tenant_id, s.key, 'dimensionless', now() FROM unnest(@ids, @keys) AS s(id, key)");
            insertSeries.Parameters.AddWithValue("tenant_id", run.TenantId);
            insertSeries.Parameters.AddWithValue("ids", run.Series.Select(s => s.SeriesId).ToArray());
            insertSeries.Parameters.AddWithValue("keys", run.Series.Select(s => s.SeriesKey).ToArray());
            setup.BatchCommands.Add(insertRun);
            setup.BatchCommands.Add(insertSeries);
            await setup.ExecuteNonQueryAsync(cancellationToken);
        }

        var clock = Stopwatch.StartNew();
        await using (var copy = await connection.BeginTextImportAsync(
            $"COPY \"{TableNames.Values}\" ({CeilingColumns}) FROM STDIN (FORMAT csv)", cancellationToken))
        {
            await copy.WriteAsync(run.Csv.AsMemory(), cancellationToken);
        }

        var elapsed = clock.Elapsed;
        await transaction.RollbackAsync(cancellationToken);
        return new CopyMeasurement(CountLines(run.Csv), run.Csv.Length, elapsed);
    }

    /// <summary>Raw <c>COPY (the API's query) TO STDOUT</c>, as <c>psql \copy (…) to</c> does; the output is counted and dropped.</summary>
    public async Task<CopyMeasurement> CopyOutCeilingAsync(ValueQuery query, Guid tenantId, CancellationToken cancellationToken)
    {
        var sql = ValueQuerySql.BuildLiteral(query, TenantScope.Of(tenantId));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var clock = Stopwatch.StartNew();
        long rows = 0, characters = 0;
        using (var copy = await connection.BeginTextExportAsync($"COPY ({sql}) TO STDOUT", cancellationToken))
        {
            var buffer = new char[64 * 1024];
            int read;
            while ((read = await copy.ReadAsync(buffer, cancellationToken)) > 0)
            {
                rows += CountLines(buffer.AsSpan(0, read));
                characters += read;
            }
        }

        return new CopyMeasurement(rows, characters, clock.Elapsed);
    }

    private static long CountLines(ReadOnlySpan<char> text) => text.Count('\n');
}
