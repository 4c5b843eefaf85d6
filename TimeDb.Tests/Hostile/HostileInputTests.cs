using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using TimeDb.Tests.Support;
using static TimeDb.Tests.Support.Uploads;

namespace TimeDb.Tests.Hostile;

/// <summary>
/// Issue 6: hundreds of malformed and extreme requests against every endpoint of a real <c>timedb api</c>
/// process, with authentication on and valid keys. Every answer must be a 4xx problem (or, for framing that
/// Kestrel refuses before the app, a 4xx and a closed connection), never a 5xx or a hang; the server stays up
/// and the database is exactly as before.
/// </summary>
public sealed class HostileInputTests : AuthenticatedApiTest
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task HostileCorpus_EveryRequestIsRefusedWithA4xxProblem_AndNothingChanges()
    {
        await using var api = await ApiProcess.StartAsync(Dsn);
        using var http = api.CreateClient(timeout: RequestTimeout);
        var targets = await SeedAsync(api);
        var before = await DataSnapshot.EveryTableAsync(Dsn);

        var corpus = HostileCorpus.Generate(targets);
        var raw = RawCorpus.Generate(A.Key).ToList();
        var failures = new ConcurrentBag<string>();
        var answers = new ConcurrentBag<(string Endpoint, int Status)>();

        await Parallel.ForEachAsync(corpus, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (request, _) =>
        {
            var (status, failure) = await SendAsync(http, request);
            answers.Add((request.Endpoint, status));
            if (failure is not null)
            {
                failures.Add($"{request}: {failure}");
            }
        });

        foreach (var @case in raw)
        {
            var response = await RawHttp.SendAsync(api.BaseAddress, @case.Request, RequestTimeout, @case.HalfClose);
            answers.Add((@case.Endpoint + " (raw)", response.Status));
            if (CheckRaw(@case, response) is { } failure)
            {
                failures.Add($"{@case} (raw socket): {failure}");
            }
        }

        PrintSummary(corpus.Count, raw.Count, answers);

        Assert.That(corpus.Count + raw.Count, Is.GreaterThanOrEqualTo(500));
        Assert.That(failures, Is.Empty, string.Join(Environment.NewLine, failures.OrderBy(f => f, StringComparer.Ordinal).Take(60)));
        Assert.That(api.HasExited, Is.False, "the server died");
        using (var health = await http.GetAsync("/health/ready"))
        {
            Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the server is not ready after the corpus");
        }

        Assert.That(await DataSnapshot.EveryTableAsync(Dsn), Is.EqualTo(before), "the corpus changed the database");
    }

    /// <summary>A run with two values for tenant A (the corpus aims at its records) and one for tenant B.</summary>
    private async Task<HostileTargets> SeedAsync(ApiProcess api)
    {
        using var alice = api.CreateClient(A.Key);
        using var bob = api.CreateClient(B.Key);
        var validTime = "2025-01-02T00:00:00Z";
        var seeded = await alice.PostJsonAsync("/runs", Run("2025-01-01T00:00:00Z", Row("hostile-seed", validTime, 1), Row("hostile-seed", "2025-01-02T01:00:00Z", 2)))
            .ExpectAsync(201);
        var other = await bob.UploadAsync(Run("2025-01-01T00:00:00Z", Row("other-seed", validTime, 3)));
        return new HostileTargets(seeded.Id("run_id"), seeded.GetProperty("series_ids").GetProperty("hostile-seed").GetGuid(), validTime,
            B.TenantId, other, B.KeyId, Admin.KeyId);
    }

    private async Task<(int Status, string? Failure)> SendAsync(HttpClient http, HostileRequest request)
    {
        using var message = new HttpRequestMessage(request.Method, new Uri(request.Url, UriKind.Relative)) { Content = request.Body?.Invoke() };
        message.Headers.Add("X-API-Key", request.Caller == Caller.Admin ? Admin.Key : A.Key);
        if (request.Header is var (name, value))
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await http.SendAsync(message);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync();
            return (status, CheckProblem(status, response.Content.Headers.ContentType?.MediaType, body, request.Expected));
        }
        catch (TaskCanceledException)
        {
            return (0, $"no answer within {RequestTimeout.TotalSeconds} s");
        }
        catch (HttpRequestException ex)
        {
            return (0, $"connection failed: {ex.Message}");
        }
    }

    /// <summary>Null when the answer is a 4xx problem (with the expected status, if one is pinned); else what is wrong.</summary>
    private static string? CheckProblem(int status, string? mediaType, string body, int? expected)
    {
        var shown = body.Length > 300 ? body[..300] + "…" : body;
        if (status is < 400 or >= 500)
        {
            return $"status {status}, not a 4xx: {shown}";
        }

        if (expected is { } wanted && status != wanted)
        {
            return $"status {status}, expected {wanted}: {shown}";
        }

        if (mediaType != "application/problem+json")
        {
            return $"status {status} with Content-Type '{mediaType}', not application/problem+json: {shown}";
        }

        try
        {
            using var problem = JsonDocument.Parse(body);
            var root = problem.RootElement;
            if (!root.TryGetProperty("status", out var statusField) || statusField.ValueKind != JsonValueKind.Number || statusField.GetInt32() != status)
            {
                return $"problem status field does not match {status}: {shown}";
            }

            return root.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String && title.GetString()!.Length > 0
                ? null
                : $"problem without a title: {shown}";
        }
        catch (JsonException ex)
        {
            return $"status {status} body is not JSON ({ex.Message}): {shown}";
        }
    }

    private static string? CheckRaw(RawCase @case, RawResponse response)
    {
        if (@case.Expected == 0)
        {
            return response.Status == 0 && response.Closed ? null : $"expected the connection closed without an answer, got {response.Status} (closed: {response.Closed})";
        }

        if (response.Status == 0)
        {
            return $"no HTTP answer (closed: {response.Closed}): {response.Body[..Math.Min(200, response.Body.Length)]}";
        }

        if (@case.ReachesApp)
        {
            return CheckProblem(response.Status, response.ContentType, response.Body, @case.Expected);
        }

        // Kestrel's own refusals carry no body; what matters is a 4xx and a closed connection.
        if (response.Status is < 400 or >= 500 || (@case.Expected is { } wanted && response.Status != wanted))
        {
            return $"Kestrel answered {response.Status}, expected {@case.Expected?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "a 4xx"}";
        }

        return response.Closed ? null : "the connection stayed open after a framing error";
    }

    private static void PrintSummary(int http, int raw, IEnumerable<(string Endpoint, int Status)> answers)
    {
        var list = answers.ToList();
        TestContext.Out.WriteLine($"Hostile corpus: {http + raw} requests ({http} over HttpClient, {raw} over raw sockets)");
        TestContext.Out.WriteLine("By endpoint:");
        foreach (var group in list.GroupBy(a => a.Endpoint).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var statuses = string.Join(", ", group.GroupBy(a => a.Status).OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Count()}"));
            TestContext.Out.WriteLine($"  {group.Key,-32} {group.Count(),5}   {statuses}");
        }

        TestContext.Out.WriteLine("By status:");
        foreach (var group in list.GroupBy(a => a.Status).OrderBy(g => g.Key))
        {
            TestContext.Out.WriteLine($"  {group.Key}: {group.Count()}");
        }
    }
}
