using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using TimeDb.Domain.Tenancy;
using TimeDb.Infrastructure.RateLimiting;
using TimeDb.Infrastructure.Tenancy;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Auth;

/// <summary>
/// Permits reserved in chunks (ADR-024): one query per second of a user's limit instead of one per request, and
/// still never more than the limit in a window, whichever instance (here: a <see cref="RatePermits"/> with a cache
/// of its own) serves the request. The per-request limits of the small tiers are in <see cref="RateLimitTests"/>.
/// </summary>
public sealed class RatePermitsTests : AuthenticatedApiTest
{
    private RatePermits Instance() =>
        new(Factory.Services.GetRequiredService<RateWindowCounter>(), new MemoryCache(new MemoryCacheOptions()), TimeProvider.System);

    private TenantContext Tenant => TenantContext.For(TenantScope.Of(A.TenantId));

    private Task<int> CountedAsync(Guid user) =>
        Sql.ScalarAsync<int>(Dsn, $"SELECT coalesce(sum(requests), 0)::int FROM rate_limit_windows WHERE user_id = '{user}'");

    [Test]
    public async Task ALimitOf600_IsReservedTenAtATime()
    {
        await RateWindows.WaitForFreshWindowAsync(Dsn);
        var user = Guid.NewGuid();
        var permits = Instance();
        for (var i = 0; i < 25; i++)
        {
            Assert.That((await permits.TakeAsync(Tenant, user, 600, default)).Allowed, Is.True);
        }

        Assert.That(await CountedAsync(user), Is.EqualTo(30), "3 reservations of 10 for 25 requests");
    }

    [Test]
    public async Task TwoInstances_TakingInTurn_PassExactlyTheLimit_ThenAskNoMore()
    {
        await RateWindows.WaitForFreshWindowAsync(Dsn);
        var user = Guid.NewGuid();
        RatePermits[] instances = [Instance(), Instance()];
        var decisions = new List<RateDecision>();
        for (var i = 0; i < 300; i++)
        {
            decisions.Add(await instances[i % 2].TakeAsync(Tenant, user, 120, default));
        }

        Assert.That(decisions.Count(d => d.Allowed), Is.EqualTo(120));
        Assert.That(decisions.Where(d => !d.Allowed).Select(d => d.RetryAfterSeconds), Is.All.InRange(1, 60));
        var counted = await CountedAsync(user);
        for (var i = 0; i < 50; i++)
        {
            Assert.That((await instances[i % 2].TakeAsync(Tenant, user, 120, default)).Allowed, Is.False);
        }

        Assert.That(await CountedAsync(user), Is.EqualTo(counted), "a used-up window is remembered: no more queries");
    }

    [Test]
    public async Task ConcurrentRequestsOnTwoInstances_NeverPassMoreThanTheLimit()
    {
        await RateWindows.WaitForFreshWindowAsync(Dsn);
        var user = Guid.NewGuid();
        RatePermits[] instances = [Instance(), Instance()];
        var decisions = await Task.WhenAll(Enumerable.Range(0, 400).Select(i => instances[i % 2].TakeAsync(Tenant, user, 240, default).AsTask()));

        // Never more; fewer only by what an instance may still hold unspent when its last request is done (a chunk of 4, less one).
        Assert.That(decisions.Count(d => d.Allowed), Is.LessThanOrEqualTo(240).And.GreaterThanOrEqualTo(240 - (2 * 3)));
    }
}
