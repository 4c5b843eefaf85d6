using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Npgsql;
using TimeDb.Domain.Users;
using TimeDb.Infrastructure.Persistence;

namespace TimeDb.Infrastructure.Auth;

/// <summary>Reads the authentication mode from timedb_settings, cached for a second.</summary>
internal sealed class AuthenticationMode(NpgsqlDataSource dataSource, IMemoryCache cache, IOptions<AuthCacheOptions> options) : IAuthenticationMode
{
    private const string CacheKey = "timedb:authentication-mode";

    private const string Query = $"SELECT value FROM {TableNames.Settings} WHERE name = '{TimeDbSetting.Authentication}'";

    public async Task<bool> IsEnabledAsync(CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(CacheKey, out bool enabled))
        {
            return enabled;
        }

        try
        {
            await using var command = dataSource.CreateCommand(Query);
            // A schema without the row (never written by TimeDB) counts as on: closed by default.
            enabled = await command.ExecuteScalarAsync(cancellationToken) is not string value || value != TimeDbSetting.Off;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // No schema: there are no users and no data to protect; every data endpoint answers 503.
            enabled = false;
        }

        cache.Set(CacheKey, enabled, options.Value.ModeCacheTtl);
        return enabled;
    }
}
