using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using TimeDb.Api.Hosting;

namespace TimeDb.Api.Limits;

/// <summary>
/// At most <see cref="ApiLimits.MaxConcurrentHeavyRequests"/> heavy requests run at once, the next
/// <see cref="ApiLimits.HeavyRequestQueue"/> wait in arrival order, and the rest get 503 with Retry-After at
/// once: a burst of big reads cannot exhaust memory or the connection pool, and light calls stay fast.
/// </summary>
internal sealed class HeavyRequestGate(IOptions<ApiLimits> limits) : IDisposable
{
    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = Math.Max(1, limits.Value.MaxConcurrentHeavyRequests),
        QueueLimit = Math.Max(0, limits.Value.HeavyRequestQueue),
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    public const int RetryAfterSeconds = 1;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<HeavyRequestAttribute>() is null)
        {
            await next(context);
            return;
        }

        using var lease = await _limiter.AcquireAsync(1, context.RequestAborted);
        if (lease.IsAcquired)
        {
            await next(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Server busy",
                Type = "https://httpstatuses.io/503",
                Detail = $"The server is serving as many reads, uploads and updates as it can; retry in {RetryAfterSeconds} s.",
            },
        });
    }

    public void Dispose() => _limiter.Dispose();
}
