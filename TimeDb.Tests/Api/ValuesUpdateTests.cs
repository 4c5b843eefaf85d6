using System.Text.Json;
using TimeDb.Tests.Support;
using static TimeDb.Tests.Support.Uploads;

namespace TimeDb.Tests.Api;

public sealed class ValuesUpdateTests : DatabaseTest
{
    private const string ValidTime = "2025-01-02T00:00:00Z";

    private async Task<(HttpClient Client, Guid RunId, Guid SeriesId)> SeedAsync(string? validTimeEnd = null)
    {
        var client = Factory.CreateClient();
        var body = await client.PostJsonAsync("/runs", Run("2025-01-01T06:00:00Z", Row("wind", ValidTime, 1, validTimeEnd))).ExpectAsync(201);
        return (client, body.Id("run_id"), body.GetProperty("series_ids").Id("wind"));
    }

    private static async Task<List<JsonElement>> VersionsAsync(HttpClient client) =>
        (await client.GetAsync("/values?mode=overlapping&all_versions=true").ExpectAsync(200)).Data();

    [Test]
    public async Task Update_RetiresTheCurrentVersion_AndWritesANewOne()
    {
        var (client, runId, seriesId) = await SeedAsync();
        using var _ = client;

        var result = await client.PutJsonAsync("/values", new { updates = new[] { new { run_id = runId, series_id = seriesId, valid_time = ValidTime, value = 5.0 } } }).ExpectAsync(200);

        var updated = result.GetProperty("updated").EnumerateArray().Single();
        Assert.Multiple(() =>
        {
            Assert.That(updated.Id("run_id"), Is.EqualTo(runId));
            Assert.That(updated.Id("series_id"), Is.EqualTo(seriesId));
            Assert.That(updated.Id("tenant_id"), Is.EqualTo(Guid.Empty));
            Assert.That(updated.Str("valid_time"), Is.EqualTo(ValidTime));
            Assert.That(result.GetProperty("skipped_no_ops").GetArrayLength(), Is.Zero);
        });

        var versions = await VersionsAsync(client);
        Assert.That(versions, Has.Count.EqualTo(2));
        var current = versions.Single(v => v.GetProperty("is_current").GetBoolean());
        Assert.That(current.Num("value"), Is.EqualTo(5));
        Assert.That(current.GetProperty("value_id").GetInt64(), Is.EqualTo(updated.GetProperty("value_id").GetInt64()));
        Assert.That(versions.Single(v => !v.GetProperty("is_current").GetBoolean()).Num("value"), Is.EqualTo(1));
        Assert.That((await client.GetAsync("/values").ExpectAsync(200)).Data().Single().Num("value"), Is.EqualTo(5));
    }

    [Test]
    public async Task Update_TriState_AbsentKeeps_NullClears_ValueSets()
    {
        var (client, runId, seriesId) = await SeedAsync();
        using var _ = client;

        await client.PutJsonAsync("/values", new { updates = new[] { new { run_id = runId, series_id = seriesId, valid_time = ValidTime, annotation = "  checked by ops ", tags = new[] { " Reviewed", "storm", "reviewed", " " } } } }).ExpectAsync(200);
        var afterSet = (await client.GetAsync("/values").ExpectAsync(200)).Data().Single();
        Assert.Multiple(() =>
        {
            Assert.That(afterSet.Num("value"), Is.EqualTo(1), "absent value is unchanged");
            Assert.That(afterSet.Str("annotation"), Is.EqualTo("checked by ops"));
            Assert.That(afterSet.GetProperty("tags").EnumerateArray().Select(t => t.GetString()), Is.EqualTo(new[] { "reviewed", "storm" }));
        });

        await client.PutRawAsync("/values", $$"""{"updates":[{"run_id":"{{runId}}","series_id":"{{seriesId}}","valid_time":"{{ValidTime}}","value":null,"tags":[]}]}""");
        var afterClear = (await client.GetAsync("/values").ExpectAsync(200)).Data().Single();
        Assert.Multiple(() =>
        {
            Assert.That(afterClear.Num("value"), Is.Null, "null clears");
            Assert.That(afterClear.GetProperty("tags").ValueKind, Is.EqualTo(JsonValueKind.Null), "empty tags become null");
            Assert.That(afterClear.Str("annotation"), Is.EqualTo("checked by ops"), "absent annotation is unchanged");
        });
    }

