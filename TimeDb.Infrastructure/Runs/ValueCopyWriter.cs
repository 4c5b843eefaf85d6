using Npgsql;
using NpgsqlTypes;
using TimeDb.Domain.Runs;

namespace TimeDb.Infrastructure.Runs;

/// <summary>
/// The one place that writes uploaded values to PostgreSQL: binary COPY of an upload's rows (ADR-004, ADR-020),
/// in record order (series, valid_time, valid_time_end), which is also the order of the values' indexes.
/// </summary>
internal static class ValueCopyWriter
{
    private const string CopyValues = """
        COPY "values" (run_id, tenant_id, series_id, valid_time, valid_time_end, value, known_time, changed_by, change_time, is_current)
        FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>The values of one run, every row current; <paramref name="seriesIds"/> holds the series of each key index.</summary>
    public static async Task<long> CopyAsync(NpgsqlConnection connection, Guid tenant, Guid runId, UploadRows rows, Guid[] seriesIds,
        DateTimeOffset knownTime, string? changedBy, DateTimeOffset changeTime, CancellationToken cancellationToken)
    {
        await using var writer = await connection.BeginBinaryImportAsync(CopyValues, cancellationToken);
        foreach (var row in rows.InRecordOrder())
        {
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(runId, NpgsqlDbType.Uuid, cancellationToken);
            await writer.WriteAsync(tenant, NpgsqlDbType.Uuid, cancellationToken);
            await writer.WriteAsync(seriesIds[row.KeyIndex], NpgsqlDbType.Uuid, cancellationToken);
            await writer.WriteAsync(row.ValidTime, NpgsqlDbType.TimestampTz, cancellationToken);
            if (row.ValidTimeEnd is { } end)
            {
                await writer.WriteAsync(end, NpgsqlDbType.TimestampTz, cancellationToken);
            }
            else
            {
                await writer.WriteNullAsync(cancellationToken);
            }

            if (row.HasValue)
            {
                await writer.WriteAsync(row.Value, NpgsqlDbType.Double, cancellationToken);
            }
            else
            {
                await writer.WriteNullAsync(cancellationToken);
            }

            await writer.WriteAsync(knownTime, NpgsqlDbType.TimestampTz, cancellationToken);
            if (changedBy is not null)
            {
                await writer.WriteAsync(changedBy, NpgsqlDbType.Text, cancellationToken);
            }
            else
            {
                await writer.WriteNullAsync(cancellationToken);
            }

            await writer.WriteAsync(changeTime, NpgsqlDbType.TimestampTz, cancellationToken);
            await writer.WriteAsync(true, NpgsqlDbType.Boolean, cancellationToken);
        }

        return (long)await writer.CompleteAsync(cancellationToken);
    }
}
