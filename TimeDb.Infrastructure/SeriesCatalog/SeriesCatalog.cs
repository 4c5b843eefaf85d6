using Microsoft.EntityFrameworkCore;
using Npgsql;
using TimeDb.Domain.Entities;
using TimeDb.Domain.Errors;
using TimeDb.Domain.Series;
using TimeDb.Infrastructure.Persistence;

namespace TimeDb.Infrastructure.SeriesCatalog;

internal sealed class SeriesCatalog(TimeDbContext db, TimeProvider clock) : ISeriesCatalog
{
    public async Task<SeriesInfo> CreateAsync(Guid tenantId, string name, string? description, string? unit, CancellationToken cancellationToken)
    {
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

    public async Task<IReadOnlyList<SeriesInfo>> ListAsync(Guid? tenantId, CancellationToken cancellationToken)
    {
        var query = db.Series.AsNoTracking();
        if (tenantId is { } tenant)
        {
            query = query.Where(s => s.TenantId == tenant);
        }

        var series = await query.OrderBy(s => s.SeriesKey).ThenBy(s => s.TenantId).ToListAsync(cancellationToken);
        return series.Select(ToInfo).ToList();
    }

    private static SeriesInfo ToInfo(Series s) => new(s.SeriesId, s.TenantId, s.SeriesKey, s.Description, s.SeriesUnit, s.CreatedAt);
}
