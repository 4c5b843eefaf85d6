namespace TimeDb.Domain.Runs;

/// <summary>A run to store with its values, already validated for shape.</summary>
public sealed record NewRun(
    Guid TenantId,
    string WorkflowId,
    DateTimeOffset RunStartTime,
    DateTimeOffset? RunFinishTime,
    DateTimeOffset? KnownTime,
    string? RunParamsJson,
    IReadOnlyDictionary<string, string> SeriesDescriptions,
    IReadOnlyDictionary<string, string> SeriesUnits,
    IReadOnlyList<NewValueRow> Rows,
    string? ChangedBy);

/// <summary>One uploaded value.</summary>
public readonly record struct NewValueRow(string ValueKey, DateTimeOffset ValidTime, DateTimeOffset? ValidTimeEnd, double? Value, Guid? SeriesId);

/// <summary>What an upload stored.</summary>
public sealed record IngestResult(Guid RunId, IReadOnlyDictionary<string, Guid> SeriesIds, long RowsInserted);

/// <summary>A stored run.</summary>
public sealed record RunInfo(
    Guid RunId,
    Guid TenantId,
    string WorkflowId,
    DateTimeOffset RunStartTime,
    DateTimeOffset? RunFinishTime,
    DateTimeOffset KnownTime,
    string? RunParamsJson,
    DateTimeOffset InsertedAt);

/// <summary>Filters of the run listing; time range is half-open on run_start_time.</summary>
public sealed record RunQuery(Guid? TenantId, string? WorkflowId, DateTimeOffset? StartTime, DateTimeOffset? EndTime, int Limit);

/// <summary>Stores runs with their series and values, atomically.</summary>
public interface IRunIngestion
{
    Task<IngestResult> IngestAsync(NewRun run, CancellationToken cancellationToken);
}

/// <summary>Reads runs.</summary>
public interface IRunCatalog
{
    Task<IReadOnlyList<RunInfo>> ListAsync(RunQuery query, CancellationToken cancellationToken);

    Task<RunInfo?> FindAsync(Guid? tenantId, Guid runId, CancellationToken cancellationToken);
}
