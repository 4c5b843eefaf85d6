using Microsoft.AspNetCore.Authorization;
using TimeDb.Domain.Errors;
using TimeDb.Domain.Tenancy;
using TimeDb.Domain.Users;

namespace TimeDb.Api.Tenancy;

/// <summary>
/// States the request's tenant scope, once, right after authentication (ADR-012-tenancy-context):
/// an API key → its tenant (a <c>tenant_id</c> query parameter naming another → 403); no key in single-user
/// mode → every tenant, or the tenant the <c>tenant_id</c> query parameter names. Anonymous endpoints
/// (<c>GET /</c>, health, docs) and unmatched paths get no scope at all, so they cannot reach tenant data and
/// never wait for the database to learn the mode. Body tenant_ids are applied by the services through the
/// same <see cref="TenantScope"/> rules.
/// </summary>
internal sealed class TenantContextMiddleware(RequestDelegate next)
{
    public const string TenantIdParameter = "tenant_id";

    public async Task InvokeAsync(HttpContext context, ICurrentTenant caller, ITenantContext tenant, IAuthenticationMode mode)
    {
        if (context.GetEndpoint() is not { } endpoint || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            await next(context);
            return;
        }

        var requested = RequestedTenant(context.Request);
        if (caller.IsAuthenticated)
        {
            tenant.SetScope(TenantScope.Of(caller.TenantId!.Value).Narrow(requested));
        }
        else if (await mode.GetAsync(context.RequestAborted) == AuthenticationMode.Off) // a caller without a key got through: single-user mode
        {
            tenant.SetScope(TenantScope.All.Narrow(requested));
        }

        await next(context);
    }

    private static Guid? RequestedTenant(HttpRequest request)
    {
        var values = request.Query[TenantIdParameter];
        if (values.Count == 0)
        {
            return null;
        }

        return values.Count == 1 && Guid.TryParse(values[0], out var tenant)
            ? tenant
            : throw new DomainException("tenant_id must be one UUID (or left out)");
    }
}
