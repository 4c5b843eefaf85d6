using Microsoft.AspNetCore.Mvc;
using TimeDb.Domain.Paging;
using TimeDb.Domain.Series;

namespace TimeDb.Api.Contracts;

/// <summary>Body of <c>POST /series</c>.</summary>
public sealed class CreateSeriesRequest
{
    /// <summary>The series key (the value_key uploads use).</summary>
    /// <example>wind_farm_a</example>
    public string? Name { get; set; }

    public string? Description { get; set; }

    /// <summary>Default <c>dimensionless</c>.</summary>
    /// <example>MW</example>
    public string? Unit { get; set; }

    /// <summary>Only in single-user mode; with a key it must be the key's tenant or absent.</summary>
    public Guid? TenantId { get; set; }
}

public sealed record CreateSeriesResponse(Guid SeriesId, string Message);

/// <summary>Parameters of <c>GET /series</c>: one page, by series_key.</summary>
public sealed class SeriesListParameters : PageParameters;

/// <summary>A series in <c>GET /series</c>.</summary>
public sealed record SeriesResponse(Guid SeriesId, Guid TenantId, string SeriesKey, string? Description, string Unit, DateTimeOffset CreatedAt)
{
    internal static SeriesResponse From(SeriesInfo s) => new(s.SeriesId, s.TenantId, s.SeriesKey, s.Description, s.Unit, s.CreatedAt);
}

/// <summary>A series in <c>GET /list_timeseries</c>, keyed by series_id.</summary>
public sealed record TimeseriesEntry(string SeriesKey, string? Description, string Unit);
