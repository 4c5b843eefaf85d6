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
public sealed class RunsQueryParameters : PageParameters
{
    [FromQuery(Name = "workflow_id")]
    public string? WorkflowId { get; set; }

    [FromQuery(Name = "start_time")]
    public DateTimeOffset? StartTime { get; set; }

    [FromQuery(Name = "end_time")]
    public DateTimeOffset? EndTime { get; set; }

    internal RunQuery ToQuery() => new(WorkflowId, StartTime, EndTime, ToPage());
}
