using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using TimeDb.Api.Contracts;
using TimeDb.Api.Hosting;
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

    /// <summary>Name, version and endpoints of the service, and whether it needs an API key.</summary>
    [HttpGet]
    [ProducesResponseType<RootResponse>(StatusCodes.Status200OK)]
    public async Task<ActionResult<RootResponse>> Get([FromServices] EndpointOverview endpoints, CancellationToken cancellationToken)
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
            endpoints.Endpoints,
            AuthenticationInfo.For(authentication));
    }
}
