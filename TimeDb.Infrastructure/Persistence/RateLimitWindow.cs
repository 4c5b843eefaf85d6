namespace TimeDb.Infrastructure.Persistence;

/// <summary>
/// Requests one user made in one fixed one-minute window, counted by every API instance alike (ADR-011).
/// Rows older than the current window are only history; the janitor deletes them.
/// </summary>
public sealed class RateLimitWindow
{
    public Guid TenantId { get; set; }
    public Guid UserId { get; set; }
    public DateTimeOffset WindowStart { get; set; }
    public int Requests { get; set; }
}
