using System.Globalization;
using Microsoft.EntityFrameworkCore;
using TimeDb.Domain.Entities;
using TimeDb.Domain.Paging;
using TimeDb.Domain.Runs;
using TimeDb.Infrastructure.Persistence;

namespace TimeDb.Infrastructure.Runs;

/// <summary>Runs through EF: the tenant comes from the DbContext's query filter (the tenant context).</summary>
internal sealed class RunCatalog(TimeDbContext db) : IRunCatalog
{
    public async Task<Page<RunInfo>> ListAsync(RunQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var runs = db.Runs.AsNoTracking();
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

        // Keyset pagination (no OFFSET): the rows after the last one of the previous page, in the list's order.
        if (query.Page.After is { } after)
        {
            var (startTime, insertedAt, runId) = DecodeCursor(after);
            runs = runs.Where(r => r.RunStartTime < startTime
                || (r.RunStartTime == startTime && (r.InsertedAt < insertedAt
                    || (r.InsertedAt == insertedAt && r.RunId.CompareTo(runId) < 0))));
        }

        var list = await runs.OrderByDescending(r => r.RunStartTime).ThenByDescending(r => r.InsertedAt).ThenByDescending(r => r.RunId)
            .Take(query.Page.FetchCount).ToListAsync(cancellationToken);
        return query.Page.ToPage(list.Select(ToInfo).ToList(), EncodeCursor);
    }

    public async Task<RunInfo?> FindAsync(Guid runId, CancellationToken cancellationToken)
    {
        var run = await db.Runs.AsNoTracking()
            .Where(r => r.RunId == runId)
            .FirstOrDefaultAsync(cancellationToken);
        return run is null ? null : ToInfo(run);
    }

    private static string EncodeCursor(RunInfo r) => PageCursor.Encode(
        r.RunStartTime.UtcTicks.ToString(CultureInfo.InvariantCulture), r.InsertedAt.UtcTicks.ToString(CultureInfo.InvariantCulture), r.RunId.ToString("N"));

    private static (DateTimeOffset StartTime, DateTimeOffset InsertedAt, Guid RunId) DecodeCursor(string cursor)
    {
        var parts = PageCursor.Decode(cursor, 3);
        return Ticks(parts[0]) is { } start && Ticks(parts[1]) is { } inserted && Guid.TryParseExact(parts[2], "N", out var runId)
            ? (start, inserted, runId)
            : throw PageCursor.Invalid();
    }

    private static DateTimeOffset? Ticks(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTimeOffset.MaxValue.UtcTicks
            ? new DateTimeOffset(ticks, TimeSpan.Zero)
            : null;

    private static RunInfo ToInfo(Run r) =>
        new(r.RunId, r.TenantId, r.WorkflowId, r.RunStartTime, r.RunFinishTime, r.KnownTime, r.RunParams, r.InsertedAt);
}
