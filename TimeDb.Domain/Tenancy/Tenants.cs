namespace TimeDb.Domain.Tenancy;

/// <summary>Well-known tenant ids.</summary>
public static class Tenants
{
    /// <summary>The tenant of uploads in single-user mode when the body names none.</summary>
    public static readonly Guid Default = Guid.Empty;
}
