namespace TimeDb.Domain.Entities;

/// <summary>An entity that belongs to exactly one tenant.</summary>
public interface ITenantOwned
{
    Guid TenantId { get; set; }
}
