using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Unicode;

namespace TimeDb.Cli.Bench;

/// <summary>CSV (RFC 4180): upload columns <c>valid_time,value_key,value</c>; a read's answer is a header and one line per row.</summary>
internal sealed class CsvBenchFormat() : BenchFormat("csv", "text/csv")
{
    public override async Task WriteUploadAsync(BenchDataset dataset, Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        await body.WriteAsync("valid_time,value_key,value\n"u8.ToArray(), cancellationToken);
        var lines = new Utf8ChunkWriter(body);
        foreach (var row in dataset.AllRows())
        {
            await lines.AdvanceAsync(Write(lines.Free, CultureInfo.InvariantCulture, $"{row.ValidTime:yyyy-MM-dd'T'HH:mm:ss'Z'},{row.ValueKey},{row.Value:R}\n"), cancellationToken);
        }

        await lines.FlushAsync(cancellationToken);
    }

    /// <summary>Counts line ends: the benchmark's rows hold no quoted line breaks (no annotations).</summary>
    public override async Task<long> CountRowsAsync(Stream answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var buffer = new byte[128 * 1024];
        long lines = 0;
        int read;
        while ((read = await answer.ReadAsync(buffer, cancellationToken)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        return lines > 0 ? lines - 1 : throw new CliException("the read's CSV answer had no header line");
    }

    /// <summary>Formats one line into <paramref name="destination"/> and returns its length (pass the invariant culture).</summary>
    public static int Write(Span<byte> destination, IFormatProvider provider,
        [InterpolatedStringHandlerArgument(nameof(destination), nameof(provider))] ref Utf8.TryWriteInterpolatedStringHandler line) =>
        Utf8.TryWrite(destination, provider, ref line, out var written) ? written : throw new InvalidOperationException("a CSV line longer than its buffer");
}
