using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace TimeDb.Api.Authentication;

/// <summary>
/// Hands the failed requirements to the API-key handler's forbidden path, so its 403 says what was missing
/// (an admin user, or a scope) instead of one message for every refusal. Everything else: the framework's default.
/// </summary>
internal sealed class ForbiddenWithReason : IAuthorizationMiddlewareResultHandler
{
    public const string FailureParameter = "authorization_failure";

    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && authorizeResult.AuthorizationFailure is { } failure)
        {
            var properties = new AuthenticationProperties();
            properties.SetParameter(FailureParameter, failure);
            return context.ForbidAsync(ApiKeyDefaults.Scheme, properties);
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
