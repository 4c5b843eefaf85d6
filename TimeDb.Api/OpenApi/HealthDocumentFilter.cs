using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using TimeDb.Api.Contracts;
using TimeDb.Api.Health;

namespace TimeDb.Api.OpenApi;

/// <summary>
/// The health endpoints are ASP.NET Core health checks, not MVC actions, so the API explorer does not see
/// them: this filter adds them to the document (anonymous, so without a security requirement).
/// </summary>
internal sealed class HealthDocumentFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        var health = context.SchemaGenerator.GenerateSchema(typeof(HealthResponse), context.SchemaRepository);
        var problem = context.SchemaGenerator.GenerateSchema(typeof(ProblemDetails), context.SchemaRepository);
        swaggerDoc.Paths ??= [];
        swaggerDoc.Paths[HealthSetup.LivePath] = PathItem("Live", HealthSetup.LiveSummary, new OpenApiResponses
        {
            ["200"] = Response("Live", "application/json", health),
        });
        swaggerDoc.Paths[HealthSetup.ReadyPath] = PathItem("Ready", HealthSetup.ReadySummary, new OpenApiResponses
        {
            ["200"] = Response("Ready", "application/json", health),
            ["503"] = Response("Not ready: what is wrong and what to do; Retry-After says when to ask again", "application/problem+json", problem),
        });
    }

    private static OpenApiPathItem PathItem(string operationId, string summary, OpenApiResponses responses) => new()
    {
        Operations = new Dictionary<HttpMethod, OpenApiOperation>
        {
            [HttpMethod.Get] = new()
            {
                OperationId = operationId,
                Summary = summary,
                Tags = new HashSet<OpenApiTagReference> { new("Health") },
                Responses = responses,
                Security = [],
            },
        },
    };

    private static OpenApiResponse Response(string description, string mediaType, IOpenApiSchema schema) => new()
    {
        Description = description,
        Content = new Dictionary<string, IOpenApiMediaType> { [mediaType] = new OpenApiMediaType { Schema = schema } },
    };
}
