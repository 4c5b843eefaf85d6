using System.Data;
using System.Runtime.CompilerServices;
using Npgsql;
using TimeDb.Domain.Errors;
using TimeDb.Domain.Tenancy;
using TimeDb.Domain.Values;

namespace TimeDb.Infrastructure.Values;

/// <summary>Streams value rows from PostgreSQL as they arrive; nothing is buffered beyond one row.</summary>
internal sealed class ValueReader(NpgsqlDataSource dataSource, ITenantContext tenant) : IValueReader
{
    public async IAsyncEnumerable<ValueRecord> ReadAsync(ValueQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var scope = tenant.Scope; // before any connection: no scope, no read
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (query.MaxRows > 0)
        {
            await EnsureWithinLimitAsync(connection, query, scope, cancellationToken);
        }

        await using var command = ValueQuerySql.Build(query, scope, connection);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new ValueRecord(
                ValidTime: reader.GetFieldValue<DateTime>(0),
                ValidTimeEnd: reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTime>(1),
                SeriesId: reader.GetGuid(2),
                SeriesKey: reader.GetString(3),
                SeriesUnit: reader.GetString(4),
                Value: reader.IsDBNull(5) ? null : reader.GetDouble(5),
                RunId: reader.GetGuid(6),
                KnownTime: reader.GetFieldValue<DateTime>(7),
                Annotation: reader.IsDBNull(8) ? null : reader.GetString(8),
                Tags: reader.IsDBNull(9) ? null : reader.GetFieldValue<string[]>(9),
                ValueId: reader.GetInt64(10),
                IsCurrent: reader.GetBoolean(11),
                ChangedBy: reader.IsDBNull(12) ? null : reader.GetString(12),
                ChangeTime: reader.GetFieldValue<DateTime>(13));
        }
    }

    /// <summary>
    /// Refuses a read of more than <see cref="ValueQuery.MaxRows"/> rows before anything is sent. The current
    /// versions in range bound a flat read from above (one cheap index count); only when they exceed the limit
    /// is the flat read itself counted.
    /// </summary>
    private static async Task EnsureWithinLimitAsync(NpgsqlConnection connection, ValueQuery query, TenantScope scope, CancellationToken cancellationToken)
    {
        var bound = query.Mode == ReadMode.Flat ? query with { Mode = ReadMode.Overlapping, AllVersions = false } : query;
        if (await CountAsync(connection, bound, scope, query.MaxRows + 1, cancellationToken) <= query.MaxRows
            || (bound != query && await CountAsync(connection, query, scope, query.MaxRows + 1, cancellationToken) <= query.MaxRows))
        {
            return;
        }

        throw new ResultTooLargeException(
            $"This read matches more than {query.MaxRows} rows, the most one response carries. Narrow it: a shorter valid-time range " +
            "(start_valid, end_valid), fewer series (series_key, series_id) or a known-time window (start_known, end_known), " +
            "and read the rest in further requests.");
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, ValueQuery query, TenantScope scope, long limit, CancellationToken cancellationToken)
    {
        await using var command = ValueQuerySql.BuildCount(query, scope, limit, connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
