using System.Net;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Reliability;

/// <summary>
/// SPEC §9's fair share: one user's reads, uploads and updates share one pool (4 running, 8 waiting); past
/// it that user gets 429 with Retry-After, and another user is served at once.
/// </summary>
public sealed class FairShareTests : AuthenticatedApiTest
{
    [Test]
    public async Task UserWithFourRunningAndEightWaiting_Gets429OnTheThirteenth_WhileAnotherUsersReadIsServed()
    {
        using var a = Client(Factory, A);
        using var b = Client(Factory, B);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = Enumerable.Range(0, 12).Select(i => a.PostAsync(new Uri("/runs", UriKind.Relative), HeldBody(release, i))).ToList();
        try
        {
            // Once A's twelve are in (4 uploads run, 8 wait), A's 13th heavy request (a read) is refused at once.
            await SettleAsync();
            var refused = await WithinAsync(a.GetAsync(new Uri("/values", UriKind.Relative)), TimeSpan.FromSeconds(30));
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), await refused.Content.ReadAsStringAsync());
            Assert.That(refused.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
            var problem = await refused.JsonAsync();
            Assert.That(problem.Str("detail"), Does.Contain("too many").And.Contain("running at once").And.Contain("4 running and 8 waiting"));
            Assert.That(held.Any(t => t.IsCompleted), Is.False, "A's twelve are still running or waiting");

            // B has a share of its own: served at once, not behind A's queue.
            var served = await WithinAsync(b.GetAsync(new Uri("/values", UriKind.Relative)), TimeSpan.FromSeconds(10));
            Assert.That(served.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        finally
        {
            release.SetResult();
        }

        // Released, A's uploads all finish (running first, then the queue): nothing was dropped.
        var answers = await Task.WhenAll(held);
        Assert.That(answers.Select(r => (int)r.StatusCode), Is.All.EqualTo(201));
        await a.GetAsync("/values").ExpectAsync(200);
    }

    [Test]
    public async Task InstanceLimit_AnswersTheOtherUser503WithRetryAfter()
    {
        await using var factory = new ApiFactory(Dsn, new Dictionary<string, string>
        {
            ["TimeDb:Limits:MaxConcurrentHeavyRequests"] = "2",
            ["TimeDb:Limits:HeavyRequestQueue"] = "1",
        });
        using var a = Client(factory, A);
        using var b = Client(factory, B);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // A holds both of the instance's slots and its one queue place: within A's share of 4 + 8.
        var held = Enumerable.Range(0, 3).Select(i => a.PostAsync(new Uri("/runs", UriKind.Relative), HeldBody(release, i))).ToList();
        try
        {
            await SettleAsync();
            var busy = await WithinAsync(b.GetAsync(new Uri("/values", UriKind.Relative)), TimeSpan.FromSeconds(30));
            Assert.That(busy.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(busy.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
            var problem = await busy.JsonAsync();
            Assert.That(problem.Str("title"), Is.EqualTo("Server busy"));
            Assert.That(problem.Str("detail"), Does.Contain("retry in 1 s"));
        }
        finally
        {
            release.SetResult();
        }

        Assert.That((await Task.WhenAll(held)).Select(r => (int)r.StatusCode), Is.All.EqualTo(201));
        await b.GetAsync("/values").ExpectAsync(200);
    }

    private static HeldBody HeldBody(TaskCompletionSource release, int index)
    {
        var body = new HeldBody(release, $"held-{index}");
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return body;
    }

    /// <summary>The test server's own client: WebApplicationFactory's default one buffers request bodies (to replay redirects), which would hold the uploads back.</summary>
    private static HttpClient Client(ApiFactory factory, TestUser user)
    {
        var client = factory.Server.CreateClient();
        client.DefaultRequestHeaders.Add("X-API-Key", user.Key);
        return client;
    }

    /// <summary>
    /// The held uploads are sent in the background; nothing outside the API shows when they have reached
    /// the limiter (a request sent too early would queue, not be refused), so the test gives them time.
    /// </summary>
    private static Task SettleAsync() => Task.Delay(TimeSpan.FromSeconds(3));

    private static async Task<HttpResponseMessage> WithinAsync(Task<HttpResponseMessage> call, TimeSpan limit)
    {
        var done = await Task.WhenAny(call, Task.Delay(limit));
        Assert.That(done, Is.SameAs(call), $"answered within {limit.TotalSeconds} s");
        return await call;
    }
}
