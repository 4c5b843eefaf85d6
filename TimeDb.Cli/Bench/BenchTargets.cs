using System.Globalization;

namespace TimeDb.Cli.Bench;

/// <summary>A target of issue 14 and whether this run met it (null: not measured).</summary>
internal sealed record BenchTarget(string Text, bool? Met);

/// <summary>The scenarios of the report, and the targets issue 14 sets for each (ratios to the physical ceilings).</summary>
internal static class BenchTargets
{
    public const string Ingest = "ingest";
    public const string FlatRead = "flat read";
    public const string OverlappingRead = "overlapping read";
    public const string SmallReads = "small reads";
    public const string Updates = "updates";

    /// <summary>The format of PostgreSQL's own figures (the ceilings).</summary>
    public const string Ceiling = "postgresql";

    public const double MaxGrowthMb = 100;
    public const double SmallReadsPerSecond = 3_000;
    public const double SmallReadP99Ms = 20;

    /// <summary>The ratio to its ceiling a scenario must reach in a format.</summary>
    public static double? Ratio(string scenario, string format) => (scenario, format) switch
    {
        (_, Ceiling) => null,
        (Ingest, "json") => 0.8,
        (Ingest, _) => 0.9,
        (FlatRead or OverlappingRead, "json") => 0.6,
        (FlatRead or OverlappingRead, "csv") => 0.8,
        (FlatRead or OverlappingRead, "arrow") => 1.0,
        (SmallReads, _) => 0.8,
        _ => null,
    };

    public static IReadOnlyList<BenchTarget> Check(BenchFigure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var targets = new List<BenchTarget>();
        if (Ratio(figure.Scenario, figure.Format) is { } ratio)
        {
            targets.Add(new(string.Create(CultureInfo.InvariantCulture, $"ratio >= {ratio:0.0#}"), figure.Ratio is { } r ? r >= ratio : null));
        }

        if (figure.Scenario is Ingest or FlatRead or OverlappingRead)
        {
            targets.Add(new(string.Create(CultureInfo.InvariantCulture, $"memory < {MaxGrowthMb:0} MB"), figure.ServerGrowthMb is { } growth ? growth < MaxGrowthMb : null));
        }

        if (figure.Scenario is SmallReads)
        {
            targets.Add(new(string.Create(CultureInfo.InvariantCulture, $">= {SmallReadsPerSecond:N0} req/s"), figure.Median is { } rate ? rate >= SmallReadsPerSecond : null));
            targets.Add(new(string.Create(CultureInfo.InvariantCulture, $"p99 < {SmallReadP99Ms:0} ms"), figure.P99Ms is { } p99 ? p99 < SmallReadP99Ms : null));
        }

        return targets;
    }
}
