using Microsoft.EntityFrameworkCore;
using Npgsql;
using TimeDb.Domain.Entities;
using TimeDb.Domain.Errors;
using TimeDb.Domain.Security;
using TimeDb.Domain.Users;
using TimeDb.Infrastructure.Persistence;

namespace TimeDb.Infrastructure.Users;

/// <summary>A user together with the plain key issued for it, shown once.</summary>
public sealed record CreatedUser(User User, ApiKey Key, ApiKeySecret Secret);

/// <summary>Users and their keys, as the CLI administers them.</summary>
public sealed class UserAdministration(TimeDbContext db, TimeProvider clock)
{
    public async Task<CreatedUser> CreateUserAsync(Guid tenantId, string email, string tier, bool isAdmin, CancellationToken cancellationToken = default)
    {
        var normalized = EmailAddress.Normalize(email);
        if (!UserTiers.IsKnown(tier))
        {
            throw new DomainException($"unknown tier '{tier}': use one of {string.Join(", ", UserTiers.All)}");
        }

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
        var (key, secret) = NewKey(user, "default", now);
        db.Users.Add(user);
        db.ApiKeys.Add(key);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw new ConflictException($"a user with email {normalized} already exists in tenant {tenantId}");
        }

        return new CreatedUser(user, key, secret);
    }

    private static (ApiKey Key, ApiKeySecret Secret) NewKey(User user, string name, DateTimeOffset now)
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
        };
        return (key, secret);
    }
}
