namespace TimeDb.Domain.Text;

/// <summary>What any stored text must be: PostgreSQL cannot store the NUL character in text or jsonb.</summary>
public static class TextRules
{
    public const string NulMessage = "must not contain the NUL character (\\u0000)";

    public static bool HasNul(string? text) => text is not null && text.Contains('\0', StringComparison.Ordinal);
}
