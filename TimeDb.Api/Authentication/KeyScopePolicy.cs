using Microsoft.AspNetCore.Authorization;
using TimeDb.Domain.Users;

namespace TimeDb.Api.Authentication;

/// <summary>Met when the caller's key has the scope the endpoint needs, or when there is no key to judge (single-user mode, or the 401 path).</summary>
internal sealed class KeyScopeRequirement : IAuthorizationRequirement
{
    public static KeyScopeRequirement Instance { get; } = new();

    /// <summary>
    /// The one rule of which scope an endpoint needs (SPEC §13): what its <see cref="RequiresScopeAttribute"/> says, else
    /// <c>read</c> for GET and HEAD and <c>write</c> for every other method (uploads, PUT /values, series changes).
    /// </summary>
    public static string ScopeFor(Endpoint endpoint, string method) =>
        endpoint.Metadata.GetMetadata<RequiresScopeAttribute>()?.Scope
        ?? (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) ? KeyScopes.Read : KeyScopes.Write);
}

/// <summary>Why authorization failed: the key lacks <see cref="Scope"/>. The forbidden path names it.</summary>
internal sealed class MissingScopeReason(IAuthorizationHandler handler, string scope)
    : AuthorizationFailureReason(handler, $"the API key lacks the '{scope}' scope")
{
    public string Scope { get; } = scope;
}

internal sealed class KeyScopeHandler(IHttpContextAccessor accessor) : AuthorizationHandler<KeyScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, KeyScopeRequirement requirement)
    {
        var http = context.Resource as HttpContext ?? accessor.HttpContext;
        var endpoint = http?.GetEndpoint();
        // No key: scopes do not apply (single-user mode); KeyWhenEnabledRequirement decides whether a key was needed.
        // No endpoint: nothing to guard, the request ends in 404.
        if (context.User.Identity?.IsAuthenticated != true || endpoint is null)
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        var scope = KeyScopeRequirement.ScopeFor(endpoint, http!.Request.Method);
        if (context.User.HasClaim(ApiKeyDefaults.Claims.Scope, scope))
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new MissingScopeReason(this, scope));
        }

        return Task.CompletedTask;
    }
}
