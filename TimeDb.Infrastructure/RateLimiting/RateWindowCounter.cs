using Npgsql;
using TimeDb.Domain.Tenancy;

namespace TimeDb.Infrastructure.RateLimiting;

/// <summary>
/// What one reservation got: <see cref="Granted"/> of the permits asked for (0 once the window is used up), the
/// window's count after it (<see cref="Requests"/>, every permit asked for so far, granted or not) and the seconds
/// until the window ends.
/// </summary>
public readonly record struct RateWindowGrant(int Granted, int Requests, double SecondsLeft);

/// <summary>
/// Counts a user's requests in fixed one-minute windows kept in PostgreSQL, so every API instance counts against
/// the same number (ADR-011). The window is cut by the database's clock, never an instance's. An instance reserves
/// permits in chunks (<see cref="RatePermits"/>, ADR-024); this is the one statement that hands them out.
/// </summary>
public sealed class RateWindowCounter(NpgsqlDataSource dataSource)
{
    // Always adds the whole chunk, so the count before it is known (requests - permits) without a second read:
    // the permits granted are those still under the limit. One row per user and window serialises the instances.
    private const string Reserve = """
        INSERT INTO rate_limit_windows AS w (tenant_id, user_id, window_start, requests)
        VALUES (@tenant_id, @user_id, date_trunc('minute', now()), @permits)
        ON CONFLICT (tenant_id, user_id, window_start) DO UPDATE SET requests = w.requests + @permits
        RETURNING w.requests, extract(epoch FROM w.window_start + interval '1 minute' - now())::float8
        """;

    /// <summary>
    /// Asks for <paramref name="permits"/> requests of the user's current window under <paramref name="limit"/>. The
    /// tenant is the request's tenant context, which must be one tenant: only authenticated callers are counted (ADR-012).
    /// </summary>
    public async Task<RateWindowGrant> ReserveAsync(ITenantContext tenant, Guid userId, int permits, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentOutOfRangeException.ThrowIfLessThan(permits, 1);
        var tenantId = tenant.Scope.TenantId
            ?? throw new InvalidOperationException("rate limits count one tenant's user; the request's tenant context is every tenant");
        await using var command = dataSource.CreateCommand(Reserve);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("user_id", userId);
        command.Parameters.AddWithValue("permits", permits);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var requests = reader.GetInt32(0);
        var granted = Math.Clamp(limit - (requests - permits), 0, permits);
        return new RateWindowGrant(granted, requests, Math.Max(0, reader.GetDouble(1)));
    }
}
