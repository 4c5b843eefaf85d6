using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using TimeDb.Domain.Paging;
using TimeDb.Domain.Runs;

namespace TimeDb.Api.Contracts;

/// <summary>A stored run.</summary>
public sealed record RunResponse(
    Guid RunId,
    Guid TenantId,
    string WorkflowId,
    DateTimeOffset RunStartTime,
    DateTimeOffset? RunFinishTime,
    DateTimeOffset KnownTime,
    JsonElement? RunParams,
    DateTimeOffset InsertedAt)
{
    internal static RunResponse From(RunInfo r) => new(
        r.RunId, r.TenantId, r.WorkflowId, r.RunStartTime, r.RunFinishTime, r.KnownTime,
        r.RunParamsJson is null ? null : JsonDocument.Parse(r.RunParamsJson).RootElement.Clone(),
        r.InsertedAt);
}

/// <summary>Filters of <c>GET /runs</c>. The time range is half-open [start_time, end_time) on run_start_time.</summary>
public sealed class RunsQueryParameters
{
    public const int DefaultLimit = PageRequest.DefaultLimit;
    public const int MaxLimit = PageRequest.MaxLimit;

    [FromQuery(Name = "workflow_id")]
    public string? WorkflowId { get; set; }

    [FromQuery(Name = "start_time")]
    public DateTimeOffset? StartTime { get; set; }

    [FromQuery(Name = "end_time")]
    public DateTimeOffset? EndTime { get; set; }

    /// <summary>At most this many runs per page, newest first (1–10000, default 1000); a next page is announced in a <c>Link: &lt;…&gt;; rel="next"</c> header.</summary>
    [FromQuery(Name = "limit")]
    public int? Limit { get; set; }

    /// <summary>Opaque cursor: the <c>after</c> of the previous page's <c>Link: rel="next"</c>; leave it out for the first page.</summary>
    [FromQuery(Name = "after")]
    public string? After { get; set; }

    /// <summary>Single-user mode only: narrow to one tenant (with a key: your own tenant or left out).</summary>
    /// <remarks>Applied by the tenant context (TenantContextMiddleware), not by the action; here for the OpenAPI document.</remarks>
    [FromQuery(Name = "tenant_id")]
    public Guid? TenantId { get; set; }

    internal RunQuery ToQuery() => new(WorkflowId, StartTime, EndTime, new PageRequest(Limit ?? DefaultLimit, After));
}
