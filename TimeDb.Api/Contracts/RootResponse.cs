namespace TimeDb.Api.Contracts;

/// <summary>What <c>GET /</c> says about the service.</summary>
public sealed record RootResponse(
    string Name,
    string Version,
    string Description,
    IReadOnlyDictionary<string, string> Endpoints,
    AuthenticationInfo Authentication);

/// <summary>Whether requests need an API key; null while the database cannot be asked.</summary>
public sealed record AuthenticationInfo(bool? Enabled, string Header, string Scheme);

/// <summary>Health probe answer.</summary>
public sealed record HealthResponse(string Status, string? Detail = null);
