using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Reliability;

/// <summary>
/// One soak client: a closed loop that picks its next operation with a seeded <see cref="Random"/>, sends it
/// with its tenant's key, counts the answer, and keeps a ledger of what it wrote. Reads of its own series
/// are checked against the ledger as it goes (it is their only writer); every read is checked for rows of
/// another tenant.
/// </summary>
internal sealed class SoakClient
{
    private const int OwnPointSeries = 5;
    private readonly HttpClient _http;
    private readonly Random _random;
    private readonly string _prefix;
    private readonly string[] _ownKeys;
    private readonly string[] _sharedKeys;
    private int _uploads;

    public SoakClient(int index, int tenant, Guid tenantId, HttpClient http)
    {
        Index = index;
        Tenant = tenant;
        TenantId = tenantId;
        _http = http;
        _random = new Random(1000 + index);
        _prefix = SoakData.TenantPrefix(tenant);
        _ownKeys = [.. Enumerable.Range(0, OwnPointSeries).Select(k => $"{_prefix}c{index:00}_s{k}"), $"{_prefix}c{index:00}_iv"];
        _sharedKeys = SharedKeys(tenant);
    }

    public int Index { get; }

    public int Tenant { get; }

    public Guid TenantId { get; }

    public SoakLedger Ledger { get; } = new();

    public RequestLog Log { get; } = new();

    private string Workflow => $"soak-c{Index:00}";

    /// <summary>Series every client of a tenant uploads to (their series rows are created concurrently).</summary>
    public static string[] SharedKeys(int tenant) => [.. Enumerable.Range(0, 4).Select(k => $"{SoakData.TenantPrefix(tenant)}shared_{k}")];

