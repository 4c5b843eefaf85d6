using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using TimeDb.Infrastructure.Auth;

namespace TimeDb.Api.Authentication;

internal static class AuthenticationSetup
{
    public static IServiceCollection AddTimeDbAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AuthCacheOptions>(configuration.GetSection(AuthCacheOptions.Section));
        services.AddSingleton<KeyUsageRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<KeyUsageRecorder>());

        services.AddAuthentication(ApiKeyDefaults.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyDefaults.Scheme, null);

        services.AddScoped<IAuthorizationHandler, KeyWhenEnabledHandler>();
        services.AddSingleton<IAuthorizationHandler, KeyScopeHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ForbiddenWithReason>();
        // Every policy also checks the key's scope for the endpoint (KeyScopeRequirement.ScopeFor is the rule).
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiKeyDefaults.KeyWhenEnabledPolicy, p => p.AddRequirements(new KeyWhenEnabledRequirement(adminOnly: false), KeyScopeRequirement.Instance))
            .AddPolicy(ApiKeyDefaults.AdminPolicy, p => p.AddRequirements(new KeyWhenEnabledRequirement(adminOnly: true), KeyScopeRequirement.Instance))
            // Every endpoint needs a key (when authentication is on) unless it says [AllowAnonymous].
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().AddRequirements(new KeyWhenEnabledRequirement(adminOnly: false), KeyScopeRequirement.Instance).Build())
            .SetDefaultPolicy(new AuthorizationPolicyBuilder().AddRequirements(new KeyWhenEnabledRequirement(adminOnly: false), KeyScopeRequirement.Instance).Build());
        return services;
    }
}
