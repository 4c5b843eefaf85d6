using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using TimeDb.Api.Contracts;
using TimeDb.Infrastructure.Errors;
using TimeDb.Infrastructure.Schema;

namespace TimeDb.Api.Controllers;

[ApiController]
[AllowAnonymous]
[Route("health")]
public sealed class HealthController(SchemaManager schema) : ControllerBase
{
    /// <summary>The process is up and serving HTTP.</summary>
    [HttpGet("live")]
    [ProducesResponseType<HealthResponse>(StatusCodes.Status200OK)]
    public ActionResult<HealthResponse> Live() => new HealthResponse("live");

    /// <summary>The database is reachable and the schema is current.</summary>
    [HttpGet("ready")]
    [ProducesResponseType<HealthResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    public async Task<ActionResult<HealthResponse>> Ready(CancellationToken cancellationToken)
    {
        var status = await schema.GetStatusAsync(cancellationToken);
        if (status.IsCurrent)
        {
            return new HealthResponse("ready");
        }

        var detail = status.Exists
            ? $"the TimeDB schema is out of date ({status.Pending.Count} migration(s) pending): {DatabaseErrors.CreateTablesHint}"
            : $"the TimeDB tables are missing: {DatabaseErrors.CreateTablesHint}";
        Response.Headers.RetryAfter = "5";
        return Problem(detail: detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready");
    }
}
