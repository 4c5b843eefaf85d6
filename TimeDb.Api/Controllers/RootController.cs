using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using TimeDb.Api.Contracts;
using TimeDb.Infrastructure.Errors;
using TimeDb.Infrastructure.Schema;

namespace TimeDb.Api.Controllers;

[ApiController]
[Route("")]
public sealed class RootController(SchemaManager schema) : ControllerBase
{
    private static readonly string Version =
        typeof(RootController).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    internal static readonly IReadOnlyDictionary<string, string> Endpoints = new Dictionary<string, string>
    {
        ["GET /"] = "This overview",
        ["GET /health/live"] = "Liveness probe",
        ["GET /health/ready"] = "Readiness probe: database reachable and schema current",
        ["GET /docs"] = "Swagger UI",
        ["GET /redoc"] = "ReDoc",
        ["GET /openapi.json"] = "OpenAPI document",
    };

    /// <summary>Name, version and endpoints of the service, and whether it needs an API key.</summary>
    [HttpGet]
    [ProducesResponseType<RootResponse>(StatusCodes.Status200OK)]
    public async Task<ActionResult<RootResponse>> Get(CancellationToken cancellationToken)
    {
        bool? authentication;
        try
        {
            authentication = await schema.IsAuthenticationEnabledAsync(cancellationToken);
        }
        catch (DatabaseUnavailableException)
        {
            // The overview stays up while the database is away; readiness reports the outage.
            authentication = null;
        }

        return new RootResponse(
            "TimeDB API",
            Version,
            "Versioned time-series store for forecasts and measurements: upload runs, read flat or overlapping, correct with history.",
            Endpoints,
            new AuthenticationInfo(authentication, "X-API-Key", "ApiKey"));
    }
}
