using Microsoft.AspNetCore.RateLimiting;
using System.Security.Cryptography;
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
    /// <remarks>New value_keys create series in your tenant; existing ones are reused.</remarks>
    [HttpPost("runs")]
    [HttpPost("upload")]
    [UploadBodySizeLimit]
    [EnableRateLimiting(HeavyRequestLimits.Policy)]
    [RequestTimeout(LimitsSetup.UploadTimeoutPolicy)]
    [JsonUploadBody]
    [Consumes("application/json")]
    [ProducesResponseType<UploadResponse>(StatusCodes.Status201Created)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")]
    [StreamedJsonBody(typeof(UploadRequest))]
    public async Task<ActionResult<UploadResponse>> Upload(
        [FromServices] IOptions<JsonOptions> json,
        [FromServices] IOptions<ApiLimits> limits,
        [FromHeader(Name = IdempotencyKey.HeaderName)] string? idempotencyKey,
        CancellationToken cancellationToken)
    {
        // A retry with the same Idempotency-Key and body answers as the first upload did (ADR-009).
        // The parameter documents the header; presence is checked on the raw headers, as an empty key binds to null.
        var key = Request.Headers.ContainsKey(IdempotencyKey.HeaderName) ? IdempotencyKey.Validate(idempotencyKey) : null;
        using var bodyHash = key is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        // The body is read as a stream straight into compact rows (ADR-007), not bound to DTOs.
        var maxRows = limits.Value.MaxUploadRows;
        var upload = await UploadBodyParser.ParseAsync(Request.BodyReader, json.Value.JsonSerializerOptions, maxRows, bodyHash, cancellationToken);
        if (upload.TooManyRows)
        {
            throw new RequestTooLargeException($"An upload carries at most {maxRows} value rows; split it into several runs.");
        }

        if (upload.Errors.Count > 0)
        {
            return (ActionResult)ValidationProblemFactory.FromErrors(upload.Errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        }

        var idempotency = key is null ? null : new IdempotencyKey(key, bodyHash!.GetHashAndReset());
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
