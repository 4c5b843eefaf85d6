using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using TimeDb.Api.Contracts;
using TimeDb.Api.Formats;
using TimeDb.Api.Hosting;
using TimeDb.Api.Limits;
using TimeDb.Api.OpenApi;
using TimeDb.Api.Streaming;
using TimeDb.Domain.Tenancy;
using TimeDb.Domain.Values;

namespace TimeDb.Api.Controllers;

/// <summary>Values: read flat or overlapping, correct with versioning.</summary>
[ApiController]
[Route("values")]
public sealed class ValuesController(IValueReader reader, IValueUpdater updater, ICurrentTenant caller, IOptions<ApiLimits> limits) : ControllerBase
{
    /// <summary>Read values, streamed: JSON <c>{"data": [...], "count": n}</c>, CSV or an Apache Arrow IPC stream.</summary>
    /// <remarks>
    /// flat: one row per (series, valid_time, valid_time_end), the current version of the run with the
    /// latest known_time (ties: the run inserted later), ordered by valid_time, series_key.
    /// overlapping: every current version (every version with all_versions=true), ordered by
    /// known_time, valid_time, series_key. With end_known you see what was known at that moment.
    /// The format: format=json|csv|arrow, else the Accept header (application/json, text/csv,
    /// application/vnd.apache.arrow.stream); none of them acceptable → 406.
    /// </remarks>
    [HttpGet]
    [EnableRateLimiting(HeavyRequestLimits.Policy)]
    [ReadFormatsResponse]
    [ProducesResponseType<ValuesResponse>(StatusCodes.Status200OK, ReadFormats.JsonMediaType)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status406NotAcceptable, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    public IActionResult Read([FromQuery] ValuesQueryParameters query, CancellationToken cancellationToken)
    {
        Response.Headers.Vary = "Accept";
        if (ReadFormats.Choose(query.Format, Request.Headers.Accept) is not { } format)
        {
            return ReadFormats.NotAcceptable();
        }

        var valueQuery = query.ToQuery() with { MaxRows = limits.Value.MaxReadRows };
        return ValuesResult.For(format, reader.ReadAsync(valueQuery, cancellationToken), valueQuery.AllVersions);
    }

    /// <summary>Correct values: each changed record gets a new version; the old one is kept for audit.</summary>
    /// <remarks>
    /// value, annotation, tags: absent = unchanged, null = clear, a value = set. Annotations are trimmed
    /// (blank = null); tags trimmed, lower-cased, de-duplicated and sorted (empty = null). A record that
    /// would not change is listed in skipped_no_ops. A record that does not exist fails the whole batch (404).
    /// </remarks>
    [HttpPut]
    [EnableRateLimiting(HeavyRequestLimits.Policy)]
    [Consumes("application/json")]
    [ProducesResponseType<UpdateValuesResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    public async Task<ActionResult<UpdateValuesResponse>> Update([FromBody] UpdateValuesRequest request, CancellationToken cancellationToken)
    {
        var updates = request.Updates!.Select(u => u.ToUpdate()).ToList();
        var result = await updater.UpdateAsync(updates, caller.UserEmail, cancellationToken);
        return UpdateValuesResponse.From(result);
    }
}
