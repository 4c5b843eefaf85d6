using TimeDb.Domain.Errors;

namespace TimeDb.Domain.Users;

/// <summary>Email rules: trimmed, lower-cased, one '@' with text on both sides.</summary>
public static class EmailAddress
{
    public static string Normalize(string? email)
    {
        var value = email?.Trim().ToLowerInvariant() ?? "";
        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != value.LastIndexOf('@') || at == value.Length - 1 || value.Any(char.IsWhiteSpace))
        {
            throw new DomainException($"'{email}' is not an email address");
        }

        return value;
    }
}
