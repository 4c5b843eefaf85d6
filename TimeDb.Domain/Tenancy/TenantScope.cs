using TimeDb.Domain.Errors;

namespace TimeDb.Domain.Tenancy;

/// <summary>
/// The one place that decides which tenant a request acts on. Authenticated: always the key's tenant,
/// and a different tenant_id in the request is refused (403). Single-user mode: the request's
/// tenant_id, else the default tenant for writes and every tenant for reads.
/// </summary>
public static class TenantScope
{
    public static Guid ForWrite(ICurrentTenant caller, Guid? requested)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.IsAuthenticated)
        {
            Refuse(caller, requested);
            return caller.TenantId!.Value;
        }

        return requested ?? Tenants.Default;
    }

    /// <summary>The tenant reads are limited to; null means every tenant (single-user mode only).</summary>
    public static Guid? ForRead(ICurrentTenant caller, Guid? requested)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.IsAuthenticated)
        {
            Refuse(caller, requested);
            return caller.TenantId!.Value;
        }

        return requested;
    }

    private static void Refuse(ICurrentTenant caller, Guid? requested)
    {
        if (requested is { } tenant && tenant != caller.TenantId)
        {
            throw new ForbiddenException("tenant_id does not match the tenant of your API key; leave it out or use your own");
        }
    }
}
