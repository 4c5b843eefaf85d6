using TimeDb.Api.Errors;
using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace TimeDb.Api.Hosting;

/// <summary>
/// Refuses requests whose shape no endpoint accepts, before authentication touches the database: a query
/// string or header block over <see cref="ApiLimits"/> (414, 431) and a Content-Type that is not a
/// media type at all (415; MVC's own parser throws on some, e.g. <c>application/json; charset=</c>).
/// Every refusal is a problem body, like the rest of the API (ADR-008).
/// </summary>
internal sealed class HttpInputGuard(RequestDelegate next, IOptions<ApiLimits> options)
{
    private readonly ApiLimits _limits = options.Value;

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var query = request.QueryString.Value?.Length ?? 0;
        if (query > _limits.MaxQueryStringBytes)
        {
            return RefuseAsync(context, StatusCodes.Status414UriTooLong, "Query string too long",
                string.Create(CultureInfo.InvariantCulture,
                    $"The query string has {query} characters; at most {_limits.MaxQueryStringBytes} are accepted. Send fewer or shorter filters."));
        }

        var headers = HeaderBytes(request.Headers);
        if (headers > _limits.MaxRequestHeadersBytes)
        {
            return RefuseAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, "Request headers too large",
                string.Create(CultureInfo.InvariantCulture,
                    $"The request headers hold {headers} characters; at most {_limits.MaxRequestHeadersBytes} are accepted."));
        }

        var contentType = request.Headers.ContentType;
        if (contentType.Count > 1 || (contentType.Count == 1 && !IsMediaType(contentType.ToString())))
        {
            return RefuseAsync(context, StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"The Content-Type header '{Shorten(contentType.ToString())}' is not a valid media type: send 'application/json'.");
        }

        return next(context);
    }

    // An empty parameter value (application/json; charset=) parses here but makes MVC's parser throw.
    private static bool IsMediaType(string value) =>
        MediaTypeHeaderValue.TryParse(value, out var parsed) && parsed.Parameters.All(p => !StringSegment.IsNullOrEmpty(p.Value));

    private static long HeaderBytes(IHeaderDictionary headers)
    {
        long total = 0;
        foreach (var (name, values) in headers)
        {
            total += name.Length;
            foreach (var value in values)
            {
                total += value?.Length ?? 0;
            }
        }

        return total;
    }

    private static Task RefuseAsync(HttpContext context, int status, string title, string detail) =>
        Problems.WriteAsync(context, status, title, detail);

    private static string Shorten(string text)
    {
        var printable = new string([.. text.Take(60).Select(c => char.IsControl(c) ? '?' : c)]);
        return text.Length > 60 ? printable + "…" : printable;
    }
}

internal static class HttpInputGuardExtensions
{
    public static IApplicationBuilder UseHttpInputGuard(this IApplicationBuilder app) => app.UseMiddleware<HttpInputGuard>();
}
