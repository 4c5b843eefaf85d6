namespace TimeDb.Domain.Values;

/// <summary>How to read values.</summary>
public enum ReadMode
{
    /// <summary>Latest knowledge per (series, valid_time, valid_time_end).</summary>
    Flat,

    /// <summary>Every forecast revision (every current version; every version with all_versions).</summary>
    Overlapping,
}

/// <summary>Filters of a read (the tenant comes from the tenant context); all ranges are half-open [start, end).</summary>
public sealed record ValueQuery(
    ReadMode Mode,
    DateTimeOffset? StartValid,
    DateTimeOffset? EndValid,
    DateTimeOffset? StartKnown,
    DateTimeOffset? EndKnown,
    IReadOnlyList<string> SeriesKeys,
    IReadOnlyList<Guid> SeriesIds,
    bool AllVersions,
    long MaxRows = 0);

/// <summary>One row of a read. The version fields are filled only for all_versions reads.</summary>
public sealed record ValueRecord(
    DateTime ValidTime,
    DateTime? ValidTimeEnd,
    Guid SeriesId,
    string SeriesKey,
    string SeriesUnit,
    double? Value,
    Guid RunId,
    DateTime KnownTime,
    string? Annotation,
    string[]? Tags,
    long ValueId,
    bool IsCurrent,
    string? ChangedBy,
    DateTime ChangeTime);

/// <summary>Reads values as a stream: rows are produced while the database sends them.</summary>
public interface IValueReader
{
    IAsyncEnumerable<ValueRecord> ReadAsync(ValueQuery query, CancellationToken cancellationToken);
}

/// <summary>Identifies one record (all its versions) of a run.</summary>
public readonly record struct ValueRecordKey(Guid TenantId, Guid RunId, Guid SeriesId, DateTimeOffset ValidTime, DateTimeOffset? ValidTimeEnd);

/// <summary>
/// A correction of one record: each field absent (unchanged), null (clear) or a value.
/// <paramref name="RequestedTenantId"/> is the update's tenant_id as sent: it narrows the tenant context's scope
/// (another tenant than the key's → 403).
/// </summary>
public sealed record ValueUpdate(
    Guid? RequestedTenantId,
    Guid RunId,
    Guid SeriesId,
    DateTimeOffset ValidTime,
    DateTimeOffset? ValidTimeEnd,
    Optional<double?> Value,
    Optional<string?> Annotation,
    Optional<string[]?> Tags);

/// <summary>A new version written by an update.</summary>
public sealed record UpdatedValue(ValueRecordKey Key, long ValueId);

/// <summary>What a batch of updates did.</summary>
public sealed record UpdateBatchResult(IReadOnlyList<UpdatedValue> Updated, IReadOnlyList<ValueRecordKey> SkippedNoOps);

/// <summary>Applies versioned corrections: the current version is retired and a new one written.</summary>
public interface IValueUpdater
{
    Task<UpdateBatchResult> UpdateAsync(IReadOnlyList<ValueUpdate> updates, string? changedBy, CancellationToken cancellationToken);
}
