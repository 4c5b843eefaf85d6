using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using TimeDb.Api.Errors;
using Microsoft.Extensions.Options;
using TimeDb.Domain.Security;
using TimeDb.Domain.Users;
using TimeDb.Infrastructure.Auth;
using TimeDb.Infrastructure.Errors;

namespace TimeDb.Api.Authentication;

/// <summary>
/// Reads <c>X-API-Key</c> and asks the key store who it is. No header: no result (the policy decides
/// whether that is allowed). A malformed, unknown or revoked key, or one of an inactive user: failure,
/// all with the same message. The key itself is never logged or echoed.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IApiKeyStore keys,
    KeyUsageRecorder usage,
    IProblemDetailsService problems,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(ApiKeyDefaults.HeaderName, out var values) || string.IsNullOrEmpty(values.ToString()))
        {
            return AuthenticateResult.NoResult();
        }

        if (values.Count != 1 || !ApiKeySecret.TryParse(values.ToString().Trim(' ', '\t'), out var secret))
        {
            return AuthenticateResult.Fail(ApiKeyDefaults.InvalidKey);
        }

        KeyOwner? owner;
        try
        {
            owner = await keys.FindByHashAsync(secret!.Hash(), Context.RequestAborted);
        }
        catch (Exception ex) when (AuthenticationModeGate.IsServedWhileUnknown(Request.Path) && DatabaseErrors.Classify(ex) is not null)
        {
            // The overview and the probes answer whatever the database's state, with or without a key.
            return AuthenticateResult.NoResult();
        }

        if (owner is null || !owner.CanAuthenticateAt(clock.GetUtcNow()))
        {
            return AuthenticateResult.Fail(ApiKeyDefaults.InvalidKey);
        }

        usage.Record(owner.KeyId);
        var identity = new ClaimsIdentity(
        [
            new Claim(ApiKeyDefaults.Claims.TenantId, owner.TenantId.ToString()),
            new Claim(ApiKeyDefaults.Claims.UserId, owner.UserId.ToString()),
            new Claim(ApiKeyDefaults.Claims.KeyId, owner.KeyId.ToString()),
            new Claim(ApiKeyDefaults.Claims.Tier, owner.Tier),
            new Claim(ApiKeyDefaults.Claims.Admin, owner.IsAdmin ? "true" : "false"),
            new Claim(ClaimTypes.Email, owner.Email),
            new Claim(ClaimTypes.NameIdentifier, owner.UserId.ToString()),
            .. owner.Grant.Scopes.Select(scope => new Claim(ApiKeyDefaults.Claims.Scope, scope)),
        ], ApiKeyDefaults.Scheme);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), ApiKeyDefaults.Scheme));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var message = result.Failure is null ? ApiKeyDefaults.MissingKey : ApiKeyDefaults.InvalidKey;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = ApiKeyDefaults.Challenge;
        var problem = Problems.Create(StatusCodes.Status401Unauthorized, "Unauthorized", message == ApiKeyDefaults.MissingKey
            ? "Send your API key in the X-API-Key header (create one with `timedb users create`)."
            : "The X-API-Key is not valid: it is unknown, revoked or expired, or its user is deactivated.");
        problem.Extensions["error"] = "Unauthorized";
        problem.Extensions["message"] = message;
        await WriteProblemAsync(problem);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await WriteProblemAsync(Problems.Create(StatusCodes.Status403Forbidden, "Forbidden",
            ForbiddenDetail(properties.GetParameter<AuthorizationFailure>(ForbiddenWithReason.FailureParameter))));
    }

    /// <summary>What was missing: an admin user comes first (a scope would not help), then the scope.</summary>
    private static string ForbiddenDetail(AuthorizationFailure? failure)
    {
        var reasons = failure?.FailureReasons ?? [];
        if (!reasons.OfType<AdminRequiredReason>().Any() && reasons.OfType<MissingScopeReason>().FirstOrDefault() is { } missing)
        {
            return $"this API key lacks the '{missing.Scope}' scope; create a key with it: " +
                $"`POST /keys {{\"name\": \"…\", \"scopes\": [\"{missing.Scope}\"]}}` with a key that has the scope, " +
                $"or `timedb keys create --email … --scope {missing.Scope}`.";
        }

        return "Your API key may not do this: it needs an admin user (`timedb users create --admin`).";
    }

    private ValueTask WriteProblemAsync(ProblemDetails problem) =>
        problems.WriteAsync(new ProblemDetailsContext { HttpContext = Context, ProblemDetails = problem });
}
