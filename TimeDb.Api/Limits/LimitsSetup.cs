using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using TimeDb.Api.Hosting;
using TimeDb.Infrastructure.Configuration;

namespace TimeDb.Api.Limits;

/// <summary>Registers every limit of <see cref="ApiLimits"/>: request line, header and body sizes, statement and request timeouts, the heavy-request limits, the minimum body data rate.</summary>
internal static class LimitsSetup
{
    public const string UploadTimeoutPolicy = "upload";

    public static IServiceCollection AddTimeDbLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ApiLimits>(configuration.GetSection(ApiLimits.Section));
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<ApiLimits>>((kestrel, limits) =>
            {
                kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes;
                kestrel.Limits.MaxRequestLineSize = limits.Value.KestrelMaxRequestLineBytes;
                kestrel.Limits.MaxRequestHeadersTotalSize = limits.Value.KestrelMaxRequestHeadersBytes;
                // A body trickled in to hold a heavy-request slot is cut (SPEC §9); 0 turns the minimum off.
                kestrel.Limits.MinRequestBodyDataRate = limits.Value.MinRequestBodyBytesPerSecond > 0
                    ? new MinDataRate(limits.Value.MinRequestBodyBytesPerSecond, TimeSpan.FromSeconds(Math.Max(1.1, limits.Value.MinRequestBodyGraceSeconds)))
                    : null;
            });
        services.AddOptions<DatabaseTimeouts>().Configure<IOptions<ApiLimits>>((database, limits) =>
        {
            database.StatementTimeoutSeconds = limits.Value.StatementTimeoutSeconds;
            database.UploadStatementTimeoutSeconds = limits.Value.UploadStatementTimeoutSeconds;
        });

        services.AddRequestTimeouts();
        services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<ApiLimits>>((timeouts, limits) =>
        {
            timeouts.DefaultPolicy = Policy(limits.Value.RequestTimeoutSeconds);
            timeouts.AddPolicy(UploadTimeoutPolicy, Policy(limits.Value.UploadRequestTimeoutSeconds));
        });

        services.AddHeavyRequestLimits();
        return services;
    }

    private static RequestTimeoutPolicy Policy(int seconds) => new()
    {
        Timeout = TimeSpan.FromSeconds(Math.Max(1, seconds)),
        TimeoutStatusCode = StatusCodes.Status504GatewayTimeout,
    };
}
