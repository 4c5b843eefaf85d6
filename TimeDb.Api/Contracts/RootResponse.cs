using TimeDb.Domain.Users;

namespace TimeDb.Api.Contracts;

/// <summary>What <c>GET /</c> says about the service.</summary>
public sealed record RootResponse(
    string Name,
    string Version,
    string Description,
    IReadOnlyDictionary<string, string> Endpoints,
    AuthenticationInfo Authentication);

/// <summary>
/// Whether requests need an API key: <c>mode</c> is "on", "off" or "unknown" (the tables are missing or the
/// database cannot be asked), and <c>enabled</c> says the same as true, false or null.
/// </summary>
public sealed record AuthenticationInfo(bool? Enabled, string Header, string Scheme, string Mode)
{
    public static AuthenticationInfo For(AuthenticationMode mode) => new(
        mode switch { AuthenticationMode.On => true, AuthenticationMode.Off => false, _ => null },
        "X-API-Key",
        "ApiKey",
        mode switch { AuthenticationMode.On => "on", AuthenticationMode.Off => "off", _ => "unknown" });
}

/// <summary>Health probe answer.</summary>
public sealed record HealthResponse(string Status, string? Detail = null);
