using TimeDb.Domain.Errors;

namespace TimeDb.Domain.Users;

/// <summary>What an API key may do (SPEC §13): <c>read</c> GET endpoints, <c>write</c> uploads, updates and series changes, <c>keys</c> create and revoke keys.</summary>
public static class KeyScopes
{
    public const string Read = "read";
    public const string Write = "write";
    public const string Keys = "keys";

    /// <summary>Every scope, in the order they are shown; a key created without scopes has all of them.</summary>
    public static IReadOnlyList<string> All { get; } = [Read, Write, Keys];

    /// <summary>The scopes asked for, deduplicated and in canonical order; none given means all. Empty or unknown → 400.</summary>
    public static IReadOnlyList<string> Normalize(IReadOnlyCollection<string>? requested)
    {
        if (requested is null)
        {
            return All;
        }

        if (requested.Count == 0)
        {
            throw new DomainException($"scopes must not be empty: use one or more of {string.Join(", ", All)} (or leave scopes out for all of them)");
        }

        var unknown = requested.Where(s => !All.Contains(s, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new DomainException($"unknown scope {string.Join(", ", unknown.Select(s => $"'{s}'"))} in scopes: use one or more of {string.Join(", ", All)}");
        }

        return [.. All.Where(requested.Contains)];
    }
}
