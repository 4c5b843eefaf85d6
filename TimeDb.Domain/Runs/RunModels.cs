using TimeDb.Domain.Paging;

namespace TimeDb.Domain.Runs;

/// <summary>
/// A run to store with its values, already validated (the rows <see cref="UploadRows.Complete">completed</see>).
/// <paramref name="RequestedTenantId"/> is the upload's tenant_id as sent; the tenant context decides where the run
/// lands (TenantScope.TenantForWrite).
/// </summary>
public sealed record NewRun(
    Guid? RequestedTenantId,
    string WorkflowId,
    DateTimeOffset RunStartTime,
    DateTimeOffset? RunFinishTime,
    DateTimeOffset? KnownTime,
    string? RunParamsJson,
    IReadOnlyDictionary<string, string> SeriesDescriptions,
    IReadOnlyDictionary<string, string> SeriesUnits,
    UploadRows Rows,
    string? ChangedBy);

/// <summary>What an upload stored; <see cref="Replayed"/> when it is the stored answer to an earlier upload with the same idempotency key.</summary>
public sealed record IngestResult(Guid RunId, IReadOnlyDictionary<string, Guid> SeriesIds, long RowsInserted, bool Replayed = false);

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

/// <summary>Filters of the run listing (the tenant comes from the tenant context); time range is half-open on run_start_time.</summary>
public sealed record RunQuery(string? WorkflowId, DateTimeOffset? StartTime, DateTimeOffset? EndTime, PageRequest Page);

/// <summary>Stores runs with their series and values, atomically.</summary>
public interface IRunIngestion
{
    /// <summary>Stores <paramref name="run"/>, or, when <paramref name="idempotency"/> was seen before in the tenant, answers as the first time.</summary>
    Task<IngestResult> IngestAsync(NewRun run, IdempotencyKey? idempotency, CancellationToken cancellationToken);
}

/// <summary>Reads runs.</summary>
public interface IRunCatalog
{
    /// <summary>One page of runs, newest run_start_time first (then inserted_at, run_id, descending).</summary>
    Task<Page<RunInfo>> ListAsync(RunQuery query, CancellationToken cancellationToken);

    /// <summary>The run, if it is in the tenant scope.</summary>
    Task<RunInfo?> FindAsync(Guid runId, CancellationToken cancellationToken);
}
