using System.Data;
using System.Runtime.CompilerServices;
using Npgsql;
using TimeDb.Domain.Errors;
using TimeDb.Domain.Tenancy;
using TimeDb.Domain.Values;

namespace TimeDb.Infrastructure.Values;

/// <summary>
/// Streams value rows from PostgreSQL as they arrive: one round trip on one connection (<see cref="ValueQuerySql"/>),
/// nothing buffered beyond one group of <see cref="SeriesKeyOrder"/>.
/// </summary>
internal sealed class ValueReader(NpgsqlDataSource dataSource, ITenantContext tenant) : IValueReader
{
    public async IAsyncEnumerable<ValueRecord> ReadAsync(ValueQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var scope = tenant.Scope; // before any connection: no scope, no read
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = ValueQuerySql.Build(query, scope, connection);
        // Not SequentialAccess: ReadAsync buffers each row whole (the widest the caps allow take ~7 kB), so reading a
        // field never waits on the socket; in sequential mode a row split across two buffers was read with blocking I/O.
        await using var reader = await batch.ExecuteReaderAsync(CommandBehavior.Default, cancellationToken);
        var series = await ReadSeriesAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);

        if (query.MaxRows > 0)
        {
            // Refused before the first row is read, so before any byte of the answer is sent.
            await reader.ReadAsync(cancellationToken);
            if (reader.GetInt64(0) > query.MaxRows)
            {
                throw new ResultTooLargeException(
                    $"This read matches more than {query.MaxRows} rows, the most one response carries. Narrow it: a shorter valid-time range " +
                    "(start_valid, end_valid), fewer series (series_key, series_id) or a known-time window (start_known, end_known), " +
                    "and read the rest in further requests.");
            }

            await reader.NextResultAsync(cancellationToken);
        }

        // One loop, one iterator: a row is read, put in its group, and the groups it closes are passed on.
        var order = new SeriesKeyOrder(query.Mode);
        var versions = reader.FieldCount > ValueQuerySql.ColumnCount; // the statement decided: all_versions reads select the version columns
        while (await reader.ReadAsync(cancellationToken))
        {
            // Columns in their order: Npgsql seeks back within a row at a cost.
            var validTime = reader.GetFieldValue<DateTime>(0);
            DateTime? validTimeEnd = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTime>(1);
            var seriesId = reader.GetGuid(2);
            if (!series.TryGetValue(seriesId, out var names))
            {
                // Each statement has its own snapshot: an upload that committed between the two brought a new series.
                names = series[seriesId] = await FindSeriesAsync(seriesId, scope, cancellationToken);
            }

            foreach (var row in order.Add(Row(reader, validTime, validTimeEnd, seriesId, names, versions)))
            {
                yield return row;
            }
        }

        foreach (var row in order.Finish())
        {
            yield return row;
        }
    }

    private static async Task<Dictionary<Guid, (string Key, string Unit)>> ReadSeriesAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var series = new Dictionary<Guid, (string, string)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            series[reader.GetGuid(0)] = (reader.GetString(1), reader.GetString(2));
        }

        return series;
    }

    /// <summary>The row, from its columns after series_id (the first three are read by the caller).</summary>
    private static ValueRecord Row(NpgsqlDataReader reader, DateTime validTime, DateTime? validTimeEnd, Guid seriesId, (string Key, string Unit) names, bool versions)
    {
        const int v = ValueQuerySql.ColumnCount;
        return new ValueRecord(
            ValidTime: validTime,
            ValidTimeEnd: validTimeEnd,
            SeriesId: seriesId,
            SeriesKey: names.Key,
            SeriesUnit: names.Unit,
            Value: reader.IsDBNull(3) ? null : reader.GetDouble(3),
            RunId: reader.GetGuid(4),
            KnownTime: reader.GetFieldValue<DateTime>(5),
            Annotation: reader.IsDBNull(6) ? null : reader.GetString(6),
            Tags: reader.IsDBNull(7) ? null : reader.GetFieldValue<string[]>(7),
            ValueId: versions ? reader.GetInt64(v) : 0,
            IsCurrent: !versions || reader.GetBoolean(v + 1),
            ChangedBy: versions && !reader.IsDBNull(v + 2) ? reader.GetString(v + 2) : null,
            ChangeTime: versions ? reader.GetFieldValue<DateTime>(v + 3) : default);
    }

    private async Task<(string Key, string Unit)> FindSeriesAsync(Guid seriesId, TenantScope scope, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = ValueQuerySql.BuildSeriesOf(seriesId, scope, connection);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var found = await ReadSeriesAsync(reader, cancellationToken);
        return found[seriesId]; // a series is never deleted while it has values (tr_series_restrict_delete)
    }
}
