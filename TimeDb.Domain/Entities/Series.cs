namespace TimeDb.Domain.Entities;

/// <summary>A named time series of one tenant, identified by its series key (the upload's value_key).</summary>
public sealed class Series : ITenantOwned
{
    public const string DefaultUnit = "dimensionless";

    public Guid SeriesId { get; set; }
    public Guid TenantId { get; set; }
    public string SeriesKey { get; set; } = "";
    public string? Description { get; set; }
    public string SeriesUnit { get; set; } = DefaultUnit;
    public DateTimeOffset CreatedAt { get; set; }
}
