using Npgsql;
using TimeDb.Domain.Tenancy;

namespace TimeDb.Infrastructure.RateLimiting;

/// <summary>A user's count in the current one-minute window, and the seconds until that window ends.</summary>
public readonly record struct RateWindowCount(int Requests, int SecondsLeft);

/// <summary>
/// Counts a user's requests in fixed one-minute windows kept in PostgreSQL, so every API instance
/// counts against the same number (ADR-011). The window is cut by the database's clock, never an instance's.
/// </summary>
public sealed class RateWindowCounter(NpgsqlDataSource dataSource)
{
    private const string CountOne = """
        INSERT INTO rate_limit_windows AS w (tenant_id, user_id, window_start, requests)
        VALUES (@tenant_id, @user_id, date_trunc('minute', now()), 1)
        ON CONFLICT (tenant_id, user_id, window_start) DO UPDATE SET requests = w.requests + 1
        RETURNING w.requests, ceil(extract(epoch FROM w.window_start + interval '1 minute' - now()))::int
        """;

    /// <summary>
    /// Counts one request of the user and returns the window's count including it. The tenant is the request's
    /// tenant context, which must be one tenant: only authenticated callers are counted (ADR-012).
    /// </summary>
    public async Task<RateWindowCount> CountAsync(ITenantContext tenant, Guid userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var tenantId = tenant.Scope.TenantId
            ?? throw new InvalidOperationException("rate limits count one tenant's user; the request's tenant context is every tenant");
        await using var command = dataSource.CreateCommand(CountOne);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("user_id", userId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new RateWindowCount(reader.GetInt32(0), Math.Max(1, reader.GetInt32(1)));
    }
}
