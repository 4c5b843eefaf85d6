using TimeDb.Domain.Errors;

namespace TimeDb.Domain.Tenancy;

/// <summary>
/// Which tenants a request or command acts on: exactly one (<see cref="Tenant"/>) or, in single-user mode
/// and for the CLI operator only, every tenant (<see cref="AllTenants"/>). There is no third value: code
/// that was not told which tenant it acts for has no scope and refuses to run (<see cref="ITenantContext"/>).
/// </summary>
public abstract record TenantScope
{
    private TenantScope()
    {
    }

    /// <summary>Every tenant: single-user mode (authentication off) and the CLI, never an authenticated request.</summary>
    public static TenantScope All { get; } = new AllTenants();

    /// <summary>Exactly the tenant <paramref name="tenantId"/>.</summary>
    public static TenantScope Of(Guid tenantId) => new Tenant(tenantId);

    /// <summary>The one tenant in scope, or null when the scope is explicitly every tenant.</summary>
    public abstract Guid? TenantId { get; }

    /// <summary>
    /// The scope narrowed by a tenant_id the caller named (a query parameter or a body field). Within one
    /// tenant another tenant_id is refused (403); within all tenants it narrows to that tenant.
    /// </summary>
    public abstract TenantScope Narrow(Guid? requested);

    /// <summary>
    /// The tenant a write lands in: the scope's tenant (another requested tenant_id → 403), or in the
    /// all-tenants scope the requested tenant_id, else <see cref="Tenants.Default"/>.
    /// </summary>
    public Guid TenantForWrite(Guid? requested) => Narrow(requested).TenantId ?? Tenants.Default;

    /// <summary>One tenant.</summary>
    public sealed record Tenant(Guid Id) : TenantScope
    {
        public override Guid? TenantId => Id;

        public override TenantScope Narrow(Guid? requested) => requested is { } other && other != Id
            ? throw new ForbiddenException("tenant_id does not match the tenant of your API key; leave it out or use your own")
            : this;

        public override string ToString() => $"tenant {Id}";
    }

    /// <summary>Every tenant (single-user mode, CLI).</summary>
    public sealed record AllTenants : TenantScope
    {
        public override Guid? TenantId => null;

        public override TenantScope Narrow(Guid? requested) => requested is { } tenant ? new Tenant(tenant) : this;

        public override string ToString() => "all tenants";
    }
}
