using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TimeDb.Api.Contracts;
using TimeDb.Api.Errors;

namespace TimeDb.Api.Health;

/// <summary>
/// <c>/health/live</c> (no checks: the process serves HTTP) and <c>/health/ready</c> (the checks tagged
/// <see cref="ReadyTag"/>), on ASP.NET Core's health checks. Both are anonymous; OpenApi's
/// HealthDocumentFilter documents them.
/// </summary>
internal static class HealthSetup
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    public const string ReadyTag = "ready";
    public const int RetryAfterSeconds = 5;
    public const string LiveSummary = "Liveness probe: the process is up and serving HTTP";
    public const string ReadySummary = "Readiness probe: the database is reachable and the schema is current";

    public static IServiceCollection AddTimeDbHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<DatabaseReadyCheck>("database", tags: [ReadyTag]);
        return services;
    }

    public static WebApplication MapTimeDbHealth(this WebApplication app)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = (c, r) => WriteAsync(c, r, "live") })
            .AllowAnonymous().WithSummary(LiveSummary).WithMetadata(new HttpMethodMetadata(["GET"]));
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = (c, r) => WriteAsync(c, r, "ready") })
            .AllowAnonymous().WithSummary(ReadySummary).WithMetadata(new HttpMethodMetadata(["GET"]));
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report, string healthy)
    {
        if (report.Status != HealthStatus.Unhealthy)
        {
            // The API's JSON options, so the answer reads as every other answer does ({"status": "ready", …}).
            var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.JsonSerializerOptions;
            return context.Response.WriteAsJsonAsync(new HealthResponse(healthy), json);
        }

        var detail = string.Join("; ", report.Entries.Values.Where(e => e.Status == HealthStatus.Unhealthy).Select(e => e.Description));
        return Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Not ready", detail, RetryAfterSeconds);
    }
}
