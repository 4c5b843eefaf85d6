using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using TimeDb.Api.Authentication;
using TimeDb.Api.Errors;
using TimeDb.Domain.Entities;

namespace TimeDb.Api.RateLimiting;

/// <summary>Requests per minute per tier (appsettings <c>TimeDb:RateLimits</c>); a tier left out is unlimited.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "TimeDb:RateLimits";

    public Dictionary<string, int> PerMinute { get; set; } = new(StringComparer.Ordinal)
    {
        [UserTiers.Free] = 10,
        [UserTiers.Basic] = 60,
        [UserTiers.Pro] = 300,
        [UserTiers.Enterprise] = 1000,
    };
}

/// <summary>
/// One fixed one-minute window per user and tier. The tier comes from the key lookup, so a tier change
/// takes effect on the next lookup (a new partition), without a restart. Single-user mode is not limited.
/// State is per process: ADR-006 says how several instances would share it.
/// </summary>
internal static class TierRateLimits
{
    public static IServiceCollection AddTimeDbRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(RateLimitOptions.Section);
        services.Configure<RateLimitOptions>(o =>
        {
            foreach (var tier in section.GetChildren())
            {
                if (int.TryParse(tier.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var limit))
                {
                    o.PerMinute[tier.Key] = limit;
                }
            }
        });

        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(Partition);
            o.OnRejected = OnRejectedAsync;
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(HttpContext context)
    {
        var user = context.User.FindFirst(ApiKeyDefaults.Claims.UserId)?.Value;
        var tier = context.User.FindFirst(ApiKeyDefaults.Claims.Tier)?.Value;
        var limits = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<RateLimitOptions>>().CurrentValue;
        if (user is null || tier is null || !limits.PerMinute.TryGetValue(tier, out var perMinute) || perMinute <= 0)
        {
            return RateLimitPartition.GetNoLimiter("unlimited");
        }

        return RateLimitPartition.GetFixedWindowLimiter($"{user}:{tier}:{perMinute}", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var tier = http.User.FindFirst(ApiKeyDefaults.Claims.Tier)?.Value;
        await Problems.WriteAsync(http, StatusCodes.Status429TooManyRequests, "Too many requests",
            $"The rate limit of your tier ({tier}) is used up; retry in {seconds} s or ask for a higher tier.", seconds);
    }
}
