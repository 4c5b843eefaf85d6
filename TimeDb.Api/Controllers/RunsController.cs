using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using TimeDb.Api.Contracts;
using Microsoft.Extensions.Options;
using TimeDb.Api.Hosting;
using TimeDb.Api.Limits;
using Microsoft.AspNetCore.Http.Timeouts;
using TimeDb.Api.OpenApi;
using TimeDb.Api.Uploads;
using TimeDb.Api.Validation;
using TimeDb.Domain.Errors;
using TimeDb.Domain.Runs;
using TimeDb.Api.Paging;
using TimeDb.Domain.Tenancy;

namespace TimeDb.Api.Controllers;

/// <summary>Runs: upload one with its values, list them, fetch one.</summary>
[ApiController]
public sealed class RunsController(IRunIngestion ingestion, IRunCatalog runs, ICurrentTenant caller) : ControllerBase
{
    /// <summary>Upload a run with its values (one transaction: all land or none do).</summary>
    /// <remarks>
    /// New value_keys create series in your tenant; existing ones are reused. The body is JSON (the run's fields and
    /// <c>value_rows</c>), CSV (<c>Content-Type: text/csv</c>: a header row naming the columns <c>valid_time</c>,
    /// <c>value_key</c>, <c>value</c> and optionally <c>valid_time_end</c>, <c>series_id</c>, in any order) or an
    /// Apache Arrow IPC stream (<c>Content-Type: application/vnd.apache.arrow.stream</c>: the same columns by name,
    /// valid_time a timestamp, value_key text, value a number). CSV and Arrow take the run's fields as query
    /// parameters; series_descriptions and series_units are JSON-only. A bad row is a 400 naming it:
    /// <c>value_rows[12].valid_time_end</c> in JSON (counted from 0), <c>row 12, column valid_time_end</c> in CSV
    /// and Arrow (data rows counted from 1, the CSV header not counted, across Arrow batches).
    /// </remarks>
    /// <param name="pipeline">Reads the body by its media type.</param>
    /// <param name="idempotencyKey">A retry with the same key and request (body; for CSV and Arrow also the run's query parameters) answers as the first upload did.</param>
    /// <param name="cancellationToken">Aborted request.</param>
    [HttpPost("runs")]
    [HttpPost("upload")]
    [UploadBodySizeLimit]
    [EnableRateLimiting(HeavyRequestLimits.Policy)]
    [RequestTimeout(LimitsSetup.UploadTimeoutPolicy)]
    [UploadMediaType]
    [Consumes("application/json", CsvUploadReader.MediaTypeName, ArrowUploadReader.MediaTypeName)]
    [ProducesResponseType<UploadResponse>(StatusCodes.Status201Created)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")]
    [StreamedUploadBody]
    public async Task<ActionResult<UploadResponse>> Upload(
        [FromServices] UploadPipeline pipeline,
        [FromHeader(Name = IdempotencyKey.HeaderName)] string? idempotencyKey,
        CancellationToken cancellationToken)
    {
        // A retry with the same Idempotency-Key and request answers as the first upload did (ADR-009).
        // The parameter documents the header; presence is checked on the raw headers, as an empty key binds to null.
        var key = Request.Headers.ContainsKey(IdempotencyKey.HeaderName) ? IdempotencyKey.Validate(idempotencyKey) : null;

        // The body is read as a stream by the reader of its media type straight into compact rows (ADR-020), not bound to DTOs.
        var upload = await pipeline.ReadAsync(Request, hash: key is not null, cancellationToken);
        if (upload.Refused)
        {
            return (ActionResult)ValidationProblemFactory.FromErrors(upload.Rows.Problems.ToDictionary());
        }

        var idempotency = key is null ? null : new IdempotencyKey(key, upload.RequestHash!);
        var result = await ingestion.IngestAsync(upload.ToNewRun(caller.UserEmail), idempotency, cancellationToken);
        if (result.Replayed)
        {
            Response.Headers["Idempotent-Replayed"] = "true";
        }

        return Created($"/runs/{result.RunId}", UploadResponse.From(result));
    }

    /// <summary>List runs, newest run_start_time first, one page at a time.</summary>
    /// <remarks>
    /// At most <c>limit</c> runs (default 1000, at most 10000). When more exist, the answer carries
    /// <c>Link: &lt;/runs?…&amp;after=…&gt;; rel="next"</c> (RFC 8288): follow it for the next page; the last page has none.
    /// </remarks>
    [HttpGet("runs")]
    [ProducesResponseType<IReadOnlyList<RunResponse>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<ActionResult<IReadOnlyList<RunResponse>>> List([FromQuery] RunsQueryParameters query, CancellationToken cancellationToken)
    {
        var page = await runs.ListAsync(query.ToQuery(), cancellationToken);
        NextPageLink.Add(HttpContext, page.Next);
        return Ok(page.Items.Select(RunResponse.From).ToList());
    }

    /// <summary>One run.</summary>
    [HttpGet("runs/{runId:guid}")]
    [ProducesResponseType<RunResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<ActionResult<RunResponse>> Get(Guid runId, CancellationToken cancellationToken)
    {
        var run = await runs.FindAsync(runId, cancellationToken)
            ?? throw new NotFoundException($"run {runId} does not exist");
        return RunResponse.From(run);
    }
}
