using Microsoft.AspNetCore.Mvc;
using TimeDb.Domain.Values;

namespace TimeDb.Api.Contracts;

/// <summary>Filters of <c>GET /values</c>. Ranges are half-open [start, end).</summary>
public sealed class ValuesQueryParameters
{
    [FromQuery(Name = "start_valid")]
    public DateTimeOffset? StartValid { get; set; }

    [FromQuery(Name = "end_valid")]
    public DateTimeOffset? EndValid { get; set; }

    /// <summary>Only values known at or after this time.</summary>
    [FromQuery(Name = "start_known")]
    public DateTimeOffset? StartKnown { get; set; }

    /// <summary>Only values known before this time: what was known at that moment.</summary>
    [FromQuery(Name = "end_known")]
    public DateTimeOffset? EndKnown { get; set; }

    /// <summary><c>flat</c> (default): latest knowledge per valid time; <c>overlapping</c>: every revision.</summary>
    [FromQuery(Name = "mode")]
    public string? Mode { get; set; }

    /// <summary>Repeatable: only these series keys.</summary>
    [FromQuery(Name = "series_key")]
    public string[]? SeriesKey { get; set; }

    /// <summary>Repeatable: only these series ids.</summary>
    [FromQuery(Name = "series_id")]
    public Guid[]? SeriesId { get; set; }

    /// <summary>Overlapping only: include retired versions (corrections history).</summary>
    [FromQuery(Name = "all_versions")]
    public bool? AllVersions { get; set; }

    /// <summary>Single-user mode only: narrow to one tenant (with a key: your own tenant or left out).</summary>
    /// <remarks>Applied by the tenant context (TenantContextMiddleware), not by the action; here for the OpenAPI document.</remarks>
    [FromQuery(Name = "tenant_id")]
    public Guid? TenantId { get; set; }

    /// <summary>
    /// <c>json</c> (default), <c>csv</c> or <c>arrow</c> (an Apache Arrow IPC stream). Wins over the Accept header
    /// (<c>application/json</c>, <c>text/csv</c>, <c>application/vnd.apache.arrow.stream</c>).
    /// </summary>
    [FromQuery(Name = "format")]
    public string? Format { get; set; }

    internal ReadMode ParsedMode => string.Equals(Mode, "overlapping", StringComparison.OrdinalIgnoreCase) ? ReadMode.Overlapping : ReadMode.Flat;

    internal ValueQuery ToQuery() => new(
        ParsedMode, StartValid, EndValid, StartKnown, EndKnown,
        SeriesKey ?? [], SeriesId ?? [], AllVersions ?? false);
}

/// <summary>One row of <c>GET /values</c> (documentation of the streamed shape).</summary>
public sealed record ValueRowResponse(
    DateTimeOffset ValidTime,
    DateTimeOffset? ValidTimeEnd,
    Guid SeriesId,
    string SeriesKey,
    string SeriesUnit,
    double? Value,
    Guid RunId,
    DateTimeOffset KnownTime,
    string? Annotation,
    string[]? Tags,
    long? ValueId,
    bool? IsCurrent,
    string? ChangedBy,
    DateTimeOffset? ChangeTime);

/// <summary>Answer of <c>GET /values</c>: the rows, then their count.</summary>
public sealed record ValuesResponse(IReadOnlyList<ValueRowResponse> Data, long Count);

/// <summary>Body of <c>PUT /values</c>.</summary>
public sealed class UpdateValuesRequest
{
    public List<ValueUpdateRequest>? Updates { get; set; }
}

/// <summary>
/// One correction. value, annotation and tags are tri-state: absent = unchanged, null = clear,
/// a value = set. At least one of them must be present.
/// </summary>
public sealed class ValueUpdateRequest
{
    public Guid? RunId { get; set; }

    public Guid? SeriesId { get; set; }

    public DateTimeOffset? ValidTime { get; set; }

    public DateTimeOffset? ValidTimeEnd { get; set; }

    public Guid? TenantId { get; set; }

    public Optional<double?> Value { get; set; }

    public Optional<string?> Annotation { get; set; }

    public Optional<string?[]?> Tags { get; set; }

    internal ValueUpdate ToUpdate() => new(
        TenantId, RunId!.Value, SeriesId!.Value, ValidTime!.Value, ValidTimeEnd, Value, Annotation,
        Tags.IsSet ? new Optional<string[]?>(Tags.Value?.Select(t => t ?? "").ToArray()) : default);
}

/// <summary>Identifies a record in update answers.</summary>
public sealed record ValueKeyResponse(Guid RunId, Guid TenantId, Guid SeriesId, DateTimeOffset ValidTime, DateTimeOffset? ValidTimeEnd)
{
    internal static ValueKeyResponse From(ValueRecordKey k) => new(k.RunId, k.TenantId, k.SeriesId, k.ValidTime, k.ValidTimeEnd);
}

/// <summary>A new version written by an update.</summary>
public sealed record UpdatedValueResponse(Guid RunId, Guid TenantId, Guid SeriesId, DateTimeOffset ValidTime, DateTimeOffset? ValidTimeEnd, long ValueId);

/// <summary>Answer of <c>PUT /values</c>.</summary>
public sealed record UpdateValuesResponse(IReadOnlyList<UpdatedValueResponse> Updated, IReadOnlyList<ValueKeyResponse> SkippedNoOps)
{
    internal static UpdateValuesResponse From(UpdateBatchResult result) => new(
        result.Updated.Select(u => new UpdatedValueResponse(u.Key.RunId, u.Key.TenantId, u.Key.SeriesId, u.Key.ValidTime, u.Key.ValidTimeEnd, u.ValueId)).ToList(),
        result.SkippedNoOps.Select(ValueKeyResponse.From).ToList());
}
