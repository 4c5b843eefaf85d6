using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Npgsql;
using TimeDb.Domain.Users;
using TimeDb.Infrastructure.Errors;
using TimeDb.Infrastructure.Persistence;

namespace TimeDb.Infrastructure.Auth;

/// <summary>Reads the authentication mode from timedb_settings, cached for a second and shared by concurrent callers.</summary>
/// <remarks>
/// Fails closed (ADR-014-authentication-mode): only the value <c>off</c> is "off". A schema without
/// the row counts as on; a missing or unreadable settings table is unknown; a database that cannot be asked
/// throws, so an outage is never mistaken for a mode.
/// </remarks>
internal sealed class AuthenticationModeLookup(NpgsqlDataSource dataSource, IMemoryCache cache, IOptions<AuthCacheOptions> options) : IAuthenticationMode
{
    private const string CacheKey = "timedb:authentication-mode";

    private const string Query = $"SELECT value FROM {TableNames.Settings} WHERE name = '{TimeDbSetting.Authentication}'";

    public Task<AuthenticationMode> GetAsync(CancellationToken cancellationToken) =>
        cache.GetOrLoadAsync(CacheKey, options.Value.ModeCacheTtl, LoadAsync, cancellationToken);

    private async Task<AuthenticationMode> LoadAsync()
    {
        try
        {
            await using var command = dataSource.CreateCommand(Query);
            return await command.ExecuteScalarAsync() is TimeDbSetting.Off ? AuthenticationMode.Off : AuthenticationMode.On;
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedColumn
                                               or PostgresErrorCodes.InsufficientPrivilege)
        {
            // The tables were never created or have been deleted (or this role may not read them): nobody can
            // say whether keys are needed, so nothing is served until `timedb create tables` has run.
            return AuthenticationMode.Unknown;
        }
        catch (Exception ex) when (DatabaseErrors.Classify(ex) is { } unavailable)
        {
            throw unavailable;
        }
    }
}
