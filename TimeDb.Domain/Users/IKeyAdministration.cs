using TimeDb.Domain.Entities;
using TimeDb.Domain.Security;

namespace TimeDb.Domain.Users;

/// <summary>A key with its plain value, shown once.</summary>
public sealed record CreatedKey(ApiKey Key, ApiKeySecret Secret);

/// <summary>A user together with the plain key issued for it, shown once.</summary>
public sealed record CreatedUser(User User, ApiKey Key, ApiKeySecret Secret);

/// <summary>What a new key is asked to be: its name, scopes and expiry.</summary>
public sealed record KeyRequest(string Name, KeyGrant Grant);

/// <summary>One user's API keys: list, create (within the issuer's grant and the per-user cap), revoke.</summary>
public interface IKeyAdministration
{
    /// <summary>An active user holds at most this many unrevoked keys (SPEC §9).</summary>
    const int MaxUnrevokedKeysPerUser = 100;

    Task<IReadOnlyList<ApiKey>> ListKeysAsync(Guid userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Issues a key for the user. With <paramref name="issuingKeyId"/> (self-service), the new key stays within
    /// that key's scopes and expiry; without (the CLI, an operator), any grant is allowed.
    /// </summary>
    Task<CreatedKey> CreateKeyAsync(Guid userId, KeyRequest key, Guid? issuingKeyId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Revokes a key for good. With <paramref name="userId"/>, only that user's key (self-service). A key revoked
    /// before keeps its first revocation time (Changed = false).
    /// </summary>
    Task<StateChange<ApiKey>> RevokeKeyAsync(Guid keyId, Guid? userId, CancellationToken cancellationToken = default);
}
