using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TimeDb.Domain.Errors;
using TimeDb.Domain.Schema;
using TimeDb.Infrastructure.Errors;

namespace TimeDb.Api.Health;

/// <summary>
/// Readiness: the database answers and the schema is current. The result is kept for
/// <see cref="CacheFor"/>, so a flood of probes costs one query a second. Its description is what the
/// caller reads: it says what is wrong and what to do, and never names the database's host, port, user
/// or name (SPEC §9; the server log has those).
/// </summary>
internal sealed class DatabaseReadyCheck(ISchemaAdministration schema, IMemoryCache cache) : IHealthCheck
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
                : HealthCheckResult.Unhealthy(DatabaseErrors.SchemaMissingDetail);
        }
        catch (DatabaseUnavailableException ex)
        {
            return HealthCheckResult.Unhealthy(DatabaseErrors.AnswerDetail(ex.Problem), ex);
        }
    }
}
