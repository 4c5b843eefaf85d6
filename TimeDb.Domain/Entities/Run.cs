namespace TimeDb.Domain.Entities;

/// <summary>One execution of a workflow (a forecast model, a data fetch) that uploaded values.</summary>
public sealed class Run : ITenantOwned
{
    public const string DefaultWorkflowId = "api-workflow";

    public Guid RunId { get; set; }
    public Guid TenantId { get; set; }
    public string WorkflowId { get; set; } = DefaultWorkflowId;
    public DateTimeOffset RunStartTime { get; set; }
    public DateTimeOffset? RunFinishTime { get; set; }

    /// <summary>When the run's values became known; every value inherits it.</summary>
    public DateTimeOffset KnownTime { get; set; }

    /// <summary>A JSON object with the workflow's parameters, or null.</summary>
    public string? RunParams { get; set; }

    public DateTimeOffset InsertedAt { get; set; }
}
