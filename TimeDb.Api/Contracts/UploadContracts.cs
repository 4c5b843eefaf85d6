using System.Text.Json;
using TimeDb.Api.Uploads;
using TimeDb.Domain.Runs;

namespace TimeDb.Api.Contracts;

/// <summary>
/// JSON body of <c>POST /runs</c> (and <c>POST /upload</c>): one run with its values. Read as a stream by
/// <c>JsonUploadReader</c>, its value_rows element by element (<see cref="JsonValueRows"/>).
/// </summary>
internal sealed class UploadRequest
{
    /// <summary>When the run started (required).</summary>
    /// <example>2025-06-01T06:00:00Z</example>
    public DateTimeOffset? RunStartTime { get; set; }

    public DateTimeOffset? RunFinishTime { get; set; }

    /// <summary>When the values became known; default: the time of the upload.</summary>
    /// <example>2025-06-01T06:00:00Z</example>
    public DateTimeOffset? KnownTime { get; set; }

    /// <summary>Default <c>api-workflow</c>.</summary>
    /// <example>wind-day-ahead</example>
    public string? WorkflowId { get; set; }

    /// <summary>Only in single-user mode; with a key it must be the key's tenant or absent.</summary>
    public Guid? TenantId { get; set; }

    /// <summary>A JSON object of parameters, or null.</summary>
    public JsonElement? RunParams { get; set; }

    /// <summary>Descriptions of series created by this upload, by value_key.</summary>
    public Dictionary<string, string>? SeriesDescriptions { get; set; }

    /// <summary>Units of series created by this upload, by value_key (default <c>dimensionless</c>).</summary>
    public Dictionary<string, string>? SeriesUnits { get; set; }

    /// <summary>The values (required; may be empty).</summary>
    public JsonValueRows? ValueRows { get; set; }
}

/// <summary>One value of an upload.</summary>
public sealed class ValueRowRequest
{
    /// <summary>The time the value is about (required).</summary>
    /// <example>2025-06-02T00:00:00Z</example>
    public DateTimeOffset? ValidTime { get; set; }

    /// <summary>End of the interval; omit for a point value. Must be after valid_time.</summary>
    public DateTimeOffset? ValidTimeEnd { get; set; }

    /// <summary>Name of the series; created in your tenant if new.</summary>
    /// <example>wind_farm_a</example>
    public string? ValueKey { get; set; }

    /// <summary>The value; null is allowed (a known gap).</summary>
    /// <example>42.5</example>
    public double? Value { get; set; }

    /// <summary>Optional: an existing series of yours, which must be the value_key's.</summary>
    public Guid? SeriesId { get; set; }
}

/// <summary>Answer to an upload.</summary>
public sealed record UploadResponse(Guid RunId, string Message, IReadOnlyDictionary<string, Guid> SeriesIds, long RowsInserted)
{
    // series_ids in key order: a replayed answer (from the idempotency record) reads exactly like the first.
    internal static UploadResponse From(IngestResult result) =>
        new(result.RunId, $"Run stored with {result.RowsInserted} value(s)",
            new SortedDictionary<string, Guid>(result.SeriesIds.ToDictionary(), StringComparer.Ordinal), result.RowsInserted);
}
