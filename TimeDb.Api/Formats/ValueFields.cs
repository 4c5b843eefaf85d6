namespace TimeDb.Api.Formats;

/// <summary>
/// The fields of a <c>GET /values</c> row, in the order every format writes them (JSON properties, CSV header,
/// Arrow schema): one list, so the formats cannot drift apart (SPEC §5, §11).
/// </summary>
internal static class ValueFields
{
    public const string ValidTime = "valid_time";
    public const string ValidTimeEnd = "valid_time_end";
    public const string SeriesId = "series_id";
    public const string SeriesKey = "series_key";
    public const string SeriesUnit = "series_unit";
    public const string Value = "value";
    public const string RunId = "run_id";
    public const string KnownTime = "known_time";
    public const string Annotation = "annotation";
    public const string Tags = "tags";
    public const string ValueId = "value_id";
    public const string IsCurrent = "is_current";
    public const string ChangedBy = "changed_by";
    public const string ChangeTime = "change_time";

    private static readonly string[] Plain = [ValidTime, ValidTimeEnd, SeriesId, SeriesKey, SeriesUnit, Value, RunId, KnownTime, Annotation, Tags];
    private static readonly string[] WithVersions = [.. Plain, ValueId, IsCurrent, ChangedBy, ChangeTime];

    /// <summary>The row's fields; <paramref name="versionFields"/> (all_versions) adds the version's own.</summary>
    public static IReadOnlyList<string> For(bool versionFields) => versionFields ? WithVersions : Plain;
}
