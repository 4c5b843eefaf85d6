using System.Net;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Auth;

public sealed class RateLimitTests : AuthenticatedApiTest
{
    [Test]
    public async Task FreeTier_Allows10PerMinute_ThenAnswers429WithRetryAfter()
    {
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
}
