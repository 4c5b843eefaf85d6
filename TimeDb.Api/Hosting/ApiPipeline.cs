using Serilog;
using TimeDb.Api.Health;
using TimeDb.Api.Authentication;
using TimeDb.Api.OpenApi;
using TimeDb.Api.RateLimiting;
using TimeDb.Api.Tenancy;

namespace TimeDb.Api.Hosting;

internal static class ApiPipeline
{
    public static WebApplication UseTimeDbPipeline(this WebApplication app)
    {
        // Outermost, so it sees the final status: one event per request (method, path, status, timing,
        // correlation id; never headers, query strings or bodies), and that event is the one log of a 5xx.
        app.UseSerilogRequestLogging(RequestLogging.Configure);
        app.UseNoSniff();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Oversized query strings and headers, and unparseable Content-Types, stop here (ADR-008).
        app.UseHttpInputGuard();
        app.UseTimeDbOpenApi();
        // Tables missing: the authentication mode is unknown and nothing but /, health, docs and /ui is served.
        app.UseAuthenticationModeGate();
        app.UseAuthentication();
        // The request's tenant scope, before anything that reads tenant data (the tier counts included).
        app.UseMiddleware<TenantContextMiddleware>();
        app.UseTimeDbRateLimiting();
        app.UseAuthorization();
        app.UseRequestTimeouts();
        // Heavy requests: per-user share, then the instance's slots (HeavyRequestLimits).
        app.UseRateLimiter();
        app.MapControllers();
        app.MapTimeDbHealth();
        return app;
    }
}
