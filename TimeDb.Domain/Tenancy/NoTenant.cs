namespace TimeDb.Domain.Tenancy;

/// <summary>No authenticated caller (the CLI, single-user mode). Says who calls, not what is visible: that is <see cref="ITenantContext"/>.</summary>
public sealed class NoTenant : ICurrentTenant
{
    public bool IsAuthenticated => false;

    public Guid? TenantId => null;

    public Guid? UserId => null;

    public string? UserEmail => null;
}
