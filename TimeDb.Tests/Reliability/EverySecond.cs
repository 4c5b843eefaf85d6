namespace TimeDb.Tests.Reliability;

/// <summary>Takes a sample once a second in the background until stopped (a failing sample stops the test).</summary>
internal sealed class EverySecond : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<long> _samples = [];
    private Task _loop = Task.CompletedTask;

    public static EverySecond Start(Func<Task<long>> sample)
    {
        var sampler = new EverySecond();
        sampler._loop = Task.Run(() => sampler.LoopAsync(sample));
        return sampler;
    }

    /// <summary>Stops sampling and returns the samples in the order they were taken.</summary>
    public async Task<IReadOnlyList<long>> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        return _samples;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task LoopAsync(Func<Task<long>> sample)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            do
            {
                _samples.Add(await sample());
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped.
        }
    }
}

/// <summary>
/// Resident memory over a soak: warm-up is the first quarter of the samples; of the rest, the median of the
/// first fifth is compared with the median of the last fifth.
/// </summary>
internal sealed record MemoryTrend(double WarmUpEndMb, double FirstMb, double LastMb, double PeakMb)
{
    public double GrowthMb => LastMb - FirstMb;

    /// <summary>Generous: 64 MB or a quarter of the post-warm-up level, whichever is larger.</summary>
    public double AllowedGrowthMb => Math.Max(64, FirstMb * 0.25);

    public static MemoryTrend From(IReadOnlyList<long> residentBytes)
    {
        var mb = residentBytes.Select(b => b / 1024.0 / 1024.0).ToList();
        var warmUp = Math.Max(1, mb.Count / 4);
        var after = mb.Skip(warmUp).ToList();
        var fifth = Math.Max(1, after.Count / 5);
        return new MemoryTrend(mb[warmUp - 1], Median(after.Take(fifth)), Median(after.TakeLast(fifth)), mb.Max());
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
