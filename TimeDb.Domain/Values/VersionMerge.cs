namespace TimeDb.Domain.Values;

/// <summary>The stored content of one version: what a correction compares and replaces.</summary>
public readonly record struct VersionContent(double? Value, string? Annotation, string[]? Tags)
{
    /// <summary>Applies an update's fields (normalised) to this content.</summary>
    public VersionContent Apply(ValueUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return new VersionContent(
            update.Value.Or(Value),
            update.Annotation.IsSet ? ValueNormalization.Annotation(update.Annotation.Value) : Annotation,
            update.Tags.IsSet ? ValueNormalization.Tags(update.Tags.Value) : Tags);
    }

    /// <summary>True when nothing would change (so no new version is written).</summary>
    public bool SameAs(VersionContent other) =>
        SameValue(Value, other.Value) && Annotation == other.Annotation && ValueNormalization.SameTags(Tags, other.Tags);

    private static bool SameValue(double? a, double? b) => a.HasValue ? b.HasValue && a.Value.Equals(b.Value) : !b.HasValue;
}
