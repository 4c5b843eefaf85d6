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

    /// <summary>
    /// A stream of the columns' batches; without <paramref name="end"/> the end-of-stream marker is left out; with
    /// <paramref name="compressed"/> each batch's metadata declares an LZ4-compressed body.
    /// </summary>
    public static byte[] Write(IReadOnlyList<Column> columns, bool end = true, bool compressed = false)
    {
        var schema = new Apache.Arrow.Schema(columns.Select(c => new Field(c.Name, c.Type, c.Nullable)), null);
        var options = compressed
            ? new IpcOptions { CompressionCodec = CompressionCodecType.Lz4Frame, CompressionCodecFactory = new StoredCodec() }
            : new IpcOptions();
        using var stream = new MemoryStream();
        using (var writer = new ArrowStreamWriter(stream, schema, leaveOpen: true, options))
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

    /// <summary>
    /// Writes buffers as they are under a compression codec's name: enough to make the stream declare a compressed body
    /// (the server must refuse it before it would decompress anything), without a compression package in the tests.
    /// </summary>
    private sealed class StoredCodec : ICompressionCodecFactory, ICompressionCodec
    {
        public ICompressionCodec CreateCodec(CompressionCodecType compressionCodecType) => this;

        public ICompressionCodec CreateCodec(CompressionCodecType compressionCodecType, int? compressionLevel) => this;

        public void Compress(ReadOnlyMemory<byte> source, Stream destination) => destination.Write(source.Span);

        public int Decompress(ReadOnlyMemory<byte> source, Memory<byte> destination)
        {
            source.CopyTo(destination);
            return source.Length;
        }

        public void Dispose()
        {
        }
    }
}
