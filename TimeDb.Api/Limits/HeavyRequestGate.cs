using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using TimeDb.Api.Errors;
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

        await Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Server busy",
            $"The server is serving as many reads, uploads and updates as it can; retry in {RetryAfterSeconds} s.", RetryAfterSeconds);
    }

    public void Dispose() => _limiter.Dispose();
}
