using System.Security.Claims;
using TimeDb.Api.Authentication;
using TimeDb.Domain.Tenancy;

namespace TimeDb.Api.Tenancy;

/// <summary>The caller as the authentication handler described it in the request's claims.</summary>
internal sealed class HttpCurrentTenant(IHttpContextAccessor accessor) : ICurrentTenant
{
    private ClaimsPrincipal? User => accessor.HttpContext?.User;

    public bool IsAuthenticated => TenantId is not null;

    public Guid? TenantId => ClaimGuid(ApiKeyDefaults.Claims.TenantId);

    public Guid? UserId => IsAuthenticated ? ClaimGuid(ApiKeyDefaults.Claims.UserId) : null;

    public string? UserEmail => IsAuthenticated ? User?.FindFirst(ClaimTypes.Email)?.Value : null;

    private Guid? ClaimGuid(string type) =>
        User?.FindFirst(type)?.Value is { } value && Guid.TryParse(value, out var id) ? id : null;
}
