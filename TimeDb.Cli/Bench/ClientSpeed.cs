using System.Diagnostics;

namespace TimeDb.Cli.Bench;

/// <summary>How fast the client produces or consumes a format on its own, so a reader can tell it is not the limit.</summary>
internal sealed record ClientSpeed(double MbPerSecond, double RowsPerSecond, string How)
{
    /// <summary>Writes a body to a null sink and times it: the client's own speed producing it.</summary>
    public static async Task<(ClientSpeed Speed, long Bytes)> ProduceAsync(long rows, Func<Stream, CancellationToken, Task> write,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var sink = new MeteredStream(Stream.Null);
        var clock = Stopwatch.StartNew();
        await write(sink, cancellationToken);
        var seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-6);
        return (new ClientSpeed(sink.Bytes / 1e6 / seconds, rows / seconds, "producing the body into a null sink"), sink.Bytes);
    }

    /// <summary>The client's speed consuming an answer: its bytes over the read's time outside the socket's reads.</summary>
    public static ClientSpeed? Consumed(IEnumerable<Sample> samples, long rows, long bytes)
    {
        var rates = samples.Select(s => s.ClientMbPerSecond).OfType<double>().Order().ToArray();
        if (rates.Length == 0 || bytes == 0)
        {
            return null;
        }

        var median = rates[rates.Length / 2];
        return new ClientSpeed(median, rows / (bytes / 1e6 / median), "consuming the answer (time outside the socket's reads)");
    }
}
