namespace TimeDb.Domain.Values;

/// <summary>How annotations and tags are stored: one rule, used by uploads and updates.</summary>
public static class ValueNormalization
{
    /// <summary>Trimmed; blank becomes null.</summary>
    public static string? Annotation(string? annotation)
    {
        var trimmed = annotation?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed;
    }

    /// <summary>Trimmed, lower-cased, blanks dropped, de-duplicated, sorted; empty becomes null.</summary>
    public static string[]? Tags(IEnumerable<string?>? tags)
    {
        if (tags is null)
        {
            return null;
        }

        var normalized = tags
            .Select(t => t?.Trim().ToLowerInvariant())
            .Where(t => !string.IsNullOrEmpty(t))
            .Select(t => t!)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
        return normalized.Length == 0 ? null : normalized;
    }

    public static bool SameTags(string[]? a, string[]? b) =>
        a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}
