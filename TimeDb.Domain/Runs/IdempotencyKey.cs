using TimeDb.Domain.Errors;

namespace TimeDb.Domain.Runs;

/// <summary>
/// The client's <c>Idempotency-Key</c> for an upload with the SHA-256 of the request body. A retry with the
/// same key and body gets the first answer; the same key with another body is a conflict (ADR-009).
/// </summary>
public sealed record IdempotencyKey(string Key, byte[] RequestHash)
{
    public const string HeaderName = "Idempotency-Key";
    public const int MaxLength = 255;

    /// <summary>The key as sent, or a <see cref="DomainException"/> saying what a key may contain.</summary>
    public static string Validate(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxLength || key.Any(c => c is < '!' or > '~'))
        {
            throw new DomainException($"{HeaderName} must be 1 to {MaxLength} visible ASCII characters without spaces (a UUID is a good key).");
        }

        return key;
    }
}
