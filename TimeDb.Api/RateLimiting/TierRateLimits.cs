using Microsoft.Extensions.Options;
using TimeDb.Api.Authentication;
using TimeDb.Api.Errors;
using TimeDb.Domain.Tenancy;
using TimeDb.Infrastructure.RateLimiting;

namespace TimeDb.Api.RateLimiting;

/// <summary>
/// One fixed one-minute window per user, counted in PostgreSQL so that every instance behind a load
/// balancer counts against the same limit (ADR-011), in permits each instance reserves in chunks (ADR-024,
/// <see cref="RatePermits"/>). The tier comes from the key lookup, so a tier change takes effect on the next
/// lookup, without a restart. Single-user mode and unlimited tiers cost nothing. The tenant counted is the
/// request's tenant context (set just before this middleware); endpoints without one (<c>GET /</c>, health,
/// docs) are not counted.
/// </summary>
internal sealed class TierRateLimits(RequestDelegate next, RatePermits permits, IOptionsMonitor<RateLimitOptions> options)
{
    public async Task InvokeAsync(HttpContext context, ITenantContext tenant)
    {
        var user = context.User;
        var userId = user.FindFirst(ApiKeyDefaults.Claims.UserId)?.Value;
        var tier = user.FindFirst(ApiKeyDefaults.Claims.Tier)?.Value;
        if (userId is null || tier is null || !tenant.IsSet
            || !options.CurrentValue.PerMinute.TryGetValue(tier, out var perMinute) || perMinute <= 0)
        {
            await next(context);
            return;
        }

        var decision = await permits.TakeAsync(tenant, Guid.Parse(userId), perMinute, context.RequestAborted);
        if (!decision.Allowed)
        {
            await RefuseAsync(context, tier, decision.RetryAfterSeconds);
            return;
        }

        await next(context);
    }

    private static Task RefuseAsync(HttpContext context, string tier, int seconds) =>
        Problems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests",
            $"The rate limit of your tier ({tier}) is used up; retry in {seconds} s or ask for a higher tier.", seconds);
}
