using System.Security.Claims;
using TimeDb.Domain.Tenancy;

namespace TimeDb.Api.Tenancy;

/// <summary>The caller as the authentication handler described it in the request's claims.</summary>
internal sealed class HttpCurrentTenant(IHttpContextAccessor accessor) : ICurrentTenant
{
    public const string TenantClaim = "tenant_id";

    private ClaimsPrincipal? User => accessor.HttpContext?.User;

    public bool IsAuthenticated => TenantId is not null;

    public Guid? TenantId =>
        User?.FindFirst(TenantClaim)?.Value is { } value && Guid.TryParse(value, out var tenant) ? tenant : null;

    public string? UserEmail => IsAuthenticated ? User?.FindFirst(ClaimTypes.Email)?.Value : null;
}
