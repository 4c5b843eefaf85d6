using Microsoft.AspNetCore.Http.Extensions;

namespace TimeDb.Api.Paging;

/// <summary>Announces the next page of a list as RFC 8288 <c>Link: &lt;…&gt;; rel="next"</c>: the same request with <c>after</c> set.</summary>
internal static class NextPageLink
{
    public const string AfterParameter = "after";

    public static void Add(HttpContext context, string? next)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (next is null)
        {
            return; // the last page
        }

        var request = context.Request;
        var query = new QueryBuilder(request.Query
            .Where(p => !string.Equals(p.Key, AfterParameter, StringComparison.OrdinalIgnoreCase))
            .SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v ?? ""))))
        {
            { AfterParameter, next },
        };
        // A relative reference (RFC 8288 §3.1 resolves it against the request URI): right behind any proxy.
        context.Response.Headers.Append("Link", $"<{request.PathBase}{request.Path}{query.ToQueryString()}>; rel=\"next\"");
    }
}
