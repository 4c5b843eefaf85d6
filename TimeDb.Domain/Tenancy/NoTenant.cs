namespace TimeDb.Domain.Tenancy;

/// <summary>No caller: the CLI and single-user mode. Nothing is filtered by tenant.</summary>
public sealed class NoTenant : ICurrentTenant
{
    public bool IsAuthenticated => false;

    public Guid? TenantId => null;

    public Guid? UserId => null;

    public string? UserEmail => null;
}
