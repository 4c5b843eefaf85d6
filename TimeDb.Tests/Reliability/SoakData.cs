using System.Globalization;
using System.Text.Json;

namespace TimeDb.Tests.Reliability;

/// <summary>One row of <c>GET /values</c>, as much of it as the soak checks.</summary>
internal sealed record ValueRow(DateTimeOffset ValidTime, DateTimeOffset? ValidTimeEnd, Guid SeriesId, string SeriesKey, double? Value, Guid RunId);

internal sealed record ValuesPage(List<ValueRow> Data, long Count);

internal sealed record RunRow(Guid RunId, Guid TenantId, string WorkflowId, DateTimeOffset RunStartTime);

internal sealed record SeriesRow(Guid SeriesId, Guid TenantId, string SeriesKey);

/// <summary>
/// The shape of the soak's data: every series has values on the same 48 hourly valid times, so flat reads
/// stay bounded however long the soak runs; series keys carry their tenant's prefix; a key ending in
/// <c>_iv</c> holds hour-long intervals. Known times are whole seconds, unique across all clients.
/// </summary>
internal static class SoakData
{
    public const int Hours = 48;

    public static readonly DateTimeOffset ValidStart = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset KnownStart = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string TenantPrefix(int tenant) => $"soak_tenant{(char)('a' + tenant)}_";

    public static bool IsInterval(string seriesKey) => seriesKey.EndsWith("_iv", StringComparison.Ordinal);

    public static DateTimeOffset ValidTime(int hour) => ValidStart.AddHours(hour);

    public static int HourOf(DateTimeOffset validTime) => (int)(validTime - ValidStart).TotalHours;

    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Compares a flat read with the prediction; returns what differs (empty when equal).</summary>
    public static List<string> CompareFlat(IReadOnlyList<ValueRow> rows, Dictionary<(string SeriesKey, int Hour), (Guid RunId, double? Value)> expected)
    {
        var problems = new List<string>();
        var seen = new HashSet<(string, int)>();
        foreach (var row in rows)
        {
            var at = (row.SeriesKey, HourOf(row.ValidTime));
            if (!seen.Add(at))
            {
                problems.Add($"flat row repeated: {row.SeriesKey} @ {Iso(row.ValidTime)}");
            }
            else if (!expected.TryGetValue(at, out var want))
            {
                problems.Add($"flat row not expected: {row.SeriesKey} @ {Iso(row.ValidTime)} run {row.RunId}");
            }
            else if (want.RunId != row.RunId || want.Value != row.Value)
            {
                problems.Add($"flat row {row.SeriesKey} @ {Iso(row.ValidTime)}: got run {row.RunId} value {Show(row.Value)}, expected run {want.RunId} value {Show(want.Value)}");
            }

            problems.AddRange(ShapeProblems(row));
        }

        problems.AddRange(expected.Keys.Where(k => !seen.Contains(k)).Select(k => $"flat row missing: {k.SeriesKey} @ {Iso(ValidTime(k.Hour))}"));
        return problems;
    }

    /// <summary>Compares overlapping rows with the ledgers' records (every returned row must be one of them, with its current value).</summary>
    public static List<string> CompareOverlapping(IReadOnlyList<ValueRow> rows, Func<RecordKey, (bool Found, double? Value)> lookup, int expectedCount)
    {
        var problems = new List<string>();
        var seen = new HashSet<RecordKey>();
        foreach (var row in rows)
        {
            var key = new RecordKey(row.RunId, row.SeriesKey, HourOf(row.ValidTime));
            var (found, value) = lookup(key);
            if (!seen.Add(key))
            {
                problems.Add($"overlapping row repeated: {key}");
            }
            else if (!found)
            {
                problems.Add($"overlapping row not expected: {key}");
            }
            else if (value != row.Value)
            {
                problems.Add($"overlapping row {key}: got value {Show(row.Value)}, expected {Show(value)}");
            }

            problems.AddRange(ShapeProblems(row));
        }

        if (rows.Count != expectedCount)
        {
            problems.Add($"overlapping read returned {rows.Count} rows, expected {expectedCount}");
        }

        return problems;
    }

    private static IEnumerable<string> ShapeProblems(ValueRow row)
    {
        var hour = HourOf(row.ValidTime);
        if (hour is < 0 or >= Hours || ValidTime(hour) != row.ValidTime)
        {
            yield return $"row {row.SeriesKey} has a valid_time outside the soak's window: {Iso(row.ValidTime)}";
        }

        var end = IsInterval(row.SeriesKey) ? row.ValidTime.AddHours(1) : (DateTimeOffset?)null;
        if (row.ValidTimeEnd != end)
        {
            yield return $"row {row.SeriesKey} @ {Iso(row.ValidTime)} has valid_time_end {row.ValidTimeEnd?.ToString("O", CultureInfo.InvariantCulture) ?? "null"}";
        }
    }

    private static string Show(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "null";
}
