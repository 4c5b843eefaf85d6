using System.Globalization;

namespace TimeDb.Cli.Bench;

/// <summary>
/// Samples a process's resident memory (Linux <c>/proc/PID/status</c>, VmRSS) every 20 ms while a
/// measurement runs: the peak, and how far it rose above the level at the start.
/// </summary>
internal sealed class MemoryWatch : IAsyncDisposable
{
    private readonly int _processId;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private long _peakKb;

    private MemoryWatch(int processId, long startKb)
    {
        _processId = processId;
        StartKb = startKb;
        _peakKb = startKb;
        _sampling = SampleAsync();
    }

    public long StartKb { get; }

    /// <summary>Starts watching, or returns null when the process's memory cannot be read here.</summary>
    public static MemoryWatch? Start(int? processId) =>
        processId is { } pid && ReadRssKb(pid) is { } start ? new MemoryWatch(pid, start) : null;

    /// <summary>Stops sampling; returns (peak MB, growth MB above the start).</summary>
    public async Task<(double PeakMb, double GrowthMb)> StopAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        if (ReadRssKb(_processId) is { } last)
        {
            _peakKb = Math.Max(_peakKb, last);
        }

        return (_peakKb / 1024.0, (_peakKb - StartKb) / 1024.0);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            await _sampling;
        }

        _stop.Dispose();
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                if (ReadRssKb(_processId) is { } rss && rss > _peakKb)
                {
                    _peakKb = rss;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private static long? ReadRssKb(int processId)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{processId}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }
}
