namespace TimeDb.Domain.Entities;

/// <summary>The rate-limit tiers a user can be on.</summary>
public static class UserTiers
{
    public const string Free = "free";
    public const string Basic = "basic";
    public const string Pro = "pro";
    public const string Enterprise = "enterprise";
    public const string Unlimited = "unlimited";
    public const string Default = Basic;

    public static IReadOnlyList<string> All { get; } = [Free, Basic, Pro, Enterprise, Unlimited];

    public static bool IsKnown(string tier) => All.Contains(tier, StringComparer.Ordinal);
}
