using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing.Patterns;
using Swashbuckle.AspNetCore.Swagger;
using TimeDb.Api.OpenApi;

namespace TimeDb.Api.Hosting;

/// <summary>
/// The endpoint list of <c>GET /</c>, generated once from the routing table (<see cref="EndpointDataSource"/>):
/// "METHOD /path" → the endpoint's summary (its own summary metadata, else the XML summary that the
/// OpenAPI document carries). The documentation pages are middleware, not endpoints, so OpenApiSetup lists them.
/// </summary>
public sealed class EndpointOverview(EndpointDataSource endpoints, ISwaggerProvider swagger)
{
    private readonly Lazy<Dictionary<string, string>> _list = new(() => Build(endpoints, swagger));

    public IReadOnlyDictionary<string, string> Endpoints => _list.Value;

    private static Dictionary<string, string> Build(EndpointDataSource endpoints, ISwaggerProvider swagger)
    {
        var document = swagger.GetSwagger(OpenApiSetup.DocumentName);
        var entries = new List<(string Path, string Method, string Summary)>();
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            var path = Path(endpoint.RoutePattern);
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
            {
                var summary = endpoint.Metadata.GetMetadata<IEndpointSummaryMetadata>()?.Summary
                    ?? Summary(document, path, method)
                    ?? endpoint.DisplayName
                    ?? "";
                entries.Add((path, method, summary));
            }
        }

        entries.AddRange(OpenApiSetup.Pages.Select(p => (p.Path, "GET", p.Summary)));
        return entries
            .OrderBy(e => e.Path, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal)
            .DistinctBy(e => $"{e.Method} {e.Path}")
            .ToDictionary(e => $"{e.Method} {e.Path}", e => e.Summary, StringComparer.Ordinal);
    }

    /// <summary>The path as clients write it and as the OpenAPI document keys it: <c>/runs/{runId}</c>, without constraints.</summary>
    private static string Path(RoutePattern pattern) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter => $"{{{parameter.Name}}}",
            _ => "",
        }))));

    private static string? Summary(Microsoft.OpenApi.OpenApiDocument document, string path, string method) =>
        document.Paths is not null && document.Paths.TryGetValue(path, out var item)
        && item.Operations is not null && item.Operations.TryGetValue(new HttpMethod(method), out var operation)
            ? operation.Summary
            : null;
}
