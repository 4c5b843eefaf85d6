using Microsoft.AspNetCore.Mvc;
using TimeDb.Domain.Paging;

namespace TimeDb.Api.Contracts;

/// <summary>The query parameters every paged list takes (<c>GET /series</c>, <c>GET /runs</c>).</summary>
public abstract class PageParameters
{
    /// <summary>At most this many rows per page (1–10000, default 1000); a next page is announced in a <c>Link: &lt;…&gt;; rel="next"</c> header.</summary>
    [FromQuery(Name = "limit")]
    public int? Limit { get; set; }

    /// <summary>Opaque cursor: the <c>after</c> of the previous page's <c>Link: rel="next"</c>; leave it out for the first page.</summary>
    [FromQuery(Name = "after")]
    public string? After { get; set; }

    /// <summary>Single-user mode only: narrow to one tenant (with a key: your own tenant or left out).</summary>
    /// <remarks>Applied by the tenant context (TenantContextMiddleware), not by the action; here for the OpenAPI document.</remarks>
    [FromQuery(Name = "tenant_id")]
    public Guid? TenantId { get; set; }

    internal PageRequest ToPage() => new(Limit ?? PageRequest.DefaultLimit, After);
}
