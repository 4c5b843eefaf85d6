using Microsoft.AspNetCore.Mvc;
using TimeDb.Api.Contracts;
using TimeDb.Domain.Series;
using TimeDb.Domain.Tenancy;

namespace TimeDb.Api.Controllers;

/// <summary>The series of your tenant.</summary>
[ApiController]
public sealed class SeriesController(ISeriesCatalog catalog, ICurrentTenant caller) : ControllerBase
{
    /// <summary>Create a series; a name that exists already answers 409 with its id.</summary>
    [HttpPost("series")]
    [Consumes("application/json")]
    [ProducesResponseType<CreateSeriesResponse>(StatusCodes.Status201Created)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status429TooManyRequests, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    public async Task<ActionResult<CreateSeriesResponse>> Create([FromBody] CreateSeriesRequest request, CancellationToken cancellationToken)
    {
        var tenant = TenantScope.ForWrite(caller, request.TenantId);
        var series = await catalog.CreateAsync(tenant, request.Name!.Trim(), request.Description, request.Unit, cancellationToken);
        return Created($"/series/{series.SeriesId}", new CreateSeriesResponse(series.SeriesId, $"Series '{series.SeriesKey}' created"));
    }

    /// <summary>List your series, by series_key.</summary>
    [HttpGet("series")]
    [ProducesResponseType<IReadOnlyList<SeriesResponse>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status429TooManyRequests, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    public async Task<ActionResult<IReadOnlyList<SeriesResponse>>> List([FromQuery(Name = "tenant_id")] Guid? tenantId, CancellationToken cancellationToken)
    {
        var series = await catalog.ListAsync(TenantScope.ForRead(caller, tenantId), cancellationToken);
        return Ok(series.Select(SeriesResponse.From).ToList());
    }

    /// <summary>All your series as <c>{series_id: {series_key, description, unit}}</c>.</summary>
    [HttpGet("list_timeseries")]
    [ProducesResponseType<IReadOnlyDictionary<Guid, TimeseriesEntry>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status429TooManyRequests, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    public async Task<ActionResult<IReadOnlyDictionary<Guid, TimeseriesEntry>>> ListTimeseries([FromQuery(Name = "tenant_id")] Guid? tenantId, CancellationToken cancellationToken)
    {
        var series = await catalog.ListAsync(TenantScope.ForRead(caller, tenantId), cancellationToken);
        return Ok(series.ToDictionary(s => s.SeriesId, s => new TimeseriesEntry(s.SeriesKey, s.Description, s.Unit)));
    }
}
