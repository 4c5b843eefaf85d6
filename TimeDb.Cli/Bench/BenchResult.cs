namespace TimeDb.Cli.Bench;

/// <summary>One line of the benchmark's report.</summary>
internal sealed record BenchResult(string Name, string Unit, long Count, TimeSpan Elapsed)
{
    public double? P50Ms { get; init; }

    public double? P99Ms { get; init; }

    public long Errors { get; init; }

    public double? ServerPeakMb { get; init; }

    public double? ServerGrowthMb { get; init; }

    /// <summary>The PostgreSQL ceiling this figure compares with, in the same unit per second.</summary>
    public double? CeilingPerSecond { get; init; }

    public string? CeilingName { get; init; }

    public double PerSecond => Elapsed > TimeSpan.Zero ? Count / Elapsed.TotalSeconds : 0;

    public double? RatioToCeiling => CeilingPerSecond is > 0 ? PerSecond / CeilingPerSecond : null;
}
