using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using TimeDb.Api.Authentication;
using TimeDb.Api.Errors;
using TimeDb.Domain.Tenancy;
using TimeDb.Infrastructure.RateLimiting;

namespace TimeDb.Api.RateLimiting;

/// <summary>
/// One fixed one-minute window per user, counted in PostgreSQL so that every instance behind a load
/// balancer counts against the same limit (ADR-011). The tier comes from the key lookup, so a tier change
/// takes effect on the next lookup, without a restart. Single-user mode and unlimited tiers cost nothing.
/// A user over the limit is remembered in this instance until the window ends: a flood of refused
/// requests costs no queries. The tenant counted is the request's tenant context (set just before this
/// middleware); endpoints without one (<c>GET /</c>, health, docs) are not counted.
/// </summary>
internal sealed class TierRateLimits(
    RequestDelegate next, RateWindowCounter counter, IMemoryCache refusals, TimeProvider time, IOptionsMonitor<RateLimitOptions> options)
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

        // The limit is part of the key: after a tier change the old refusal no longer applies.
        var refusalKey = $"ratelimit:{userId}:{perMinute}";
        var now = time.GetUtcNow();
        if (refusals.TryGetValue<DateTimeOffset>(refusalKey, out var windowEnd) && windowEnd > now)
        {
            await RefuseAsync(context, tier, (int)Math.Ceiling((windowEnd - now).TotalSeconds));
            return;
        }

        var count = await counter.CountAsync(tenant, Guid.Parse(userId), context.RequestAborted);
        if (count.Requests > perMinute)
        {
            var end = now.AddSeconds(count.SecondsLeft);
            refusals.Set(refusalKey, end, end);
            await RefuseAsync(context, tier, count.SecondsLeft);
            return;
        }

        await next(context);
    }

    private static Task RefuseAsync(HttpContext context, string tier, int seconds)
    {
        seconds = Math.Max(1, seconds);
        return Problems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests",
            $"The rate limit of your tier ({tier}) is used up; retry in {seconds} s or ask for a higher tier.", seconds);
    }
}
