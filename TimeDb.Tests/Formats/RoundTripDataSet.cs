using System.Globalization;
using System.Text;
using TimeDb.Tests.Support;
using static TimeDb.Tests.Formats.ArrowStreams;

namespace TimeDb.Tests.Formats;

/// <summary>A run of the round-trip data set: the fields a read shows again (known_time) and the one every upload needs.</summary>
internal sealed record RoundTripRun(string RunStartTime, string KnownTime);

/// <summary>
/// One value of the round-trip data set: the run (index into <see cref="RoundTripDataSet.Runs"/>) that uploads it, what
/// the upload carries, and the annotation and tags set on it afterwards by <c>PUT /values</c> (no upload format carries
/// them, SPEC §5 and §11). Times are written as TimeDB writes them, tags as TimeDB stores them (trimmed, lower case, sorted).
/// </summary>
internal sealed record RoundTripValue(int Run, string Key, string ValidTime, string? ValidTimeEnd, double? Value, string? Annotation = null, string[]? Tags = null);

/// <summary>
/// The one data set of <see cref="RoundTripMatrixTests"/>, and how each upload format carries it. Four series: three
/// with units (one key needs CSV quoting and is not ASCII), one left at the default unit; two runs whose values overlap,
/// so flat and overlapping reads differ; points and intervals at the same valid_time; null values; microsecond and
/// fractional-second times; numbers at the edges of double's range; an annotation and tags that need CSV quoting.
/// </summary>
internal static class RoundTripDataSet
{
    public const string Load = "load, \"north\" Ω";
    public const string Status = "status";
    public const string Temperature = "temperature";
    public const string Wind = "wind_farm_a";

    /// <summary>The units given to the series; <see cref="Status"/> has none, so it reads as <c>dimensionless</c>.</summary>
    public static readonly IReadOnlyDictionary<string, string> Units = new Dictionary<string, string>
    {
        [Load] = "MW",
        [Temperature] = "°C",
        [Wind] = "m/s",
    };

    public static readonly RoundTripRun[] Runs =
    [
        new("2025-01-01T05:00:00Z", "2025-01-01T06:00:00.123456Z"),
        new("2025-01-01T11:00:00Z", "2025-01-01T12:00:00.5Z"),
    ];

    public static readonly RoundTripValue[] Values =
    [
        new(0, Wind, "2025-01-02T00:00:00Z", null, 41.5, Annotation: "first guess", Tags: ["model-a"]),
        new(0, Wind, "2025-01-02T00:00:00Z", "2025-01-02T01:00:00Z", 0.1 + 0.2),
        new(0, Wind, "2025-01-02T01:00:00Z", null, null),
        new(0, Load, "2025-01-02T00:00:00.000001Z", null, 1e20, Annotation: "checked, \"ok\"\nsecond line ünï", Tags: ["a,b", "say \"hi\"", "ünï"]),
        new(0, Load, "2025-01-02T00:30:00.5Z", "2025-01-02T00:45:00.999999Z", -123456.789e-10),
        new(0, Status, "2025-01-02T02:00:00Z", null, 5e-324),
        new(0, Temperature, "2025-01-02T00:00:00Z", null, -12.75, Tags: ["sensor"]),
        new(1, Wind, "2025-01-02T00:00:00Z", null, 40.25, Annotation: "revised"),
        new(1, Wind, "2025-01-02T01:00:00Z", null, 44),
        new(1, Temperature, "2025-01-02T00:00:00Z", null, null),
        new(1, Status, "2025-01-02T03:00:00Z", null, -0.0),
    ];

    public static IEnumerable<RoundTripValue> Of(int run) => Values.Where(v => v.Run == run);

    /// <summary>The JSON body of <c>POST /runs</c>: units in series_units.</summary>
    public static object JsonBody(int run) => new
    {
        run_start_time = Runs[run].RunStartTime,
        known_time = Runs[run].KnownTime,
        series_units = Units,
        value_rows = Of(run).Select(v => Uploads.Row(v.Key, v.ValidTime, v.Value, v.ValidTimeEnd)).ToArray(),
    };

    /// <summary>The run's fields as the query parameters of a CSV or Arrow upload.</summary>
    public static string Query(int run) =>
        $"run_start_time={Uri.EscapeDataString(Runs[run].RunStartTime)}&known_time={Uri.EscapeDataString(Runs[run].KnownTime)}";

    /// <summary>A CSV body: the columns in another order than the documentation's, quoted only where RFC 4180 needs it.</summary>
    public static string Csv(int run)
    {
        var csv = new StringBuilder("value_key,valid_time_end,value,valid_time\r\n");
        foreach (var v in Of(run))
        {
            csv.Append(CultureInfo.InvariantCulture, $"{CsvField(v.Key)},{v.ValidTimeEnd},{v.Value?.ToString("R", CultureInfo.InvariantCulture)},{v.ValidTime}\r\n");
        }

        return csv.ToString();
    }

    /// <summary>An Arrow IPC stream of the rows, one record batch.</summary>
    public static byte[] Arrow(int run)
    {
        var values = Of(run).ToList();
        return Write(
        [
            Texts("value_key", [.. values.Select(v => v.Key)]),
            Doubles("value", [.. values.Select(v => v.Value)]),
            Times("valid_time", [.. values.Select(v => (DateTimeOffset?)T(v.ValidTime))]),
            Times("valid_time_end", [.. values.Select(v => v.ValidTimeEnd is null ? (DateTimeOffset?)null : T(v.ValidTimeEnd))]),
        ]);
    }

    private static string CsvField(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
