using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using TimeDb.Domain.Errors;
using TimeDb.Domain.Runs;

namespace TimeDb.Infrastructure.Runs;

/// <summary>
/// The idempotency_keys rows of an upload, written in the upload's own transaction: the key is claimed first
/// (a concurrent upload with the same key waits on it), the answer recorded last, and both vanish with a
/// rollback, so a key is never remembered for an upload that did not land (ADR-009).
/// </summary>
internal static class IdempotencyLedger
{
    // An expired key is forgotten before it is claimed again.
    private const string DeleteExpired = """
        DELETE FROM idempotency_keys WHERE tenant_id = @tenant_id AND idempotency_key = @key AND created_at < now() - @retention
        """;

    private const string Claim = """
        INSERT INTO idempotency_keys (tenant_id, idempotency_key, request_hash, run_id, rows_inserted, series_ids, created_at)
        VALUES (@tenant_id, @key, @hash, @run_id, 0, '{}', now())
        ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
        """;

    private const string Find = """
        SELECT request_hash, run_id, rows_inserted, series_ids::text FROM idempotency_keys
        WHERE tenant_id = @tenant_id AND idempotency_key = @key
        """;

    private const string Record = """
        UPDATE idempotency_keys SET rows_inserted = @rows, series_ids = @series_ids
        WHERE tenant_id = @tenant_id AND idempotency_key = @key
        """;

    /// <summary>
    /// Claims the key for <paramref name="runId"/>. Returns null when claimed, else the earlier upload's answer
    /// (same body), or throws a <see cref="ConflictException"/> (another body).
    /// </summary>
    public static async Task<IngestResult?> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid tenantId,
        IdempotencyKey key, Guid runId, TimeSpan retention, CancellationToken cancellationToken)
    {
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            var deleteExpired = new NpgsqlBatchCommand(DeleteExpired);
            AddKey(deleteExpired.Parameters, tenantId, key);
            deleteExpired.Parameters.AddWithValue("retention", retention);
            var claim = new NpgsqlBatchCommand(Claim);
            AddKey(claim.Parameters, tenantId, key);
            claim.Parameters.AddWithValue("hash", key.RequestHash);
            claim.Parameters.AddWithValue("run_id", runId);
            batch.BatchCommands.Add(deleteExpired);
            batch.BatchCommands.Add(claim);
            await batch.ExecuteNonQueryAsync(cancellationToken);
            if (claim.RecordsAffected == 1)
            {
                return null;
            }
        }

        await using var find = new NpgsqlCommand(Find, connection, transaction);
        AddKey(find.Parameters, tenantId, key);
        await using var reader = await find.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            // Only possible if the holder rolled back between our two statements: a retry claims it.
            throw new ConflictException($"{IdempotencyKey.HeaderName} '{key.Key}' is in use by an upload that is still running; retry in a moment.");
        }

        var storedHash = (byte[])reader[0];
        if (!storedHash.AsSpan().SequenceEqual(key.RequestHash))
        {
            throw new ConflictException(
                $"{IdempotencyKey.HeaderName} '{key.Key}' was already used with a different request body (or, for a CSV upload, other run fields in the query); use a new key for a new upload.");
        }

        var seriesIds = JsonSerializer.Deserialize<Dictionary<string, Guid>>(reader.GetString(3)) ?? [];
        return new IngestResult(reader.GetGuid(1), seriesIds, reader.GetInt64(2), Replayed: true);
    }

    /// <summary>Stores the answer of the upload that claimed the key.</summary>
    public static async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid tenantId, IdempotencyKey key,
        IngestResult result, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Record, connection, transaction);
        AddKey(command.Parameters, tenantId, key);
        command.Parameters.AddWithValue("rows", result.RowsInserted);
        command.Parameters.AddWithValue("series_ids", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(result.SeriesIds));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddKey(NpgsqlParameterCollection parameters, Guid tenantId, IdempotencyKey key)
    {
        parameters.AddWithValue("tenant_id", tenantId);
        parameters.AddWithValue("key", key.Key);
    }
}
