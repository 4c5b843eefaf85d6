using System.Data;
using System.Runtime.CompilerServices;
using Npgsql;
using TimeDb.Domain.Values;

namespace TimeDb.Infrastructure.Values;

/// <summary>Streams value rows from PostgreSQL as they arrive; nothing is buffered beyond one row.</summary>
internal sealed class ValueReader(NpgsqlDataSource dataSource) : IValueReader
{
    public async IAsyncEnumerable<ValueRecord> ReadAsync(ValueQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = ValueQuerySql.Build(query, connection);
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
}
