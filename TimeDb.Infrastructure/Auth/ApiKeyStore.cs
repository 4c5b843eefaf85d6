using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Npgsql;
using TimeDb.Domain.Security;
using TimeDb.Domain.Users;

namespace TimeDb.Infrastructure.Auth;

/// <summary>Cache lifetimes of the authentication path (appsettings <c>TimeDb:Auth</c>).</summary>
public sealed class AuthCacheOptions
{
    public const string Section = "TimeDb:Auth";

    /// <summary>How long a key lookup is reused. Deactivation and revocation are seen within this time.</summary>
    public TimeSpan KeyCacheTtl { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the authentication mode is reused.</summary>
    public TimeSpan ModeCacheTtl { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Looks keys up by hash, with a short-lived in-process cache so the common case costs no query.
/// The hash found is compared in constant time with the hash asked for. Expiry is not decided here but by the
/// caller against its clock on every request (<see cref="KeyOwner.CanAuthenticateAt"/>), so the cache cannot extend it.
/// </summary>
internal sealed class ApiKeyStore(NpgsqlDataSource dataSource, IMemoryCache cache, IOptions<AuthCacheOptions> options) : IApiKeyStore, IDisposable
{
    // A flood of distinct (wrong) keys misses the cache every time: at most this many lookups hold a connection.
    private readonly SemaphoreSlim _lookups = new(8);

    private const string FindByHash = """
        SELECT k.key_id, k.user_id, k.tenant_id, u.email, u.tier, u.is_admin, u.is_active, k.revoked_at, k.key_hash, k.scopes, k.expires_at
        FROM api_keys k JOIN users u ON u.tenant_id = k.tenant_id AND u.user_id = k.user_id
        WHERE k.key_hash = @key_hash
        """;

    public async Task<KeyOwner?> FindByHashAsync(byte[] keyHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyHash);
        var cacheKey = "apikey:" + Convert.ToHexString(keyHash);
        return await cache.GetOrLoadAsync(cacheKey, options.Value.KeyCacheTtl, () => QueryAsync(keyHash), cancellationToken);
    }

    public void Dispose() => _lookups.Dispose();

    private async Task<KeyOwner?> QueryAsync(byte[] keyHash)
    {
        await _lookups.WaitAsync();
        try
        {
            return await ReadOwnerAsync(keyHash);
        }
        finally
        {
            _lookups.Release();
        }
    }

    private async Task<KeyOwner?> ReadOwnerAsync(byte[] keyHash)
    {
        await using var command = dataSource.CreateCommand(FindByHash);
        command.Parameters.AddWithValue("key_hash", keyHash);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        var stored = reader.GetFieldValue<byte[]>(8);
        if (!ApiKeySecret.HashesEqual(stored, keyHash))
        {
            return null;
        }

        return new KeyOwner(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetString(4),
            reader.GetBoolean(5), reader.GetBoolean(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
            new KeyGrant(reader.GetFieldValue<string[]>(9), reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10)));
    }
}
