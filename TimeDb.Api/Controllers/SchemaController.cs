using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using TimeDb.Api.Authentication;
using TimeDb.Api.Contracts;
using TimeDb.Domain.Schema;

namespace TimeDb.Api.Controllers;

/// <summary>Schema administration: admin keys only when authentication is on; the first schema is the CLI's.</summary>
[ApiController]
[Route("schema")]
[Authorize(Policy = ApiKeyDefaults.AdminPolicy)]
public sealed class SchemaController(ISchemaAdministration schema) : ControllerBase
{
    /// <summary>Upgrade the TimeDB tables (like `timedb create tables`); without tables it is refused with 503: run the CLI.</summary>
    [HttpPost("create")]
    [ProducesResponseType<SchemaResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<ActionResult<SchemaResponse>> Create([FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] CreateSchemaRequest? request,
        CancellationToken cancellationToken)
    {
        var result = await schema.UpgradeAsync(request?.WithUsers ?? false, cancellationToken);
        var message = result.Outcome switch
        {
            CreateTablesOutcome.Created => "TimeDB tables created",
            CreateTablesOutcome.Upgraded => $"TimeDB tables upgraded ({result.AppliedMigrations.Count} migration(s))",
            _ => "TimeDB tables already up to date",
        };
        return new SchemaResponse(message, result.AuthenticationEnabled, result.AppliedMigrations);
    }

    /// <summary>Drop every table TimeDB created, users and keys included.</summary>
    [HttpDelete("delete")]
    [ProducesResponseType<SchemaResponse>(StatusCodes.Status200OK)]
    public async Task<ActionResult<SchemaResponse>> Delete(CancellationToken cancellationToken)
    {
        var dropped = await schema.DropAsync(cancellationToken);
        return new SchemaResponse(dropped.Count == 0 ? "No TimeDB tables; nothing to delete" : $"Dropped {dropped.Count} table(s)", null, dropped);
    }
}
