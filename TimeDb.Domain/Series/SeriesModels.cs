using TimeDb.Domain.Paging;

namespace TimeDb.Domain.Series;

/// <summary>A series as listed to users.</summary>
public sealed record SeriesInfo(Guid SeriesId, Guid TenantId, string SeriesKey, string? Description, string Unit, DateTimeOffset CreatedAt);

/// <summary>The series of a tenant.</summary>
public interface ISeriesCatalog
{
    /// <summary>
    /// Creates a series in the tenant the tenant context writes to (<paramref name="requestedTenantId"/>: the body's
    /// tenant_id as sent); a name already taken in the tenant is a <see cref="Errors.ConflictException"/>.
    /// </summary>
    Task<SeriesInfo> CreateAsync(Guid? requestedTenantId, string name, string? description, string? unit, CancellationToken cancellationToken);

    /// <summary>One page of the series in scope, by series_key (then tenant_id).</summary>
    Task<Page<SeriesInfo>> ListAsync(PageRequest page, CancellationToken cancellationToken);

    /// <summary>Every series in scope, streamed as the database sends them, by series_key.</summary>
    IAsyncEnumerable<SeriesInfo> StreamAsync(CancellationToken cancellationToken);
}
