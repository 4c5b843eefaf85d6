using System.Globalization;

namespace TimeDb.Api.RateLimiting;

internal static class TierRateLimitsSetup
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
        return services;
    }

    /// <summary>After authentication (the user and tier come from the key), before authorization.</summary>
    public static IApplicationBuilder UseTimeDbRateLimiting(this IApplicationBuilder app) => app.UseMiddleware<TierRateLimits>();
}
