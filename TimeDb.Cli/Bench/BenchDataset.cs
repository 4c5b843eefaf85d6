using System.Globalization;

namespace TimeDb.Cli.Bench;

/// <summary>One row of the benchmark's forecast.</summary>
internal readonly record struct BenchRow(int Series, int Point, DateTime ValidTime, string ValueKey, double Value);

/// <summary>
/// The benchmark's forecast: <see cref="SeriesKeys"/> series of 15-minute points from <see cref="Start"/>, one run
/// known at <see cref="KnownTime"/>. <see cref="AllRows"/> is the one source every upload body (JSON, CSV, Arrow)
/// and the ceilings' CSV are written from, so every format carries the same rows.
/// </summary>
internal sealed class BenchDataset
{
    public const string WorkflowId = "timedb-bench";
    public static readonly DateTime Start = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    public static readonly TimeSpan Step = TimeSpan.FromMinutes(15);
    public static readonly DateTimeOffset KnownTime = new(Start.AddDays(-1));

    public BenchDataset(int rows, int series, string tag)
    {
        Rows = rows;
        Tag = tag;
        SeriesKeys = Enumerable.Range(0, series).Select(i => $"bench_{tag}_s{i:D2}").ToArray();
    }

    public int Rows { get; }

    /// <summary>Short random text naming this run's series and scratch schema.</summary>
    public string Tag { get; }

    public IReadOnlyList<string> SeriesKeys { get; }

    /// <summary>Points of series <paramref name="series"/>: the rows are spread as evenly as they go.</summary>
    public int PointsOf(int series) => Rows / SeriesKeys.Count + (series < Rows % SeriesKeys.Count ? 1 : 0);

    /// <summary>Start points from which a one-hour window holds four points of every series (the small reads draw from these).</summary>
    public int SmallReadStarts => Math.Max(1, PointsOf(SeriesKeys.Count - 1) - 4);

    public static DateTime ValidTime(int point) => Start + Step * point;

    public static double Value(int series, int point) =>
        Math.Round(100 + series + 50 * Math.Sin(point * Math.PI / 48), 3);

    /// <summary>Every row, series by series, each in valid-time order.</summary>
    public IEnumerable<BenchRow> AllRows()
    {
        for (var s = 0; s < SeriesKeys.Count; s++)
        {
            for (var p = 0; p < PointsOf(s); p++)
            {
                yield return new BenchRow(s, p, ValidTime(p), SeriesKeys[s], Value(s, p));
            }
        }
    }

    /// <summary>The run's fields as the query parameters of a CSV or Arrow upload.</summary>
    public static string RunQuery() =>
        $"run_start_time={Iso(KnownTime.UtcDateTime)}&known_time={Iso(KnownTime.UtcDateTime)}&workflow_id={WorkflowId}";

    /// <summary>A UTC time as the bench writes it in every text format: ISO 8601 to the second, ending in Z.</summary>
    public static string Iso(DateTime time) => time.ToString(IsoFormat, CultureInfo.InvariantCulture);

    public const string IsoFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";
}
