using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Npgsql;
using TimeDb.Domain.Users;
using TimeDb.Infrastructure.Persistence;

namespace TimeDb.Infrastructure.Auth;

/// <summary>Reads the authentication mode from timedb_settings, cached for a second and shared by concurrent callers.</summary>
internal sealed class AuthenticationMode(NpgsqlDataSource dataSource, IMemoryCache cache, IOptions<AuthCacheOptions> options) : IAuthenticationMode
{
    private const string CacheKey = "timedb:authentication-mode";

    private const string Query = $"SELECT value FROM {TableNames.Settings} WHERE name = '{TimeDbSetting.Authentication}'";

    public Task<bool> IsEnabledAsync(CancellationToken cancellationToken) =>
        cache.GetOrLoadAsync(CacheKey, options.Value.ModeCacheTtl, LoadAsync, cancellationToken);

    private async Task<bool> LoadAsync()
    {
        try
        {
            await using var command = dataSource.CreateCommand(Query);
            // A schema without the row (never written by TimeDB) counts as on: closed by default.
            return await command.ExecuteScalarAsync() is not string value || value != TimeDbSetting.Off;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // No schema: there are no users and no data to protect; every data endpoint answers 503.
            return false;
        }
    }
}
