namespace TimeDb.Domain.Entities;

/// <summary>An API key of a user, stored only as its SHA-256 hash and a display prefix.</summary>
public sealed class ApiKey : ITenantOwned
{
    public Guid KeyId { get; set; }
    public Guid UserId { get; set; }
    public Guid TenantId { get; set; }
    public string Name { get; set; } = "";
    public byte[] KeyHash { get; set; } = [];
    public string Prefix { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>What the key may do: a subset of <see cref="Users.KeyScopes.All"/>, never empty.</summary>
    public List<string> Scopes { get; set; } = [.. Users.KeyScopes.All];

    /// <summary>When the key stops working; null: never.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }
}