    [Test]
    public async Task Update_ThatChangesNothingAfterNormalising_IsASkippedNoOp()
    {
        var (client, runId, seriesId) = await SeedAsync();
        using var _ = client;
        await client.PutJsonAsync("/values", new { updates = new[] { new { run_id = runId, series_id = seriesId, valid_time = ValidTime, tags = new[] { "a", "b" } } } }).ExpectAsync(200);

        var result = await client.PutJsonAsync("/values", new
        {
            updates = new object[]
            {
                new { run_id = runId, series_id = seriesId, valid_time = ValidTime, value = 1.0, tags = new[] { "B", " a ", "a" } },
            },
        }).ExpectAsync(200);

        Assert.That(result.GetProperty("updated").GetArrayLength(), Is.Zero);
        Assert.That(result.GetProperty("skipped_no_ops").EnumerateArray().Single().Id("run_id"), Is.EqualTo(runId));
        Assert.That(await VersionsAsync(client), Has.Count.EqualTo(2), "no new version for a no-op");
    }

    [Test]
    public async Task Update_OfAnIntervalValue_KeepsValidTimeEndOnTheNewVersion()
    {
        var (client, runId, seriesId) = await SeedAsync("2025-01-02T01:00:00Z");
        using var _ = client;

        var result = await client.PutJsonAsync("/values", new { updates = new[] { new { run_id = runId, series_id = seriesId, valid_time = ValidTime, valid_time_end = "2025-01-02T01:00:00Z", value = 9.0 } } }).ExpectAsync(200);

        Assert.That(result.GetProperty("updated")[0].Str("valid_time_end"), Is.EqualTo("2025-01-02T01:00:00Z"));
        var current = (await client.GetAsync("/values").ExpectAsync(200)).Data().Single();
        Assert.That(current.Str("valid_time_end"), Is.EqualTo("2025-01-02T01:00:00Z"));
        Assert.That(current.Num("value"), Is.EqualTo(9));
    }

    [Test]
    public async Task Update_OfAMissingRecord_Is404_AndTheWholeBatchChangesNothing()
    {
        var (client, runId, seriesId) = await SeedAsync();
        using var _ = client;

        var problem = await client.PutJsonAsync("/values", new
        {
            updates = new object[]
            {
                new { run_id = runId, series_id = seriesId, valid_time = ValidTime, value = 2.0 },
                new { run_id = runId, series_id = seriesId, valid_time = "2030-01-01T00:00:00Z", value = 3.0 },
            },
        }).ExpectAsync(404);

        // The time is written as responses write it (not 2030-01-01T00:00:00.0000000Z).
        Assert.That(problem.Str("detail"), Does.Contain("at valid_time 2030-01-01T00:00:00Z does not exist"));
        Assert.That(await VersionsAsync(client), Has.Count.EqualTo(1));
        Assert.That((await client.GetAsync("/values").ExpectAsync(200)).Data().Single().Num("value"), Is.EqualTo(1));
    }

    [Test]
    public async Task Update_PointValue_DoesNotMatchAnIntervalRecord()
    {
        var (client, runId, seriesId) = await SeedAsync("2025-01-02T01:00:00Z");
        using var _ = client;
        await client.PutJsonAsync("/values", new { updates = new[] { new { run_id = runId, series_id = seriesId, valid_time = ValidTime, value = 2.0 } } }).ExpectAsync(404);
    }

    [Test]
    public async Task ConcurrentUpdates_OfOneRecord_Serialise_KeepingOneCurrentVersionAndEveryChange()
    {
        var (client, runId, seriesId) = await SeedAsync();
        using var _ = client;
        const int writers = 12;

        var tasks = Enumerable.Range(1, writers).Select(async i =>
        {
            using var c = Factory.CreateClient();
            return await c.PutJsonAsync("/values", new { updates = new[] { new { run_id = runId, series_id = seriesId, valid_time = ValidTime, value = 100.0 + i } } });
        }).ToList();
        var responses = await Task.WhenAll(tasks);

        Assert.That(responses.Select(r => (int)r.StatusCode), Has.All.EqualTo(200));
        var versions = await VersionsAsync(client);
        Assert.That(versions, Has.Count.EqualTo(writers + 1), "the seed plus every change");
        Assert.That(versions.Count(v => v.GetProperty("is_current").GetBoolean()), Is.EqualTo(1));
        Assert.That(versions.Select(v => v.Num("value")), Is.EquivalentTo(new double?[] { 1 }.Concat(Enumerable.Range(1, writers).Select(i => (double?)(100 + i)))));
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }
}
