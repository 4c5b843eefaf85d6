namespace TimeDb.Domain.Series;

/// <summary>A series as listed to users.</summary>
public sealed record SeriesInfo(Guid SeriesId, Guid TenantId, string SeriesKey, string? Description, string Unit, DateTimeOffset CreatedAt);

/// <summary>The series of a tenant.</summary>
public interface ISeriesCatalog
{
    /// <summary>Creates a series; a name already taken in the tenant is a <see cref="Errors.ConflictException"/>.</summary>
    Task<SeriesInfo> CreateAsync(Guid tenantId, string name, string? description, string? unit, CancellationToken cancellationToken);

    Task<IReadOnlyList<SeriesInfo>> ListAsync(Guid? tenantId, CancellationToken cancellationToken);
}
