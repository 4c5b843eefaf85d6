using TimeDb.Domain.Entities;
using TimeDb.Infrastructure.Users;

namespace TimeDb.Api.Contracts;

/// <summary>Body of <c>POST /keys</c>.</summary>
public sealed class CreateKeyRequest
{
    /// <summary>What the key is for.</summary>
    /// <example>forecast-pipeline</example>
    public string? Name { get; set; }
}

/// <summary>A key as listed: never the key itself.</summary>
public sealed record KeyResponse(Guid KeyId, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    internal static KeyResponse From(ApiKey k) => new(k.KeyId, k.Name, k.Prefix, k.CreatedAt, k.LastUsedAt, k.RevokedAt);
}

/// <summary>
/// Answer of <c>DELETE /keys/{key_id}</c>: the key, and a message saying whether this call revoked it or it was
/// revoked before (then <c>revoked_at</c> is the first revocation and nothing changed).
/// </summary>
public sealed record RevokedKeyResponse(Guid KeyId, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt,
    bool AlreadyRevoked, string Message)
{
    internal static RevokedKeyResponse From(StateChange<ApiKey> change)
    {
        var k = change.Subject;
        return new(k.KeyId, k.Name, k.Prefix, k.CreatedAt, k.LastUsedAt, k.RevokedAt, !change.Changed,
            change.Changed ? "Revoked: the key stops working at once." : UserAdministration.AlreadyRevoked(k));
    }
}

/// <summary>A new key: <c>api_key</c> is shown this once.</summary>
public sealed record CreatedKeyResponse(Guid KeyId, string Name, string Prefix, DateTimeOffset CreatedAt, string ApiKey, string Message);

/// <summary>Body of <c>POST /schema/create</c>.</summary>
public sealed class CreateSchemaRequest
{
    /// <summary>Create with authentication on (an existing schema is never switched off).</summary>
    public bool? WithUsers { get; set; }
}

/// <summary>What a schema endpoint did.</summary>
public sealed record SchemaResponse(string Message, bool? AuthenticationEnabled, IReadOnlyList<string> Tables);
