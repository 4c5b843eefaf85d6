using Serilog;
using TimeDb.Api.OpenApi;

namespace TimeDb.Api.Hosting;

internal static class ApiPipeline
{
    public static WebApplication UseTimeDbPipeline(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Request logs carry method, path, status and timing; never headers or bodies.
        app.UseSerilogRequestLogging();
        // Oversized query strings and headers, and unparseable Content-Types, stop here (ADR-008).
        app.UseHttpInputGuard();
        app.UseTimeDbOpenApi();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapControllers();
        return app;
    }
}
