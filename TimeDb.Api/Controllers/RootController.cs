using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using TimeDb.Api.Contracts;
using TimeDb.Domain.Errors;
using TimeDb.Domain.Users;

namespace TimeDb.Api.Controllers;

[ApiController]
[AllowAnonymous]
[Route("")]
public sealed class RootController(IAuthenticationMode mode) : ControllerBase
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
        ["POST /runs"] = "Upload a run with its values (alias: POST /upload)",
        ["GET /runs"] = "List runs (workflow_id, start_time, end_time, limit)",
        ["GET /runs/{run_id}"] = "One run",
        ["GET /values"] = "Read values: mode=flat|overlapping, valid and known ranges, series filters, all_versions",
        ["PUT /values"] = "Correct values (versioned)",
        ["POST /series"] = "Create a series",
        ["GET /series"] = "List your series",
        ["GET /list_timeseries"] = "Your series by id",
        ["GET /keys"] = "Your API keys",
        ["POST /keys"] = "Create an API key (shown once)",
        ["DELETE /keys/{key_id}"] = "Revoke one of your keys",
        ["POST /schema/create"] = "Create or upgrade the schema (admin)",
        ["DELETE /schema/delete"] = "Drop every TimeDB table (admin)",
    };

    /// <summary>Name, version and endpoints of the service, and whether it needs an API key.</summary>
    [HttpGet]
    [ProducesResponseType<RootResponse>(StatusCodes.Status200OK)]
    public async Task<ActionResult<RootResponse>> Get(CancellationToken cancellationToken)
    {
        AuthenticationMode authentication;
        try
        {
            authentication = await mode.GetAsync(cancellationToken);
        }
        catch (DatabaseUnavailableException)
        {
            // The overview stays up while the database is away; readiness reports the outage.
            authentication = AuthenticationMode.Unknown;
        }

        return new RootResponse(
            "TimeDB API",
            Version,
            "Versioned time-series store for forecasts and measurements: upload runs, read flat or overlapping, correct with history.",
            Endpoints,
            AuthenticationInfo.For(authentication));
    }
}
