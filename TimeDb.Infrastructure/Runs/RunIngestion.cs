using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using TimeDb.Domain.Errors;
using TimeDb.Domain.Runs;
using TimeDb.Domain.Tenancy;
using TimeDb.Infrastructure.Configuration;
using TimeDb.Infrastructure.Persistence;
using UUIDNext;

namespace TimeDb.Infrastructure.Runs;

/// <summary>
/// Stores a run, its new series and its values in one transaction. Values go in by binary COPY
/// (<see cref="ValueCopyWriter"/>, ADR-004/ADR-020); series are fetched or created in one round trip. Every statement names the tenant, which
/// the tenant context decides (TenantScope.TenantForWrite of the body's tenant_id) before anything is opened.
/// </summary>
internal sealed class RunIngestion(TimeDbContext db, TimeProvider clock, IOptions<IdempotencyOptions> idempotencyOptions,
    IOptions<DatabaseTimeouts> timeouts, ITenantContext tenantContext) : IRunIngestion
{
    private const string InsertRun = """
        INSERT INTO runs (run_id, tenant_id, workflow_id, run_start_time, run_finish_time, known_time, run_params, inserted_at)
        VALUES (@run_id, @tenant_id, @workflow_id, @run_start_time, @run_finish_time, @known_time, @run_params, clock_timestamp())
        """;

    private const string FindSeriesById = """
        SELECT series_id, series_key FROM series WHERE tenant_id = @tenant_id AND series_id = ANY(@series_ids)
        """;

    // Keys are sorted by the caller so concurrent uploads lock series rows in one order.
    private const string UpsertSeries = """
        INSERT INTO series (series_id, tenant_id, series_key, description, series_unit, created_at)
        SELECT gen_random_uuid(), @tenant_id, k.key, k.description, coalesce(k.unit, 'dimensionless'), now()
        FROM unnest(@keys::text[], @descriptions::text[], @units::text[]) AS k(key, description, unit)
        ON CONFLICT (tenant_id, series_key) DO NOTHING
        """;

    private const string SelectSeriesByKey = """
        SELECT series_id, series_key, series_unit FROM series WHERE tenant_id = @tenant_id AND series_key = ANY(@keys)
        """;

    public async Task<IngestResult> IngestAsync(NewRun run, IdempotencyKey? idempotency, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var tenant = tenantContext.Scope.TenantForWrite(run.RequestedTenantId);
        var now = clock.GetUtcNow();
        // Time-ordered and, within this instance, strictly increasing: the flat read's tie-break between runs of
        // the same known_time is the later run_id (ADR-022), so no read joins runs for inserted_at.
        var runId = Uuid.NewSequential();
        var knownTime = (run.KnownTime ?? now).ToUniversalTime();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var npgsqlTransaction = (NpgsqlTransaction)transaction.GetDbTransaction();

        if (timeouts.Value.UploadStatementTimeoutSeconds > 0)
        {
            await using var setTimeout = new NpgsqlCommand(
                $"SET LOCAL statement_timeout = '{timeouts.Value.UploadStatementTimeoutSeconds}s'", connection, npgsqlTransaction);
            await setTimeout.ExecuteNonQueryAsync(cancellationToken);
        }

        if (idempotency is not null && await IdempotencyLedger.ClaimAsync(connection, npgsqlTransaction, tenant, idempotency, runId,
                idempotencyOptions.Value.Retention, cancellationToken) is { } earlier)
        {
            return earlier; // nothing written: the transaction rolls back on dispose
        }

        await InsertRunAsync(connection, npgsqlTransaction, tenant, run, runId, knownTime, cancellationToken);
        var seriesIds = await ResolveSeriesAsync(connection, npgsqlTransaction, tenant, run, cancellationToken);
        var seriesOfKey = run.Rows.Keys.Select(k => seriesIds[k]).ToArray();
        var rows = await ValueCopyWriter.CopyAsync(connection, tenant, runId, run.Rows, seriesOfKey, knownTime, run.ChangedBy, now, cancellationToken);
        var result = new IngestResult(runId, seriesIds, rows);
        if (idempotency is not null)
        {
            await IdempotencyLedger.RecordAsync(connection, npgsqlTransaction, tenant, idempotency, result, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private static async Task InsertRunAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid tenant, NewRun run, Guid runId,
        DateTimeOffset knownTime, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(InsertRun, connection, transaction);
        command.Parameters.AddWithValue("run_id", runId);
        command.Parameters.AddWithValue("tenant_id", tenant);
        command.Parameters.AddWithValue("workflow_id", run.WorkflowId);
        command.Parameters.AddWithValue("run_start_time", run.RunStartTime.ToUniversalTime());
        command.Parameters.AddWithValue("run_finish_time", NpgsqlDbType.TimestampTz, (object?)run.RunFinishTime?.ToUniversalTime() ?? DBNull.Value);
        command.Parameters.AddWithValue("known_time", knownTime);
        command.Parameters.AddWithValue("run_params", NpgsqlDbType.Jsonb, (object?)run.RunParamsJson ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<Dictionary<string, Guid>> ResolveSeriesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        Guid tenant, NewRun run, CancellationToken cancellationToken)
    {
        var claimed = run.Rows.ClaimedSeries.ToList();
        if (claimed.Count > 0)
        {
            await CheckClaimedSeriesAsync(connection, transaction, tenant, claimed, cancellationToken);
        }

        var keys = run.Rows.Keys.Order(StringComparer.Ordinal).ToArray();
        var ids = new Dictionary<string, Guid>(StringComparer.Ordinal);
        if (keys.Length == 0)
        {
            return ids;
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        var upsert = new NpgsqlBatchCommand(UpsertSeries);
        upsert.Parameters.AddWithValue("tenant_id", tenant);
        upsert.Parameters.AddWithValue("keys", keys);
        upsert.Parameters.AddWithValue("descriptions", keys.Select(k => run.SeriesDescriptions.GetValueOrDefault(k)).ToArray());
        upsert.Parameters.AddWithValue("units", keys.Select(k => run.SeriesUnits.GetValueOrDefault(k)).ToArray());
        var select = new NpgsqlBatchCommand(SelectSeriesByKey);
        select.Parameters.AddWithValue("tenant_id", tenant);
        select.Parameters.AddWithValue("keys", keys);
        batch.BatchCommands.Add(upsert);
        batch.BatchCommands.Add(select);

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = reader.GetString(1);
            ids[key] = reader.GetGuid(0);
            // An existing series keeps its unit: naming another one is a conflict, not a silent mismatch (nothing is stored).
            if (run.SeriesUnits.GetValueOrDefault(key) is { } unit && !string.Equals(unit, reader.GetString(2), StringComparison.Ordinal))
            {
                throw new ConflictException(
                    $"series_units names '{unit}' for the series '{key}', whose unit is '{reader.GetString(2)}'; leave it out or send '{reader.GetString(2)}'");
            }
        }

        return ids;
    }

    private static async Task CheckClaimedSeriesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid tenantId,
        List<(string ValueKey, Guid SeriesId)> claimed, CancellationToken cancellationToken)
    {
        var found = new Dictionary<Guid, string>();
        await using (var command = new NpgsqlCommand(FindSeriesById, connection, transaction))
        {
            command.Parameters.AddWithValue("tenant_id", tenantId);
            command.Parameters.AddWithValue("series_ids", claimed.Select(c => c.SeriesId).Distinct().ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                found[reader.GetGuid(0)] = reader.GetString(1);
            }
        }

        foreach (var (valueKey, id) in claimed)
        {
            if (!found.TryGetValue(id, out var key))
            {
                throw new NotFoundException($"series_id {id} does not exist (for value_key '{valueKey}'); leave series_id out to create the series by its value_key");
            }

            if (!string.Equals(key, valueKey, StringComparison.Ordinal))
            {
                throw new DomainException($"series_id {id} is the series '{key}', not value_key '{valueKey}'");
            }
        }
    }
}
