using TimeDb.Domain.Entities;
using TimeDb.Domain.Time;

namespace TimeDb.Domain.Users;

/// <summary>What an administrative change found: <paramref name="Changed"/> is false when the subject was already in that state.</summary>
public sealed record StateChange<T>(T Subject, bool Changed);

/// <summary>The sentences about a key's state, the same in the CLI and over HTTP.</summary>
public static class KeyStateMessages
{
    /// <summary>For a key that was revoked before.</summary>
    public static string AlreadyRevoked(ApiKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return $"key {key.KeyId} ({key.Name}, {key.Prefix}…) was already revoked at {UtcTimestamp.Format(key.RevokedAt!.Value)}; nothing changed";
    }
}
