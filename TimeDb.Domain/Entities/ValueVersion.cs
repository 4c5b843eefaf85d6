namespace TimeDb.Domain.Entities;

/// <summary>
/// One version of a value of a series at a valid time (or interval) from one run.
/// A correction retires the current version (IsCurrent = false) and adds a new one.
/// </summary>
public sealed class ValueVersion : ITenantOwned
{
    public long ValueId { get; set; }
    public Guid RunId { get; set; }
    public Guid TenantId { get; set; }
    public Guid SeriesId { get; set; }
    public DateTimeOffset ValidTime { get; set; }

    /// <summary>End of the interval the value covers; null for a point value.</summary>
    public DateTimeOffset? ValidTimeEnd { get; set; }

    public double? Value { get; set; }
    public string? Annotation { get; set; }
    public string[]? Tags { get; set; }

    /// <summary>Copy of the run's known time, kept on the row so that reads need no join.</summary>
    public DateTimeOffset KnownTime { get; set; }

    public string? ChangedBy { get; set; }
    public DateTimeOffset ChangeTime { get; set; }
    public bool IsCurrent { get; set; } = true;
}
