using Microsoft.AspNetCore.Mvc;
using TimeDb.Api.Contracts;
using TimeDb.Domain.Series;
using TimeDb.Api.Paging;
using TimeDb.Api.Streaming;

namespace TimeDb.Api.Controllers;

/// <summary>The series of your tenant.</summary>
[ApiController]
public sealed class SeriesController(ISeriesCatalog catalog) : ControllerBase
{
    /// <summary>Create a series; a name that exists already answers 409 with its id.</summary>
    [HttpPost("series")]
    [Consumes("application/json")]
    [ProducesResponseType<CreateSeriesResponse>(StatusCodes.Status201Created)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public async Task<ActionResult<CreateSeriesResponse>> Create([FromBody] CreateSeriesRequest request, CancellationToken cancellationToken)
    {
        var series = await catalog.CreateAsync(request.TenantId, request.Name!.Trim(), request.Description, request.Unit, cancellationToken);
        return Created($"/series/{series.SeriesId}", new CreateSeriesResponse(series.SeriesId, $"Series '{series.SeriesKey}' created"));
    }

    /// <summary>List your series, by series_key, one page at a time.</summary>
    /// <remarks>
    /// At most <c>limit</c> series (default 1000, at most 10000). When more exist, the answer carries
    /// <c>Link: &lt;/series?…&amp;after=…&gt;; rel="next"</c> (RFC 8288): follow it for the next page; the last page has none.
    /// </remarks>
    [HttpGet("series")]
    [ProducesResponseType<IReadOnlyList<SeriesResponse>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<ActionResult<IReadOnlyList<SeriesResponse>>> List([FromQuery] SeriesListParameters query, CancellationToken cancellationToken)
    {
        var page = await catalog.ListAsync(query.ToPage(), cancellationToken);
        NextPageLink.Add(HttpContext, page.Next);
        return Ok(page.Items.Select(SeriesResponse.From).ToList());
    }

    /// <summary>All your series as <c>{series_id: {series_key, description, unit}}</c>, streamed.</summary>
    /// <param name="tenantId">Single-user mode only: narrow to one tenant (applied by the tenant context).</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    [HttpGet("list_timeseries")]
    [ProducesResponseType<IReadOnlyDictionary<Guid, TimeseriesEntry>>(StatusCodes.Status200OK)]
    public IActionResult ListTimeseries([FromQuery(Name = "tenant_id")] Guid? tenantId, CancellationToken cancellationToken)
    {
        _ = tenantId; // bound for the OpenAPI document and its 400; the tenant context applies it
        return new TimeseriesJsonResult(catalog.StreamAsync(cancellationToken));
    }
}
