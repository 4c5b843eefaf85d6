using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using TimeDb.Domain.Entities;
using TimeDb.Domain.Errors;
using TimeDb.Domain.Paging;
using TimeDb.Domain.Series;
using TimeDb.Domain.Tenancy;
using TimeDb.Infrastructure.Persistence;

namespace TimeDb.Infrastructure.SeriesCatalog;

/// <summary>Series through EF: the tenant comes from the DbContext's query filter and write guard (the tenant context).</summary>
internal sealed class SeriesCatalog(TimeDbContext db, TimeProvider clock, ITenantContext tenant) : ISeriesCatalog
{
    public async Task<SeriesInfo> CreateAsync(Guid? requestedTenantId, string name, string? description, string? unit, CancellationToken cancellationToken)
    {
        var tenantId = tenant.Scope.TenantForWrite(requestedTenantId);
        var series = new Series
        {
            SeriesId = Guid.CreateVersion7(clock.GetUtcNow()),
            TenantId = tenantId,
            SeriesKey = name,
            Description = description,
            SeriesUnit = string.IsNullOrWhiteSpace(unit) ? Series.DefaultUnit : unit.Trim(),
            CreatedAt = clock.GetUtcNow(),
        };
        db.Series.Add(series);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            db.ChangeTracker.Clear();
            var existing = await db.Series.AsNoTracking()
                .Where(s => s.TenantId == tenantId && s.SeriesKey == name)
                .Select(s => s.SeriesId)
                .FirstAsync(cancellationToken);
            throw new ConflictException($"a series named '{name}' already exists: series_id {existing}");
        }

        return ToInfo(series);
    }

    public async Task<Page<SeriesInfo>> ListAsync(PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var query = db.Series.AsNoTracking();
        // Keyset pagination (no OFFSET) on (series_key, tenant_id): unique, as series_key is unique per tenant.
        if (page.After is { } after)
        {
            var parts = PageCursor.Decode(after, 2);
            var tenantId = Guid.TryParseExact(parts[0], "N", out var id) ? id : throw PageCursor.Invalid();
            var key = parts[1];
            query = query.Where(s => string.Compare(s.SeriesKey, key) > 0 || (s.SeriesKey == key && s.TenantId.CompareTo(tenantId) > 0));
        }

        var rows = await Ordered(query).Take(page.FetchCount).ToListAsync(cancellationToken);
        return page.ToPage(rows.Select(ToInfo).ToList(), s => PageCursor.Encode(s.TenantId.ToString("N"), s.SeriesKey));
    }

    public async IAsyncEnumerable<SeriesInfo> StreamAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var series in Ordered(db.Series.AsNoTracking()).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return ToInfo(series);
        }
    }

    private static IOrderedQueryable<Series> Ordered(IQueryable<Series> series) => series.OrderBy(s => s.SeriesKey).ThenBy(s => s.TenantId);

    private static SeriesInfo ToInfo(Series s) => new(s.SeriesId, s.TenantId, s.SeriesKey, s.Description, s.SeriesUnit, s.CreatedAt);
}
