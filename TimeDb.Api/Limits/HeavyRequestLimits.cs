using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using TimeDb.Api.Authentication;
using TimeDb.Api.Errors;
using TimeDb.Api.Hosting;

namespace TimeDb.Api.Limits;

/// <summary>
/// Reads, uploads and updates (<c>[EnableRateLimiting(HeavyRequestLimits.Policy)]</c>) hold a database
/// connection and memory for long, so ASP.NET Core's rate limiter bounds them twice (ADR-016-fair-share):
/// per user first (<see cref="ApiLimits.MaxConcurrentHeavyRequestsPerUser"/> running, <see cref="ApiLimits.HeavyRequestQueuePerUser"/>
/// waiting, then 429), then per instance (<see cref="ApiLimits.MaxConcurrentHeavyRequests"/> running,
/// <see cref="ApiLimits.HeavyRequestQueue"/> waiting, then 503). A request waits for its user's slot before it
/// queues for the instance's, so one user's waiting requests never hold the instance's slots.
/// </summary>
internal static class HeavyRequestLimits
{
    public const string Policy = "heavy";

    public const int RetryAfterSeconds = 1;

    public static IServiceCollection AddHeavyRequestLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(o => o.AddPolicy<string, InstancePolicy>(Policy));
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<ApiLimits>>((o, limits) =>
        {
            // The middleware's "global" limiter runs before the endpoint's policy: here it is the per-user share.
            o.GlobalLimiter = PerUser(limits.Value);
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) => new ValueTask(Problems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests,
                "Too many requests running at once",
                string.Create(CultureInfo.InvariantCulture,
                    $"You have too many reads, uploads and updates running at once (at most {limits.Value.MaxConcurrentHeavyRequestsPerUser} running and {limits.Value.HeavyRequestQueuePerUser} waiting per user); wait for one to finish, then retry in {RetryAfterSeconds} s."),
                RetryAfterSeconds));
        });
        return services;
    }

    /// <summary>
    /// One concurrency limiter per authenticated user, on heavy endpoints only. Single-user mode (no key, no
    /// user id) has one user by definition: the instance limit is its share.
    /// </summary>
    private static PartitionedRateLimiter<HttpContext> PerUser(ApiLimits limits) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context =>
            IsHeavy(context) && context.User.FindFirst(ApiKeyDefaults.Claims.UserId)?.Value is { } user
                ? RateLimitPartition.GetConcurrencyLimiter(user, _ => Concurrency(limits.MaxConcurrentHeavyRequestsPerUser, limits.HeavyRequestQueuePerUser))
                : RateLimitPartition.GetNoLimiter(string.Empty));

    private static bool IsHeavy(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == Policy;

    private static ConcurrencyLimiterOptions Concurrency(int running, int queued) => new()
    {
        PermitLimit = Math.Max(1, running),
        QueueLimit = Math.Max(0, queued),
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    };

    /// <summary>The instance's slots, shared by every user; past its queue the server is busy (503).</summary>
    private sealed class InstancePolicy(IOptions<ApiLimits> limits) : IRateLimiterPolicy<string>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = (context, _) =>
            new ValueTask(Problems.WriteAsync(context.HttpContext, StatusCodes.Status503ServiceUnavailable, "Server busy",
                $"The server is serving as many reads, uploads and updates as it can; retry in {RetryAfterSeconds} s.", RetryAfterSeconds));

        public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
            RateLimitPartition.GetConcurrencyLimiter("instance", _ => Concurrency(limits.Value.MaxConcurrentHeavyRequests, limits.Value.HeavyRequestQueue));
    }
}
