using Microsoft.EntityFrameworkCore;
using Npgsql;
using TimeDb.Domain.Entities;
using TimeDb.Domain.Errors;
using TimeDb.Domain.Security;
using TimeDb.Domain.Users;
using TimeDb.Infrastructure.Persistence;

namespace TimeDb.Infrastructure.Users;

/// <summary>Users and their keys, as the CLI and the self-service endpoints administer them.</summary>
public sealed class UserAdministration(TimeDbContext db, TimeProvider clock) : IKeyAdministration
{
    public const string DefaultKeyName = "default";

    public async Task<CreatedUser> CreateUserAsync(Guid tenantId, string email, string tier, bool isAdmin, CancellationToken cancellationToken = default)
    {
        var normalized = EmailAddress.Normalize(email);
        RequireKnownTier(tier);
        var now = clock.GetUtcNow();
        var user = new User
        {
            UserId = Guid.CreateVersion7(now),
            TenantId = tenantId,
            Email = normalized,
            Tier = tier,
            IsAdmin = isAdmin,
            IsActive = true,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var created = NewKey(user, DefaultKeyName, now);
        db.Users.Add(user);
        db.ApiKeys.Add(created.Key);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw new ConflictException($"a user with email {normalized} already exists in tenant {tenantId}");
        }

        return new CreatedUser(user, created.Key, created.Secret);
    }

    public async Task<IReadOnlyList<User>> ListUsersAsync(Guid? tenantId, bool includeInactive, CancellationToken cancellationToken = default)
    {
        var users = db.Users.AsNoTracking();
        if (tenantId is { } tenant)
        {
            users = users.Where(u => u.TenantId == tenant);
        }

        if (!includeInactive)
        {
            users = users.Where(u => u.IsActive);
        }

        return await users.OrderBy(u => u.TenantId).ThenBy(u => u.Email).ToListAsync(cancellationToken);
    }

    /// <summary>Finds one user by email; an email present in several tenants needs the tenant.</summary>
    public async Task<User> FindUserAsync(string email, Guid? tenantId, CancellationToken cancellationToken = default)
    {
        var normalized = EmailAddress.Normalize(email);
        var matches = await db.Users
            .Where(u => u.Email == normalized && (tenantId == null || u.TenantId == tenantId))
            .ToListAsync(cancellationToken);
        return matches.Count switch
        {
            0 => throw new NotFoundException(tenantId is null
                ? $"no user with email {normalized}"
                : $"no user with email {normalized} in tenant {tenantId}"),
            1 => matches[0],
            _ => throw new DomainException(
                $"{normalized} exists in {matches.Count} tenants ({string.Join(", ", matches.Select(m => m.TenantId))}): pass --tenant-id"),
        };
    }

    /// <summary>Activates or deactivates a user; a user already in that state is left as it is (Changed = false).</summary>
    public async Task<StateChange<User>> SetActiveAsync(string email, Guid? tenantId, bool active, CancellationToken cancellationToken = default)
    {
        var user = await FindUserAsync(email, tenantId, cancellationToken);
        if (user.IsActive == active)
        {
            return new StateChange<User>(user, Changed: false);
        }

        user.IsActive = active;
        user.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return new StateChange<User>(user, Changed: true);
    }

    public async Task<User> SetTierAsync(string email, Guid? tenantId, string tier, CancellationToken cancellationToken = default)
    {
        RequireKnownTier(tier);
        var user = await FindUserAsync(email, tenantId, cancellationToken);
        user.Tier = tier;
        user.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return user;
    }

    /// <summary>Revokes every key of the user and issues a new one, in one transaction.</summary>
    public async Task<CreatedKey> RegenerateKeyAsync(string email, Guid? tenantId, CancellationToken cancellationToken = default)
    {
        var user = await FindUserAsync(email, tenantId, cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var key in await db.ApiKeys.Where(k => k.UserId == user.UserId && k.RevokedAt == null).ToListAsync(cancellationToken))
        {
            key.RevokedAt = now;
        }

        var created = NewKey(user, DefaultKeyName, now);
        db.ApiKeys.Add(created.Key);
        await db.SaveChangesAsync(cancellationToken);
        return created;
    }

