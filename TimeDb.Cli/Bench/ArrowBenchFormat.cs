using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;

namespace TimeDb.Cli.Bench;

/// <summary>
/// Apache Arrow IPC stream: upload columns <c>valid_time</c> timestamp[us, UTC], <c>value_key</c> utf8, <c>value</c> float64,
/// in record batches of 65,536 rows; a read's answer is counted batch by batch with Apache.Arrow's own reader.
/// </summary>
internal sealed class ArrowBenchFormat() : BenchFormat("arrow", "application/vnd.apache.arrow.stream")
{
    private const int BatchRows = 65_536;
    private static readonly TimestampType ValidTimeType = new(TimeUnit.Microsecond, "UTC");

    private static readonly Schema UploadSchema = new Schema.Builder()
        .Field(f => f.Name("valid_time").DataType(ValidTimeType).Nullable(false))
        .Field(f => f.Name("value_key").DataType(StringType.Default).Nullable(false))
        .Field(f => f.Name("value").DataType(DoubleType.Default).Nullable(true))
        .Build();

    public override async Task WriteUploadAsync(BenchDataset dataset, Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        using var writer = new ArrowStreamWriter(body, UploadSchema, leaveOpen: true);
        using var rows = dataset.AllRows().GetEnumerator();
        var more = rows.MoveNext();
        while (more)
        {
            var times = new TimestampArray.Builder(ValidTimeType);
            var keys = new StringArray.Builder();
            var values = new DoubleArray.Builder();
            var count = 0;
            for (; more && count < BatchRows; count++, more = rows.MoveNext())
            {
                times.Append(new DateTimeOffset(rows.Current.ValidTime));
                keys.Append(rows.Current.ValueKey);
                values.Append(rows.Current.Value);
            }

            using var batch = new RecordBatch(UploadSchema, [times.Build(), keys.Build(), values.Build()], count);
            await writer.WriteRecordBatchAsync(batch, cancellationToken);
        }

        await writer.WriteEndAsync(cancellationToken);
    }

    public override async Task<long> CountRowsAsync(Stream answer, CancellationToken cancellationToken)
    {
        using var reader = new ArrowStreamReader(answer, leaveOpen: true);
        long rows = 0;
        while (await reader.ReadNextRecordBatchAsync(cancellationToken) is { } batch)
        {
            rows += batch.Length;
            batch.Dispose();
        }

        return rows;
    }
}
