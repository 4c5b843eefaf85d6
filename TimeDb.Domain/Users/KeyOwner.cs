namespace TimeDb.Domain.Users;

/// <summary>What an API key says about its caller, as the key store finds it.</summary>
public sealed record KeyOwner(Guid KeyId, Guid UserId, Guid TenantId, string Email, string Tier, bool IsAdmin, bool IsActive, DateTimeOffset? RevokedAt)
{
    /// <summary>Revoked keys and keys of inactive users open nothing.</summary>
    public bool CanAuthenticate => IsActive && RevokedAt is null;
}

/// <summary>Finds the owner of a key by the key's SHA-256 hash.</summary>
public interface IApiKeyStore
{
    Task<KeyOwner?> FindByHashAsync(byte[] keyHash, CancellationToken cancellationToken);
}
