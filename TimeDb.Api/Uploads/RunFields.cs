namespace TimeDb.Api.Uploads;

/// <summary>The run's fields of an upload as a reader found them; null = not given.</summary>
public sealed record RunFields(
    DateTimeOffset? RunStartTime,
    DateTimeOffset? RunFinishTime,
    DateTimeOffset? KnownTime,
    string? WorkflowId,
    Guid? TenantId,
    string? RunParamsJson,
    IReadOnlyDictionary<string, string>? SeriesDescriptions = null,
    IReadOnlyDictionary<string, string>? SeriesUnits = null)
{
    public static readonly RunFields None = new(null, null, null, null, null, null);
}
