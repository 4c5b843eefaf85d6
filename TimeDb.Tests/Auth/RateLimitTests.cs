using System.Net;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Auth;

public sealed class RateLimitTests : AuthenticatedApiTest
{
    [Test]
    public async Task FreeTier_Allows10PerMinute_ThenAnswers429WithRetryAfter()
    {
        await RateWindows.WaitForFreshWindowAsync(Dsn);
        var user = await CreateUserAsync(Guid.NewGuid(), $"free-{Guid.NewGuid():N}@example.com", "free");
        using var client = ClientFor(user);
        for (var i = 0; i < 10; i++)
        {
            await client.GetAsync("/series").ExpectAsync(200);
        }

        using var limited = await client.GetAsync("/series");
        var body = await limited.Content.ReadAsStringAsync();
        Assert.That(limited.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), body);
        Assert.That(limited.Headers.RetryAfter?.Delta?.TotalSeconds, Is.GreaterThan(0).And.LessThanOrEqualTo(60));
        Assert.That(limited.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(body, Does.Contain("free"));

        // Other users are not affected.
        using var other = ClientFor(B);
        await other.GetAsync("/series").ExpectAsync(200);
    }

    [Test]
    public async Task TierChange_TakesEffectWithoutRestart()
    {
        await RateWindows.WaitForFreshWindowAsync(Dsn);
        var user = await CreateUserAsync(Guid.NewGuid(), $"upgrade-{Guid.NewGuid():N}@example.com", "free");
        using var client = ClientFor(user);
        for (var i = 0; i < 10; i++)
        {
            await client.GetAsync("/series").ExpectAsync(200);
        }

        await client.GetAsync("/series").ExpectAsync(429);
        var changed = await CliAsync("users", "set-tier", "-e", user.Email, "--tier", "pro");
        Assert.That(changed.ExitCode, Is.Zero, changed.Error);
        await Task.Delay(TimeSpan.FromSeconds(1));

        await client.GetAsync("/series").ExpectAsync(200);
    }

    [Test]
    public async Task TwoInstances_ShareOneLimit_NotTwice()
    {
        // A second API process over the same database: the windows are counted in PostgreSQL (ADR-011).
        await using var second = new ApiFactory(Dsn);
        await RateWindows.WaitForFreshWindowAsync(Dsn);
        var user = await CreateUserAsync(Guid.NewGuid(), $"shared-{Guid.NewGuid():N}@example.com", "free");
        using var first = ClientFor(user);
        using var other = second.CreateClient();
        other.DefaultRequestHeaders.Add("X-API-Key", user.Key);

        var statuses = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await (i % 2 == 0 ? first : other).GetAsync("/series");
            statuses.Add((int)response.StatusCode);
        }

        Assert.That(statuses.Count(s => s == 200), Is.EqualTo(10), string.Join(",", statuses));
        Assert.That(statuses.Skip(10), Is.All.EqualTo(429), string.Join(",", statuses));
    }

    [Test]
    public async Task ConcurrentRequests_NeverPassMoreThanTheLimit()
    {
        await RateWindows.WaitForFreshWindowAsync(Dsn);
        var user = await CreateUserAsync(Guid.NewGuid(), $"burst-{Guid.NewGuid():N}@example.com", "free");
        using var client = ClientFor(user);
        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => client.GetAsync("/series")));
        var statuses = responses.Select(r => (int)r.StatusCode).ToList();
        foreach (var response in responses)
        {
            response.Dispose();
        }

        Assert.That(statuses.Count(s => s == 200), Is.EqualTo(10), string.Join(",", statuses));
        Assert.That(statuses.Count(s => s == 429), Is.EqualTo(30), string.Join(",", statuses));
    }
}
