using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace TimeDb.Api.Hosting;

/// <summary>
/// Limits on the request line and headers (appsettings <c>TimeDb:Limits</c>, beside <see cref="ApiLimits"/>).
/// Kestrel's own limits are set well above the API's, so an oversized query string or header block reaches
/// <see cref="HttpInputGuard"/> and is answered with a problem body instead of Kestrel's empty 414/431
/// (ADR-008). Beyond Kestrel's limits the connection is refused by Kestrel itself.
/// </summary>
public sealed class HttpInputLimits
{
    /// <summary>Longest query string (after the <c>?</c>, as sent) the API reads; longer → 414.</summary>
    public int MaxQueryStringBytes { get; set; } = 16 * 1024;

    /// <summary>Largest total of header names and values the API reads; larger → 431.</summary>
    public int MaxRequestHeadersBytes { get; set; } = 32 * 1024;

    /// <summary>Kestrel's hard limit on the request line; beyond it Kestrel answers 414 with an empty body.</summary>
    public int KestrelMaxRequestLineBytes { get; set; } = 256 * 1024;

    /// <summary>Kestrel's hard limit on all headers; beyond it Kestrel answers 431 with an empty body.</summary>
    public int KestrelMaxRequestHeadersBytes { get; set; } = 256 * 1024;
}

internal static class HttpInputLimitsSetup
{
    public static IServiceCollection AddHttpInputLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<HttpInputLimits>(configuration.GetSection(ApiLimits.Section));
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<HttpInputLimits>>((kestrel, limits) =>
            {
                kestrel.Limits.MaxRequestLineSize = limits.Value.KestrelMaxRequestLineBytes;
                kestrel.Limits.MaxRequestHeadersTotalSize = limits.Value.KestrelMaxRequestHeadersBytes;
            });
        return services;
    }
}