    public async Task RunAsync(TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            var pick = _random.Next(100);
            var operation = pick switch
            {
                < 20 => UploadAsync(),
                < 30 => UpdateAsync(),
                < 55 => ReadOwnFlatAsync(),
                < 65 => ReadSharedAsync(),
                < 80 => ReadOwnOverlappingAsync(),
                < 90 => ListSeriesAsync(),
                _ => ListRunsAsync(),
            };
            await operation;
        }
    }

    private async Task UploadAsync()
    {
        // Known times are whole seconds, unique across clients and growing per client.
        var knownTime = SoakData.KnownStart.AddSeconds((_uploads++ * 16) + Index);
        // Mostly a few series over a few hours; one upload in twenty is every own series over the whole window.
        var whole = _random.Next(20) == 0;
        var keys = whole ? _ownKeys : _ownKeys.OrderBy(_ => _random.Next()).Take(_random.Next(1, 4)).ToArray();
        if (_random.Next(4) == 0)
        {
            keys = [.. keys, _sharedKeys[_random.Next(_sharedKeys.Length)]];
        }

        var first = whole ? 0 : _random.Next(SoakData.Hours);
        var last = whole ? SoakData.Hours : Math.Min(SoakData.Hours, first + _random.Next(1, 25));
        var rows = (from key in keys from hour in Enumerable.Range(first, last - first) select (key, hour, value: NextValue())).ToList();
        var body = new
        {
            run_start_time = SoakData.Iso(knownTime),
            known_time = SoakData.Iso(knownTime),
            workflow_id = Workflow,
            value_rows = rows.Select(r => Uploads.Row(r.key, SoakData.Iso(SoakData.ValidTime(r.hour)), r.value,
                SoakData.IsInterval(r.key) ? SoakData.Iso(SoakData.ValidTime(r.hour + 1)) : null)).ToArray(),
        };

        var answer = await SendAsync("POST /runs", () => _http.PostJsonAsync("/runs", body), 201);
        if (answer is not { } json)
        {
            return;
        }

        var problems = new List<string>();
        if (json.GetProperty("rows_inserted").GetInt64() != rows.Count)
        {
            problems.Add($"rows_inserted {json.GetProperty("rows_inserted")} for {rows.Count} rows");
        }

        foreach (var key in keys)
        {
            var id = json.GetProperty("series_ids").GetProperty(key).GetGuid();
            if (Ledger.SeriesIds.TryGetValue(key, out var known) && known != id)
            {
                problems.Add($"series {key} was {known}, now {id}");
            }

            Ledger.SeriesIds[key] = id;
        }

        Log.Problems("POST /runs", problems);
        Ledger.Uploaded(new LedgerRun(json.GetProperty("run_id").GetGuid(), knownTime), rows);
    }

    private async Task UpdateAsync()
    {
        if (Ledger.RunOrder.Count == 0)
        {
            await UploadAsync();
            return;
        }

        // Only this client's runs: it is the only writer of their records, so it knows their last values.
        var run = Ledger.RunOrder[_random.Next(Ledger.RunOrder.Count)];
        var records = run.Records.OrderBy(_ => _random.Next()).Take(_random.Next(1, 6)).Select(r => (r.SeriesKey, r.Hour, Value: NextValue())).ToList();
        var body = new
        {
            updates = records.Select(r => new
            {
                run_id = run.RunId,
                series_id = Ledger.SeriesIds[r.SeriesKey],
                valid_time = SoakData.Iso(SoakData.ValidTime(r.Hour)),
                valid_time_end = SoakData.IsInterval(r.SeriesKey) ? SoakData.Iso(SoakData.ValidTime(r.Hour + 1)) : null,
                value = r.Value,
            }).ToArray(),
        };

        var answer = await SendAsync("PUT /values", () => _http.PutJsonAsync("/values", body), 200);
        if (answer is not { } json)
        {
            return;
        }

        // A value equal to the current one is a no-op and writes no version.
        var skipped = json.GetProperty("skipped_no_ops").EnumerateArray()
            .Select(s => (s.GetProperty("series_id").GetGuid(), SoakData.HourOf(s.GetProperty("valid_time").GetDateTimeOffset()))).ToHashSet();
        var changed = records.Where(r => !skipped.Contains((Ledger.SeriesIds[r.SeriesKey], r.Hour))).ToList();
        var updated = json.GetProperty("updated").GetArrayLength();
        Log.Problems("PUT /values", updated == changed.Count ? [] : [$"updated {updated} of {records.Count} with {skipped.Count} no-ops"]);
        Ledger.Updated(run, changed);
    }

    private async Task ReadOwnFlatAsync()
    {
        var (keys, first, last) = PickOwnWindow();
        var rows = await ReadAsync("GET /values flat", $"/values?{Filter(keys, first, last)}");
        if (rows is not null)
        {
            var expected = SoakLedger.Flat([Ledger], (key, hour) => keys.Contains(key) && hour >= first && hour < last);
            Log.Problems("GET /values flat", SoakData.CompareFlat(rows, expected));
        }
    }

    private async Task ReadOwnOverlappingAsync()
    {
        var (keys, first, last) = PickOwnWindow();
        var rows = await ReadAsync("GET /values overlapping", $"/values?mode=overlapping&{Filter(keys, first, last)}");
        if (rows is not null)
        {
            var count = Ledger.Revisions.Where(r => keys.Contains(r.Key.SeriesKey) && r.Key.Hour >= first && r.Key.Hour < last).Sum(r => r.Value);
            Log.Problems("GET /values overlapping", SoakData.CompareOverlapping(rows,
                key => Ledger.Values.TryGetValue(key, out var value) ? (true, value) : (false, null), count));
        }
    }

    /// <summary>A series every client of the tenant writes: the answer can only be checked for its shape and tenant.</summary>
    private async Task ReadSharedAsync()
    {
        var key = _sharedKeys[_random.Next(_sharedKeys.Length)];
        var mode = _random.Next(2) == 0 ? "flat" : "overlapping";
        var rows = await ReadAsync($"GET /values {mode}", $"/values?mode={mode}&series_key={key}");
        if (rows is not null)
        {
            Log.Problems($"GET /values {mode}", [.. rows.Where(r => r.SeriesKey != key).Select(r => $"read of {key} returned {r.SeriesKey}")]);
        }
    }

    private async Task ListSeriesAsync()
    {
        var answer = await SendAsync("GET /series", () => _http.GetAsync("/series"), 200);
        if (answer is { } json)
        {
            var series = json.Deserialize<List<SeriesRow>>(SoakData.Json)!;
            var problems = series.Where(s => s.TenantId != TenantId || !s.SeriesKey.StartsWith(_prefix, StringComparison.Ordinal))
                .Select(s => $"another tenant's series listed: {s.SeriesKey} of {s.TenantId}").ToList();
            problems.AddRange(Ledger.SeriesIds.Where(k => !series.Any(s => s.SeriesId == k.Value && s.SeriesKey == k.Key)).Select(k => $"series {k.Key} not listed"));
            Log.Problems("GET /series", problems);
        }
    }

    private async Task ListRunsAsync()
    {
        var answer = await SendAsync("GET /runs", () => _http.GetAsync($"/runs?workflow_id={Workflow}&limit=20"), 200);
        if (answer is { } json)
        {
            var runs = json.Deserialize<List<RunRow>>(SoakData.Json)!;
            var expected = Ledger.RunOrder.AsEnumerable().Reverse().Take(20).Select(r => r.RunId);
            Log.Problems("GET /runs", runs.Select(r => r.RunId).SequenceEqual(expected)
                ? []
                : [$"GET /runs?workflow_id={Workflow} listed {runs.Count} runs, not this client's latest {Math.Min(20, Ledger.RunOrder.Count)}"]);
        }
    }

    private (HashSet<string> Keys, int First, int Last) PickOwnWindow()
    {
        var keys = _ownKeys.OrderBy(_ => _random.Next()).Take(_random.Next(1, 4)).ToHashSet(StringComparer.Ordinal);
        var first = _random.Next(SoakData.Hours);
        return (keys, first, Math.Min(SoakData.Hours, first + _random.Next(1, 25)));
    }

    private static string Filter(IEnumerable<string> keys, int first, int last) =>
        string.Join('&', keys.Select(k => $"series_key={k}")) +
        $"&start_valid={SoakData.Iso(SoakData.ValidTime(first))}&end_valid={SoakData.Iso(SoakData.ValidTime(last))}";

    private async Task<List<ValueRow>?> ReadAsync(string kind, string url)
    {
        var answer = await SendAsync(kind, () => _http.GetAsync(url), 200);
        if (answer is not { } json)
        {
            return null;
        }

        var page = json.Deserialize<ValuesPage>(SoakData.Json)!;
        var problems = page.Data.Where(r => !r.SeriesKey.StartsWith(_prefix, StringComparison.Ordinal))
            .Select(r => $"another tenant's row: {r.SeriesKey}").ToList();
        if (page.Count != page.Data.Count)
        {
            problems.Add($"count {page.Count} for {page.Data.Count} rows");
        }

        Log.Problems(kind, problems);
        return page.Data;
    }

    /// <summary>Sends one request, records its status and latency; returns the JSON body when the status is the expected one.</summary>
    private async Task<JsonElement?> SendAsync(string kind, Func<Task<HttpResponseMessage>> send, int expected)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await send();
            var body = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            Log.Record(kind, status, Stopwatch.GetElapsedTime(started));
            if (status != expected)
            {
                Log.Unexpected(kind, status, body);
                return null;
            }

            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (HttpRequestException ex)
        {
            Log.Transport(kind, ex);
        }
        catch (TaskCanceledException ex)
        {
            // No cancellation is requested: this is the client's timeout.
            Log.Transport(kind, ex);
        }
        catch (JsonException ex)
        {
            Log.Problems(kind, [$"answer is not the JSON expected: {ex.Message}"]);
        }

        return null;
    }

    private double? NextValue() => _random.Next(20) == 0 ? null : Math.Round(_random.NextDouble() * 1000, 3);
}
