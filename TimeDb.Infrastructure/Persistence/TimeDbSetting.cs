namespace TimeDb.Infrastructure.Persistence;

/// <summary>A name/value row of TimeDB's own bookkeeping (e.g. whether authentication is on).</summary>
public sealed class TimeDbSetting
{
    public const string Authentication = "authentication";
    public const string On = "on";
    public const string Off = "off";

    public string Name { get; set; } = "";
    public string Value { get; set; } = "";
}
