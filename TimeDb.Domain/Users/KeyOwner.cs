namespace TimeDb.Domain.Users;

/// <summary>What an API key says about its caller, as the key store finds it.</summary>
public sealed record KeyOwner(Guid KeyId, Guid UserId, Guid TenantId, string Email, string Tier, bool IsAdmin, bool IsActive, DateTimeOffset? RevokedAt,
    KeyGrant Grant)
{
    /// <summary>Revoked and expired keys, and keys of inactive users, open nothing.</summary>
    /// <remarks>Expiry is compared with the caller's clock on every request, so a cached lookup never outlives it.</remarks>
    public bool CanAuthenticateAt(DateTimeOffset now) => IsActive && RevokedAt is null && !Grant.IsExpiredAt(now);
}

/// <summary>Finds the owner of a key by the key's SHA-256 hash.</summary>
public interface IApiKeyStore
{
    Task<KeyOwner?> FindByHashAsync(byte[] keyHash, CancellationToken cancellationToken);
}
