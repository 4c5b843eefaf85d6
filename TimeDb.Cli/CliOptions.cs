using System.CommandLine;

namespace TimeDb.Cli;

/// <summary>Options shared by the user and key commands.</summary>
internal static class CliOptions
{
    public static Option<string> Email() => new("--email", "-e") { Description = "Email of the user", Required = true };

    public static Option<Guid?> TenantFilter() => new("--tenant-id", "-t") { Description = "Tenant of the user (needed when the email is in several tenants)" };
}
