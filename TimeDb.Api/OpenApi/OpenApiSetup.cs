using System.Reflection;
using Microsoft.OpenApi;
using TimeDb.Domain.Values;

namespace TimeDb.Api.OpenApi;

internal static class OpenApiSetup
{
    public const string DocumentName = "openapi";
    public const string DocumentPath = "/openapi.json";
    public const string ApiKeyScheme = "ApiKey";
    public const string ApiKeyHeader = "X-API-Key";

    /// <summary>The documentation pages (middleware, not endpoints: the endpoint list of <c>GET /</c> adds them from here).</summary>
    public static readonly IReadOnlyList<(string Path, string Summary)> Pages =
    [
        ("/docs", "Swagger UI"),
        ("/redoc", "ReDoc"),
        (DocumentPath, "OpenAPI document"),
    ];

    public static IServiceCollection AddTimeDbOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "TimeDB API",
                Version = typeof(OpenApiSetup).Assembly.GetName().Version?.ToString(3),
                Description = "Versioned time-series store for forecasts and measurements. Send your key in the X-API-Key header.",
            });
            o.AddSecurityDefinition(ApiKeyScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyHeader,
                Description = "API key (tdb_…) issued by `timedb users create` or POST /keys.",
            });
            // The key requirement is per operation (anonymous ones have none): StandardResponsesOperationFilter.
            o.OperationFilter<StandardResponsesOperationFilter>();
            o.OperationFilter<StreamedUploadBodyOperationFilter>();
            o.OperationFilter<ReadFormatsOperationFilter>();
            o.DocumentFilter<HealthDocumentFilter>();

            // Tri-state update fields are documented as the value they carry.
            o.MapType<Optional<double?>>(() => new OpenApiSchema
            {
                Type = JsonSchemaType.Number | JsonSchemaType.Null, Format = "double",
                Description = "Absent: unchanged. null: cleared. A number: set.",
            });
            o.MapType<Optional<string?>>(() => new OpenApiSchema
            {
                Type = JsonSchemaType.String | JsonSchemaType.Null,
                Description = "Absent: unchanged. null or blank: cleared. Text: set (trimmed).",
            });
            o.MapType<Optional<string?[]?>>(() => new OpenApiSchema
            {
                Type = JsonSchemaType.Array | JsonSchemaType.Null, Items = new OpenApiSchema { Type = JsonSchemaType.String },
                Description = "Absent: unchanged. null or []: cleared. Tags are trimmed, lower-cased, de-duplicated and sorted.",
            });
            var xml = Path.Combine(AppContext.BaseDirectory, $"{Assembly.GetExecutingAssembly().GetName().Name}.xml");
            if (File.Exists(xml))
            {
                o.IncludeXmlComments(xml);
            }
        });
        return services;
    }

    public static WebApplication UseTimeDbOpenApi(this WebApplication app)
    {
        app.UseSwagger(o => o.RouteTemplate = "{documentName}.json");
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.SwaggerEndpoint(DocumentPath, "TimeDB API");
            o.DocumentTitle = "TimeDB API";
        });
        app.UseReDoc(o =>
        {
            o.RoutePrefix = "redoc";
            o.SpecUrl = DocumentPath;
            o.DocumentTitle = "TimeDB API";
        });
        return app;
    }
}
