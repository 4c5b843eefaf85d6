using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace TimeDb.Tests.Reliability;

/// <summary>One upload a fault test sent: its marker (in run_params), idempotency key, size and, once answered 201, its run.</summary>
internal sealed class UploadAttempt(string valueKeyPrefix, int rows)
{
    public string Id { get; } = Guid.NewGuid().ToString("N");

    public string IdempotencyKey => $"attempt-{Id}";

    public int Rows { get; } = rows;

    public Guid? AcknowledgedRun { get; set; }

    /// <summary>The series of the attempt's first row (at 2025-01-01T00:00Z), from the 201 answer: what an updater may correct.</summary>
    public Guid? FirstSeries { get; set; }

    public string FirstValueKey => $"{valueKeyPrefix}0";

    /// <summary>The body, unique to this attempt: run_params names the attempt and its row count, so the checker knows what a whole run holds.</summary>
    public byte[] Body()
    {
        var json = new StringBuilder(Rows * 72 + 256);
        json.Append(CultureInfo.InvariantCulture, $"{{\"run_start_time\":\"2025-01-01T00:00:00Z\",\"run_params\":{{\"attempt\":\"{Id}\",\"rows\":{Rows}}},\"value_rows\":[");
        var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < Rows; i++)
        {
            var time = start.AddHours(i / 100).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            json.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ",")}{{\"value_key\":\"{valueKeyPrefix}{i % 100}\",\"valid_time\":\"{time}\",\"value\":{i % 9973}.5}}");
        }

        return Encoding.UTF8.GetBytes(json.Append("]}").ToString());
    }
}

/// <summary>
/// What a fault test sent and what it was told, and the check that follows: every acknowledged upload is
/// fully present, no run is partially present, and no attempt is stored twice.
/// </summary>
internal sealed class UploadLedger
{
    private readonly ConcurrentBag<UploadAttempt> _attempts = [];

    public int Acknowledged => _attempts.Count(a => a.AcknowledgedRun is not null);

    public IEnumerable<UploadAttempt> AcknowledgedAttempts() => _attempts.Where(a => a.AcknowledgedRun is not null && a.FirstSeries is not null);

    public UploadAttempt NewAttempt(string valueKeyPrefix, int rows)
    {
        var attempt = new UploadAttempt(valueKeyPrefix, rows);
        _attempts.Add(attempt);
        return attempt;
    }

    public sealed record Check(int Runs, int PartialRuns, int DuplicatedAttempts, int AcknowledgedMissing);

    public async Task<Check> CheckAsync(string connectionString)
    {
        // Distinct (series, valid time) per run: versioned updates add rows to a run but never keys.
        var stored = await Support.Sql.ColumnAsync(connectionString, """
            SELECT concat_ws('|', r.run_id, r.run_params->>'attempt', r.run_params->>'rows',
                   (SELECT count(DISTINCT (v.series_id, v.valid_time)) FROM "values" v WHERE v.tenant_id = r.tenant_id AND v.run_id = r.run_id))
            FROM runs r WHERE r.run_params ? 'attempt'
            """);
        var runs = stored.Select(line => line.Split('|')).Select(f => (Run: Guid.Parse(f[0]), Attempt: f[1], Expected: long.Parse(f[2], CultureInfo.InvariantCulture), Found: long.Parse(f[3], CultureInfo.InvariantCulture))).ToList();
        var partial = runs.Count(r => r.Found != r.Expected);
        var duplicated = runs.GroupBy(r => r.Attempt).Count(g => g.Count() > 1);
        var present = runs.ToDictionary(r => r.Run);
        var missing = _attempts.Count(a => a.AcknowledgedRun is { } run && (!present.TryGetValue(run, out var r) || r.Found != a.Rows));
        return new Check(runs.Count, partial, duplicated, missing);
    }

    /// <summary>How many runs the attempt left (0 or 1 when all is well) and whether each is whole: cheaper than a full check.</summary>
    public static async Task<(long Runs, bool Whole)> CheckAttemptAsync(string connectionString, UploadAttempt attempt)
    {
        var found = await Support.Sql.ColumnAsync(connectionString, $"""
            SELECT (SELECT count(DISTINCT (v.series_id, v.valid_time)) FROM "values" v WHERE v.tenant_id = r.tenant_id AND v.run_id = r.run_id)::text
            FROM runs r WHERE r.run_params->>'attempt' = '{attempt.Id}'
            """);
        return (found.Count, found.All(n => long.Parse(n, CultureInfo.InvariantCulture) == attempt.Rows));
    }

    public async Task AssertConsistentAsync(string connectionString)
    {
        var check = await CheckAsync(connectionString);
        Assert.Multiple(() =>
        {
            Assert.That(check.PartialRuns, Is.Zero, "runs partially present");
            Assert.That(check.DuplicatedAttempts, Is.Zero, "uploads stored twice");
            Assert.That(check.AcknowledgedMissing, Is.Zero, "acknowledged uploads missing or incomplete");
        });
    }
}
