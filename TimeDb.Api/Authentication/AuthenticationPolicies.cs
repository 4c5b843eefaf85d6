using Microsoft.AspNetCore.Authorization;
using TimeDb.Domain.Users;

namespace TimeDb.Api.Authentication;

/// <summary>Met when authentication is off (single-user mode; never when unknown), or by an authenticated caller (an admin, if asked).</summary>
internal sealed class KeyWhenEnabledRequirement(bool adminOnly) : IAuthorizationRequirement
{
    public bool AdminOnly { get; } = adminOnly;
}

/// <summary>Why authorization failed: the endpoint is for admin users. The forbidden path says so.</summary>
internal sealed class AdminRequiredReason(IAuthorizationHandler handler) : AuthorizationFailureReason(handler, "the endpoint needs an admin user");

internal sealed class KeyWhenEnabledHandler(IAuthenticationMode mode, IHttpContextAccessor accessor) : AuthorizationHandler<KeyWhenEnabledRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, KeyWhenEnabledRequirement requirement)
    {
        var authenticated = context.User.Identity?.IsAuthenticated == true;
        if (authenticated)
        {
            if (!requirement.AdminOnly || context.User.HasClaim(ApiKeyDefaults.Claims.Admin, "true"))
            {
                context.Succeed(requirement);
            }
            else
            {
                context.Fail(new AdminRequiredReason(this));
            }

            return;
        }

        // Only "off" opens without a key: "on" and "unknown" (tables missing) never do.
        if (await mode.GetAsync(accessor.HttpContext?.RequestAborted ?? default) == AuthenticationMode.Off)
        {
            context.Succeed(requirement);
        }
    }
}
