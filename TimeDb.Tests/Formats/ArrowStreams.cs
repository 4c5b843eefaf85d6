using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;

namespace TimeDb.Tests.Formats;

/// <summary>Arrow IPC streams for upload tests, written by Apache.Arrow's ArrowStreamWriter (as a .NET client would).</summary>
internal static class ArrowStreams
{
    public static readonly TimestampType Utc = new(TimeUnit.Microsecond, "UTC");

    /// <summary>A column: its name and one array per batch (all batches have the same row counts across columns).</summary>
    public sealed record Column(string Name, IArrowType Type, IReadOnlyList<IArrowArray> Batches, bool Nullable = true);

    /// <summary>A stream of the columns' batches; without <paramref name="end"/> the end-of-stream marker is left out.</summary>
    public static byte[] Write(IReadOnlyList<Column> columns, bool end = true)
    {
        var schema = new Apache.Arrow.Schema(columns.Select(c => new Field(c.Name, c.Type, c.Nullable)), null);
        using var stream = new MemoryStream();
        using (var writer = new ArrowStreamWriter(stream, schema, leaveOpen: true))
        {
            writer.WriteStart();
            var batches = columns[0].Batches.Count;
            for (var b = 0; b < batches; b++)
            {
                using var batch = new RecordBatch(schema, columns.Select(c => c.Batches[b]), columns[0].Batches[b].Length);
                writer.WriteRecordBatch(batch);
            }

            if (end)
            {
                writer.WriteEnd();
            }
        }

        return stream.ToArray();
    }

    public static Column Times(string name, params DateTimeOffset?[][] batches) => new(name, Utc, [.. batches.Select(values =>
    {
        var builder = new TimestampArray.Builder(Utc);
        foreach (var value in values)
        {
            if (value is { } time)
            {
                builder.Append(time);
            }
            else
            {
                builder.AppendNull();
            }
        }

        return (IArrowArray)builder.Build();
    })]);

    public static Column Texts(string name, params string?[][] batches) => new(name, StringType.Default, [.. batches.Select(values =>
    {
        var builder = new StringArray.Builder();
        foreach (var value in values)
        {
            if (value is null)
            {
                builder.AppendNull();
            }
            else
            {
                builder.Append(value);
            }
        }

        return (IArrowArray)builder.Build();
    })]);

    public static Column Doubles(string name, params double?[][] batches) => new(name, DoubleType.Default, [.. batches.Select(values =>
    {
        var builder = new DoubleArray.Builder();
        foreach (var value in values)
        {
            builder.Append(value);
        }

        return (IArrowArray)builder.Build();
    })]);

    public static DateTimeOffset T(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);
}
