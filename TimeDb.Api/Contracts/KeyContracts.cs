using TimeDb.Domain.Entities;
using TimeDb.Domain.Users;

namespace TimeDb.Api.Contracts;

/// <summary>Body of <c>POST /keys</c>.</summary>
public sealed class CreateKeyRequest
{
    /// <summary>What the key is for.</summary>
    /// <example>forecast-pipeline</example>
    public string? Name { get; set; }

    /// <summary>What the key may do: any of read, write, keys (default: all three, within your own key's scopes).</summary>
    /// <example>["read"]</example>
    public List<string>? Scopes { get; set; }

    /// <summary>When the key stops working (ISO 8601, UTC if no offset); no later than your own key's expiry. Not with expires_in_days.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>Days from now until the key stops working; the alternative to expires_at.</summary>
    /// <example>30</example>
    public int? ExpiresInDays { get; set; }

    internal KeyRequest ToKeyRequest(DateTimeOffset now) =>
        new(Name ?? "", new KeyGrant(KeyScopes.Normalize(Scopes), ExpiresInDays is { } days ? now.AddDays(days) : ExpiresAt));
}

/// <summary>A key as listed: never the key itself.</summary>
public sealed record KeyResponse(Guid KeyId, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    internal static KeyResponse From(ApiKey k) => new(k.KeyId, k.Name, k.Prefix, k.Scopes, k.CreatedAt, k.ExpiresAt, k.LastUsedAt, k.RevokedAt);
}

/// <summary>
/// Answer of <c>DELETE /keys/{key_id}</c>: the key, and a message saying whether this call revoked it or it was
/// revoked before (then <c>revoked_at</c> is the first revocation and nothing changed).
/// </summary>
public sealed record RevokedKeyResponse(Guid KeyId, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, bool AlreadyRevoked, string Message)
{
    internal static RevokedKeyResponse From(StateChange<ApiKey> change)
    {
        var k = change.Subject;
        return new(k.KeyId, k.Name, k.Prefix, k.Scopes, k.CreatedAt, k.ExpiresAt, k.LastUsedAt, k.RevokedAt, !change.Changed,
            change.Changed ? "Revoked: the key stops working at once." : KeyStateMessages.AlreadyRevoked(k));
    }
}

/// <summary>A new key: <c>api_key</c> is shown this once (the answer is sent with <c>Cache-Control: no-store</c>).</summary>
public sealed record CreatedKeyResponse(Guid KeyId, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt,
    string ApiKey, string Message)
{
    internal static CreatedKeyResponse From(CreatedKey created) => new(created.Key.KeyId, created.Key.Name, created.Key.Prefix, created.Key.Scopes,
        created.Key.CreatedAt, created.Key.ExpiresAt, created.Secret.Value, "Store this key now: it is not shown again.");
}

/// <summary>Body of <c>POST /schema/create</c>.</summary>
public sealed class CreateSchemaRequest
{
    /// <summary>Create with authentication on (an existing schema is never switched off).</summary>
    public bool? WithUsers { get; set; }
}

/// <summary>What a schema endpoint did.</summary>
public sealed record SchemaResponse(string Message, bool? AuthenticationEnabled, IReadOnlyList<string> Tables);
