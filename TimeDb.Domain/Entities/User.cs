namespace TimeDb.Domain.Entities;

/// <summary>A person or service of one tenant; owns API keys.</summary>
public sealed class User : ITenantOwned
{
    public Guid UserId { get; set; }
    public Guid TenantId { get; set; }
    public string Email { get; set; } = "";
    public bool IsActive { get; set; } = true;
    public string Tier { get; set; } = UserTiers.Default;
    public bool IsAdmin { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
