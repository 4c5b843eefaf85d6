namespace TimeDb.Cli.Bench;

/// <summary>One timed run of a measurement.</summary>
internal sealed record Sample(long Count, TimeSpan Elapsed)
{
    public double PerSecond => Elapsed > TimeSpan.Zero ? Count / Elapsed.TotalSeconds : 0;

    public double? P50Ms { get; init; }

    public double? P99Ms { get; init; }

    public long Errors { get; init; }

    /// <summary>The API's resident memory: its peak during the run, and how far that is above the level at the start.</summary>
    public double? ServerPeakMb { get; init; }

    public double? ServerGrowthMb { get; init; }

    /// <summary>How fast the client consumed the answer (bytes over the time it spent outside the socket's reads).</summary>
    public double? ClientMbPerSecond { get; init; }
}

/// <summary>
/// One line of the report: a scenario in one format, measured <see cref="Samples"/> times (the median counts),
/// or not available with the reason; for the API's figures, the physical ceiling it is compared with.
/// </summary>
internal sealed record BenchFigure(string Scenario, string Format, string Unit, string Method)
{
    public IReadOnlyList<Sample> Samples { get; init; } = [];

    /// <summary>Why there is no figure (a format the server does not serve yet, a tool that is not installed).</summary>
    public string? NotAvailable { get; init; }

    public BenchFigure? Ceiling { get; init; }

    public ClientSpeed? Client { get; init; }

    /// <summary>Bytes of one upload body or of one read's answer.</summary>
    public long? Bytes { get; init; }

    public double? Median => Samples.Count == 0 ? null : MedianOf(Samples.Select(s => s.PerSecond));

    public double? Ratio => Median is { } api && Ceiling?.Median is > 0 and var ceiling ? api / ceiling : null;

    public double? P50Ms => MedianOf(Samples.Select(s => s.P50Ms));

    public double? P99Ms => MedianOf(Samples.Select(s => s.P99Ms));

    public long Errors => Samples.Sum(s => s.Errors);

    /// <summary>The worst of the runs: a memory bound holds only if it holds every time.</summary>
    public double? ServerGrowthMb => Samples.Max(s => s.ServerGrowthMb);

    public double? ServerPeakMb => Samples.Max(s => s.ServerPeakMb);

    public static BenchFigure Unavailable(string scenario, string format, string unit, string method, string why) =>
        new(scenario, format, unit, method) { NotAvailable = why };

    private static double? MedianOf(IEnumerable<double?> values)
    {
        var known = values.OfType<double>().Order().ToArray();
        return known.Length == 0 ? null
            : known.Length % 2 == 1 ? known[known.Length / 2]
            : (known[known.Length / 2 - 1] + known[known.Length / 2]) / 2;
    }

    private static double MedianOf(IEnumerable<double> values) => MedianOf(values.Select(v => (double?)v))!.Value;
}