    public async Task<IReadOnlyList<ApiKey>> ListKeysAsync(Guid userId, CancellationToken cancellationToken = default) =>
        await db.ApiKeys.AsNoTracking().Where(k => k.UserId == userId).OrderBy(k => k.CreatedAt).ToListAsync(cancellationToken);

    /// <remarks>
    /// The per-user cap is counted under a lock on the user's row, in the transaction that inserts the key, so
    /// concurrent creates queue behind each other and can never pass <see cref="IKeyAdministration.MaxUnrevokedKeysPerUser"/>.
    /// </remarks>
    public async Task<CreatedKey> CreateKeyAsync(Guid userId, KeyRequest key, Guid? issuingKeyId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var keyName = string.IsNullOrWhiteSpace(key.Name) ? throw new DomainException("a key name must not be blank") : key.Name.Trim();
        var now = clock.GetUtcNow();
        key.Grant.RequireFutureExpiry(now);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var user = await db.Users.FirstOrDefaultAsync(u => u.UserId == userId, cancellationToken)
            ?? throw new NotFoundException($"user {userId} does not exist");
        await db.Database.ExecuteSqlAsync(
            $"SELECT 1 FROM users WHERE tenant_id = {user.TenantId} AND user_id = {user.UserId} FOR UPDATE", cancellationToken);

        if (issuingKeyId is { } issuerId)
        {
            var issuer = await db.ApiKeys.AsNoTracking().Where(k => k.KeyId == issuerId && k.UserId == userId)
                .Select(k => new KeyGrant(k.Scopes, k.ExpiresAt)).FirstOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException($"key {issuerId} does not exist");
            key.Grant.RequireWithin(issuer);
        }

        var held = await db.ApiKeys.CountAsync(k => k.UserId == userId && k.RevokedAt == null, cancellationToken);
        if (held >= IKeyAdministration.MaxUnrevokedKeysPerUser)
        {
            throw new ConflictException(
                $"{user.Email} already holds {held} unrevoked API keys, the most one user may hold: revoke one first " +
                "(`DELETE /keys/{key_id}` or `timedb keys revoke --key-id …`; `GET /keys` or `timedb keys list` shows them)");
        }

        var created = NewKey(user, keyName, key.Grant, now);
        db.ApiKeys.Add(created.Key);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    /// <summary>
    /// Revokes a key for good. With <paramref name="userId"/>, only that user's key (self-service). A key revoked
    /// before keeps its first revocation time (Changed = false).
    /// </summary>
    public async Task<StateChange<ApiKey>> RevokeKeyAsync(Guid keyId, Guid? userId, CancellationToken cancellationToken = default)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.KeyId == keyId && (userId == null || k.UserId == userId), cancellationToken)
            ?? throw new NotFoundException($"key {keyId} does not exist");
        if (key.RevokedAt is not null)
        {
            return new StateChange<ApiKey>(key, Changed: false);
        }

        key.RevokedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return new StateChange<ApiKey>(key, Changed: true);
    }

    private static void RequireKnownTier(string tier)
    {
        if (!UserTiers.IsKnown(tier))
        {
            throw new DomainException($"unknown tier '{tier}': use one of {string.Join(", ", UserTiers.All)}");
        }
    }

    private static CreatedKey NewKey(User user, string name, DateTimeOffset now) => NewKey(user, name, KeyGrant.Full, now);

    private static CreatedKey NewKey(User user, string name, KeyGrant grant, DateTimeOffset now)
    {
        var secret = ApiKeySecret.Generate();
        var key = new ApiKey
        {
            KeyId = Guid.CreateVersion7(now),
            UserId = user.UserId,
            TenantId = user.TenantId,
            Name = name,
            KeyHash = secret.Hash(),
            Prefix = secret.DisplayPrefix,
            CreatedAt = now,
            Scopes = [.. grant.Scopes],
            ExpiresAt = grant.ExpiresAt?.ToUniversalTime(),
        };
        return new CreatedKey(key, secret);
    }
}
