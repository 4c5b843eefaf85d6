using System.Net;
using System.Net.Http.Headers;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Reliability;

/// <summary>Sends ledger attempts and counts what came back: statuses, and transport failures (no answer at all).</summary>
internal sealed class FaultClient
{
    private readonly Dictionary<string, int> _outcomes = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, int> Outcomes
    {
        get
        {
            lock (_outcomes)
            {
                return new Dictionary<string, int>(_outcomes);
            }
        }
    }

    public void Count(string outcome)
    {
        lock (_outcomes)
        {
            _outcomes[outcome] = _outcomes.GetValueOrDefault(outcome) + 1;
        }
    }

    /// <summary>Statuses of 500 and above other than 503 and 504: the API must never answer them, faults or not.</summary>
    public int Unexpected5xx => Outcomes.Where(o => int.TryParse(o.Key.Split(' ')[1], out var s) && s >= 500 && s is not 503 and not 504).Sum(o => o.Value);

    /// <summary>POSTs the attempt with its idempotency key; returns the status, or null when no answer came.</summary>
    public async Task<HttpStatusCode?> UploadAsync(HttpClient client, UploadAttempt attempt, byte[] body, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/runs", UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("Idempotency-Key", attempt.IdempotencyKey);
        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            Count($"upload {(int)response.StatusCode}");
            if (response.StatusCode == HttpStatusCode.Created)
            {
                var json = await response.JsonAsync();
                attempt.AcknowledgedRun = json.Id("run_id");
                attempt.FirstSeries = json.GetProperty("series_ids").Id(attempt.FirstValueKey);
            }

            return response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Count("upload no-answer");
            return null;
        }
    }

    /// <summary>Sends the attempt until it is acknowledged (the same key each time), for up to <paramref name="patience"/>.</summary>
    public async Task UploadUntilAcknowledgedAsync(HttpClient client, UploadAttempt attempt, TimeSpan patience)
    {
        var body = attempt.Body();
        var deadline = DateTime.UtcNow + patience;
        while (attempt.AcknowledgedRun is null)
        {
            var status = await UploadAsync(client, attempt, body);
            if (status is { } s && (int)s is >= 400 and < 500)
            {
                Assert.Fail($"upload {attempt.Id} refused with {(int)s}");
            }

            if (attempt.AcknowledgedRun is null)
            {
                Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"upload {attempt.Id} not acknowledged within {patience}");
                await Task.Delay(200);
            }
        }
    }

    /// <summary>GETs and reads the whole answer; a stream cut short by a fault counts as "read cut".</summary>
    public async Task ReadAsync(HttpClient client, string url)
    {
        try
        {
            // Headers first: a 200 whose stream a crash cuts short is "read cut", not "no answer".
            using var response = await client.GetAsync(new Uri(url, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
            try
            {
                await response.Content.ReadAsByteArrayAsync();
                Count($"read {(int)response.StatusCode}");
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                Count("read cut");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
        {
            Count("read no-answer");
        }
    }

    public async Task UpdateAsync(HttpClient client, UploadAttempt attempt, double value)
    {
        var body = new { updates = new[] { new { run_id = attempt.AcknowledgedRun, series_id = attempt.FirstSeries, valid_time = "2025-01-01T00:00:00Z", value } } };
        try
        {
            using var response = await client.PutJsonAsync("/values", body);
            Count($"update {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
        {
            Count("update no-answer");
        }
    }

    public string Describe() => string.Join(", ", Outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}: {o.Value}"));
}
