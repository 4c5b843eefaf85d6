using TimeDb.Domain.Tenancy;

namespace TimeDb.Infrastructure.Tenancy;

/// <summary>The tenant context of one DI scope (a request, a CLI command): unset until the host states it, then fixed.</summary>
public sealed class TenantContext : ITenantContext
{
    private TenantScope? _scope;

    /// <summary>A context already set, for code that builds a DbContext by hand (design-time tooling, tests).</summary>
    public static TenantContext For(TenantScope scope)
    {
        var context = new TenantContext();
        context.SetScope(scope);
        return context;
    }

    public bool IsSet => _scope is not null;

    public TenantScope Scope => _scope ?? throw new TenantContextMissingException();

    public void SetScope(TenantScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (_scope is not null)
        {
            // Set once: a scope that changed half-way through a request would make its reads disagree.
            throw new InvalidOperationException($"the tenant context is already set ({_scope}); it is set once per request or command");
        }

        _scope = scope;
    }
}
