using Microsoft.EntityFrameworkCore;
using TimeDb.Domain.Entities;
using TimeDb.Domain.Runs;
using TimeDb.Infrastructure.Persistence;

namespace TimeDb.Infrastructure.Runs;

internal sealed class RunCatalog(TimeDbContext db) : IRunCatalog
{
    public async Task<IReadOnlyList<RunInfo>> ListAsync(RunQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var runs = db.Runs.AsNoTracking();
        if (query.TenantId is { } tenant)
        {
            runs = runs.Where(r => r.TenantId == tenant);
        }

        if (query.WorkflowId is { } workflow)
        {
            runs = runs.Where(r => r.WorkflowId == workflow);
        }

        if (query.StartTime is { } start)
        {
            var utc = start.ToUniversalTime();
            runs = runs.Where(r => r.RunStartTime >= utc);
        }

        if (query.EndTime is { } end)
        {
            var utc = end.ToUniversalTime();
            runs = runs.Where(r => r.RunStartTime < utc);
        }

        var list = await runs.OrderByDescending(r => r.RunStartTime).ThenByDescending(r => r.InsertedAt)
            .Take(query.Limit).ToListAsync(cancellationToken);
        return list.Select(ToInfo).ToList();
    }

    public async Task<RunInfo?> FindAsync(Guid? tenantId, Guid runId, CancellationToken cancellationToken)
    {
        var run = await db.Runs.AsNoTracking()
            .Where(r => r.RunId == runId && (tenantId == null || r.TenantId == tenantId))
            .FirstOrDefaultAsync(cancellationToken);
        return run is null ? null : ToInfo(run);
    }

    private static RunInfo ToInfo(Run r) =>
        new(r.RunId, r.TenantId, r.WorkflowId, r.RunStartTime, r.RunFinishTime, r.KnownTime, r.RunParams, r.InsertedAt);
}
