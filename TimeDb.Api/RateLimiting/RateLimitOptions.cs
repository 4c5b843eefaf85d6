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
