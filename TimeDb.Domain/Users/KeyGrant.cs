using System.Globalization;
using TimeDb.Domain.Errors;

namespace TimeDb.Domain.Users;

/// <summary>What a key may do and until when: its scopes and its expiry (null: never expires).</summary>
public sealed record KeyGrant(IReadOnlyList<string> Scopes, DateTimeOffset? ExpiresAt)
{
    /// <summary>In UTC and whole microseconds, as PostgreSQL stores it, so an expiry read back compares equal to the one given.</summary>
    public DateTimeOffset? ExpiresAt { get; } = ExpiresAt is { } e
        ? new DateTimeOffset(e.UtcTicks - (e.UtcTicks % 10), TimeSpan.Zero)
        : null;

    /// <summary>A key of every scope that never expires: what <c>timedb users create</c> issues.</summary>
    public static KeyGrant Full { get; } = new(KeyScopes.All, null);

    /// <summary>True once <paramref name="now"/> has reached the expiry.</summary>
    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt is { } expiry && expiry <= now;

    /// <summary>
    /// A key issued by another key (self-service, <c>POST /keys</c>) can hold no more than its issuer: a subset of
    /// its scopes and an expiry no later than the issuer's. Broken → 403 naming what is over (ADR keyscopes-rules).
    /// </summary>
    public void RequireWithin(KeyGrant issuer)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        var extra = Scopes.Where(s => !issuer.Scopes.Contains(s, StringComparer.Ordinal)).ToList();
        if (extra.Count > 0)
        {
            throw new ForbiddenException(
                $"this API key has the scopes {string.Join(", ", issuer.Scopes)} and cannot create a key with {string.Join(", ", extra)}: " +
                $"pass scopes within [{string.Join(", ", issuer.Scopes)}]");
        }

        if (issuer.ExpiresAt is { } limit && (ExpiresAt is null || ExpiresAt > limit))
        {
            throw new ForbiddenException(
                $"this API key expires at {UtcText(limit)} and cannot create a key that outlives it: " +
                "pass expires_at or expires_in_days no later than that");
        }
    }

    /// <summary>An expiry must lie in the future (400 otherwise).</summary>
    public void RequireFutureExpiry(DateTimeOffset now)
    {
        if (IsExpiredAt(now))
        {
            throw new DomainException($"expires_at {UtcText(ExpiresAt!.Value)} is not in the future (now is {UtcText(now)})");
        }
    }

    // The shape responses use (UtcDateTimeOffsetConverter), so a client can compare the two.
    private static string UtcText(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
