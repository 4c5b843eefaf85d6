using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TimeDb.Infrastructure.Errors;
using TimeDb.Infrastructure.Schema;

namespace TimeDb.Api.Health;

/// <summary>
/// Readiness: the database answers and the schema is current. The result is kept for
/// <see cref="CacheFor"/>, so a flood of probes costs one query a second. Its description is what the
/// caller reads: it says what is wrong and what to do, and never names the database's host, port, user
/// or name (SPEC §9; the server log has those).
/// </summary>
internal sealed class DatabaseReadyCheck(SchemaManager schema, IMemoryCache cache) : IHealthCheck
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    private static readonly object CacheKey = new();

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        // The task itself is cached: probes arriving while the query runs share it (not cancelled by one caller's abort).
        cache.GetOrCreate(CacheKey, entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CacheFor;
            return CheckAsync();
        })!;

    private async Task<HealthCheckResult> CheckAsync()
    {
        try
        {
            var status = await schema.GetStatusAsync(CancellationToken.None);
            return status.IsCurrent ? HealthCheckResult.Healthy()
                : status.Exists ? HealthCheckResult.Unhealthy($"the TimeDB schema is out of date ({status.Pending.Count} migration(s) pending): {DatabaseErrors.CreateTablesHint}")
                : HealthCheckResult.Unhealthy($"the TimeDB tables are missing: {DatabaseErrors.CreateTablesHint}");
        }
        catch (DatabaseUnavailableException ex)
        {
            return HealthCheckResult.Unhealthy(Describe(ex.Problem), ex);
        }
    }

    private static string Describe(DatabaseProblem problem) => problem switch
    {
        DatabaseProblem.Unreachable => "cannot reach PostgreSQL: check that it is running and that TIMEDB_DSN points at it, then retry",
        DatabaseProblem.AuthenticationFailed => "PostgreSQL refused TimeDB's login: check the user name and password in TIMEDB_DSN",
        DatabaseProblem.DatabaseMissing => "the database named in TIMEDB_DSN does not exist: create it, or point TIMEDB_DSN at an existing database",
        DatabaseProblem.SchemaMissing => $"the TimeDB tables are missing: {DatabaseErrors.CreateTablesHint}",
        DatabaseProblem.SchemaConflict => "the database holds tables that TimeDB's migrations did not create: use an empty database",
        _ => "PostgreSQL did not answer in time: retry shortly; if it persists, check the database server's load",
    };
}
