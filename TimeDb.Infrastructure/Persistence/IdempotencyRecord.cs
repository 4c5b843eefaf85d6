namespace TimeDb.Infrastructure.Persistence;

/// <summary>An upload made with an <c>Idempotency-Key</c>: the key, the body's hash and the answer (ADR-009).</summary>
public sealed class IdempotencyRecord
{
    public Guid TenantId { get; set; }
    public string IdempotencyKey { get; set; } = "";
    public byte[] RequestHash { get; set; } = [];
    public Guid RunId { get; set; }
    public long RowsInserted { get; set; }

    /// <summary>{value_key: series_id} as answered to the first upload.</summary>
    public string SeriesIds { get; set; } = "{}";

    public DateTimeOffset CreatedAt { get; set; }
}
