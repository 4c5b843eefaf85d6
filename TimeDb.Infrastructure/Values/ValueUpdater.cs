using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using TimeDb.Domain.Errors;
using TimeDb.Domain.Tenancy;
using TimeDb.Domain.Time;
using TimeDb.Domain.Values;

namespace TimeDb.Infrastructure.Values;

/// <summary>
/// Versioned corrections in one transaction. Each record is locked with a transaction-scoped advisory
/// lock before its current version is read, so concurrent corrections of one record run one after the
/// other and each sees the version the previous one wrote (ADR-005).
/// </summary>
internal sealed class ValueUpdater(NpgsqlDataSource dataSource, TimeProvider clock, ITenantContext tenant) : IValueUpdater
{
    private const string LockRecord = "SELECT pg_advisory_xact_lock(hashtextextended(@lock_key, 0))";

    private const string FindCurrent = """
        SELECT value_id, tenant_id, value, annotation, tags FROM "values"
        WHERE run_id = @run_id AND series_id = @series_id AND valid_time = @valid_time
          AND valid_time_end IS NOT DISTINCT FROM @valid_time_end AND is_current /*tenant*/
        """;

    // Every index leads with tenant_id: an `@tenant_id IS NULL OR …` predicate would hide it from the
    // planner, so the condition is written for one tenant and left out only for the explicit all-tenants
    // scope of single-user mode.
    private const string TenantCondition = "AND tenant_id = @tenant_id";

    private const string RetireAndInsert = """
        WITH retired AS (
            UPDATE "values" SET is_current = false WHERE value_id = @value_id AND tenant_id = @tenant_id AND is_current
            RETURNING run_id, tenant_id, series_id, valid_time, valid_time_end, known_time
        )
        INSERT INTO "values" (run_id, tenant_id, series_id, valid_time, valid_time_end, value, annotation, tags, known_time, changed_by, change_time, is_current)
        SELECT run_id, tenant_id, series_id, valid_time, valid_time_end, @value, @annotation, @tags, known_time, @changed_by, @change_time, true
        FROM retired
        RETURNING value_id
        """;

    public async Task<UpdateBatchResult> UpdateAsync(IReadOnlyList<ValueUpdate> updates, string? changedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        // Each record's scope is decided before anything is opened: a tenant_id of another tenant is a 403 for the whole batch.
        var scoped = updates.Select(u => (Update: u, Scope: tenant.Scope.Narrow(u.RequestedTenantId))).ToList();
        var now = clock.GetUtcNow();
        var updated = new List<UpdatedValue>();
        var skipped = new List<ValueRecordKey>();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Locks are taken in one global order so two batches touching the same records cannot deadlock.
        foreach (var (update, scope) in scoped.OrderBy(u => LockKey(u.Update), StringComparer.Ordinal))
        {
            var (valueId, tenantId, current) = await LockAndFindCurrentAsync(connection, transaction, update, scope, cancellationToken)
                ?? throw new NotFoundException(Describe(update) + " does not exist; nothing was changed");
            var key = new ValueRecordKey(tenantId, update.RunId, update.SeriesId, update.ValidTime.ToUniversalTime(), update.ValidTimeEnd?.ToUniversalTime());

            var next = current.Apply(update);
            if (next.SameAs(current))
            {
                skipped.Add(key);
                continue;
            }

            await using var write = new NpgsqlCommand(RetireAndInsert, connection, transaction);
            write.Parameters.AddWithValue("value_id", valueId);
            write.Parameters.AddWithValue("tenant_id", tenantId);
            write.Parameters.AddWithValue("value", NpgsqlDbType.Double, (object?)next.Value ?? DBNull.Value);
            write.Parameters.AddWithValue("annotation", NpgsqlDbType.Text, (object?)next.Annotation ?? DBNull.Value);
            write.Parameters.AddWithValue("tags", NpgsqlDbType.Array | NpgsqlDbType.Text, (object?)next.Tags ?? DBNull.Value);
            write.Parameters.AddWithValue("changed_by", NpgsqlDbType.Text, (object?)changedBy ?? DBNull.Value);
            write.Parameters.AddWithValue("change_time", now);
            var newId = (long)(await write.ExecuteScalarAsync(cancellationToken))!;
            updated.Add(new UpdatedValue(key, newId));
        }

        await transaction.CommitAsync(cancellationToken);
        return new UpdateBatchResult(updated, skipped);
    }

    /// <summary>
    /// Takes the record's lock, then reads its current version: two statements in one round trip. Each
    /// statement of a batch takes its own snapshot, so the read sees what a batch that held the lock before wrote.
    /// </summary>
    private static async Task<(long ValueId, Guid TenantId, VersionContent Content)?> LockAndFindCurrentAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ValueUpdate update, TenantScope scope, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var lockRecord = new NpgsqlBatchCommand(LockRecord);
        lockRecord.Parameters.AddWithValue("lock_key", LockKey(update));
        var command = new NpgsqlBatchCommand(FindCurrent.Replace("/*tenant*/", scope switch
        {
            TenantScope.Tenant => TenantCondition,
            TenantScope.AllTenants => "", // single-user mode, stated explicitly: every tenant
            _ => throw new InvalidOperationException($"unknown tenant scope {scope}"),
        }, StringComparison.Ordinal));
        command.Parameters.AddWithValue("run_id", update.RunId);
        command.Parameters.AddWithValue("series_id", update.SeriesId);
        command.Parameters.AddWithValue("valid_time", update.ValidTime.ToUniversalTime());
        command.Parameters.AddWithValue("valid_time_end", NpgsqlDbType.TimestampTz, (object?)update.ValidTimeEnd?.ToUniversalTime() ?? DBNull.Value);
        if (scope is TenantScope.Tenant one)
        {
            command.Parameters.AddWithValue("tenant_id", one.Id);
        }

        batch.BatchCommands.Add(lockRecord);
        batch.BatchCommands.Add(command);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var content = new VersionContent(
            reader.IsDBNull(2) ? null : reader.GetDouble(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetFieldValue<string[]>(4));
        return (reader.GetInt64(0), reader.GetGuid(1), content);
    }

    // run_id is unique across tenants, so the record's key needs no tenant.
    private static string LockKey(ValueUpdate u) => string.Create(CultureInfo.InvariantCulture,
        $"{u.RunId:N}|{u.SeriesId:N}|{u.ValidTime.UtcTicks}|{u.ValidTimeEnd?.UtcTicks}");

    private static string Describe(ValueUpdate u) => string.Create(CultureInfo.InvariantCulture,
        $"the value of run {u.RunId}, series {u.SeriesId} at valid_time {UtcTimestamp.Format(u.ValidTime)}{(u.ValidTimeEnd is { } e ? $" to {UtcTimestamp.Format(e)}" : "")}");
}
