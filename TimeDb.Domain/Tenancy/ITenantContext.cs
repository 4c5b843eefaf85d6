namespace TimeDb.Domain.Tenancy;

/// <summary>
/// The one source of the tenant scope for a request or a CLI command: set once by the host (the API from
/// the authenticated key or single-user mode, the CLI per command) and read by every data path. Reading it
/// before it was set throws <see cref="TenantContextMissingException"/>: a bug, never "no filter".
/// </summary>
public interface ITenantContext
{
    /// <summary>True once <see cref="SetScope"/> was called.</summary>
    bool IsSet { get; }

    /// <summary>The scope; throws <see cref="TenantContextMissingException"/> when nobody set it.</summary>
    TenantScope Scope { get; }

    /// <summary>Sets the scope, once; a second call throws <see cref="InvalidOperationException"/>.</summary>
    void SetScope(TenantScope scope);
}

/// <summary>Tenant data was touched without a tenant context: a programming error (500), never an unfiltered answer.</summary>
public sealed class TenantContextMissingException()
    : InvalidOperationException("no tenant context: tenant data was accessed before the request or command stated its tenant scope");
