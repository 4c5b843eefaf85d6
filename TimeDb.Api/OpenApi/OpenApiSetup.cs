using System.Reflection;
using Microsoft.OpenApi;

namespace TimeDb.Api.OpenApi;

internal static class OpenApiSetup
{
    public const string DocumentName = "openapi";
    public const string DocumentPath = "/openapi.json";
    public const string ApiKeyScheme = "ApiKey";
    public const string ApiKeyHeader = "X-API-Key";

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
            o.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [],
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
