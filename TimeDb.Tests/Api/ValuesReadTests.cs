using System.Text.Json;
using TimeDb.Tests.Support;
using static TimeDb.Tests.Support.Uploads;

namespace TimeDb.Tests.Api;

public sealed class ValuesReadTests : DatabaseTest
{
    private static string Keys(List<JsonElement> rows) => string.Join(",", rows.Select(r => $"{r.Str("series_key")}@{r.Str("valid_time")[11..16]}={r.Num("value")}"));

    [Test]
    public async Task Flat_TakesTheLatestKnownTimePerValidTime_OrderedByValidTimeThenSeriesKey()
    {
        using var client = Factory.CreateClient();
        await client.UploadAsync(Run("2025-01-01T06:00:00Z", Row("wind", "2025-01-02T00:00:00Z", 1), Row("wind", "2025-01-02T01:00:00Z", 1), Row("load", "2025-01-02T00:00:00Z", 7)));
        await client.UploadAsync(Run("2025-01-01T12:00:00Z", Row("wind", "2025-01-02T01:00:00Z", 2)));
        // Uploaded later but known earlier: must not win.
        await client.UploadAsync(Run("2025-01-01T03:00:00Z", Row("wind", "2025-01-02T00:00:00Z", 0)));

        var rows = (await client.GetAsync("/values").ExpectAsync(200)).Data();
        Assert.That(Keys(rows), Is.EqualTo("load@00:00=7,wind@00:00=1,wind@01:00=2"));
    }

    [Test]
    public async Task Flat_TieOnKnownTime_GoesToTheRunInsertedLater()
    {
        using var client = Factory.CreateClient();
        await client.UploadAsync(Run("2025-01-01T06:00:00Z", Row("wind", "2025-01-02T00:00:00Z", 1)));
        var later = await client.UploadAsync(Run("2025-01-01T06:00:00Z", Row("wind", "2025-01-02T00:00:00Z", 2)));

        var row = (await client.GetAsync("/values").ExpectAsync(200)).Data().Single();
        Assert.That(row.Num("value"), Is.EqualTo(2));
        Assert.That(row.Id("run_id"), Is.EqualTo(later));
    }

    [Test]
    public async Task Flat_TieOnKnownTime_ManyRunsInQuickSuccession_TheLastUploadedWins()
    {
        using var client = Factory.CreateClient();
        Guid last = default;
        for (var i = 1; i <= 6; i++)
        {
            // Several runs may fall in one millisecond: the run ids still grow with every upload (ADR-022).
            last = await client.UploadAsync(Run("2025-01-01T06:00:00Z", Row("wind", "2025-01-02T00:00:00Z", i), Row("load", "2025-01-02T00:00:00Z", i)));
        }

        var rows = (await client.GetAsync("/values").ExpectAsync(200)).Data();
        Assert.That(Keys(rows), Is.EqualTo("load@00:00=6,wind@00:00=6"));
        Assert.That(rows.Select(r => r.Id("run_id")), Has.All.EqualTo(last));
    }

    [TestCase("flat")]
    [TestCase("overlapping")]
    public async Task ManySeries_AreOrderedBySeriesKeyWithinEachTime_WhateverTheirIds(string mode)
    {
        using var client = Factory.CreateClient();
        // The SQL orders by series_id and the reader by key within each time: with 12 random ids, a wrong order shows.
        var keys = Enumerable.Range(0, 12).Select(i => $"s{(i * 7) % 12:00}").ToList();
        foreach (var known in new[] { "2025-01-01T06:00:00Z", "2025-01-01T12:00:00Z" })
        {
            await client.UploadAsync(Run(known, [.. keys.SelectMany(k => new[]
            {
                Row(k, "2025-01-02T01:00:00Z", 1), Row(k, "2025-01-02T00:00:00Z", 2, "2025-01-02T01:00:00Z"), Row(k, "2025-01-02T00:00:00Z", 0),
            })]));
        }

        var rows = (await client.GetAsync($"/values?mode={mode}").ExpectAsync(200)).Data();
        var sortedKeys = keys.Order(StringComparer.Ordinal).ToList();
        var perTime = sortedKeys.SelectMany(k => new[] { $"{k}@00:00=0", $"{k}@00:00=2" }).Concat(sortedKeys.Select(k => $"{k}@01:00=1")).ToList();
        var expected = mode == "flat" ? perTime : [.. perTime, .. perTime];
        Assert.That(Keys(rows).Split(','), Is.EqualTo(expected));
        if (mode == "overlapping")
        {
            Assert.That(rows.Select(r => r.Str("known_time")[11..13]), Is.EqualTo(Enumerable.Repeat("06", 36).Concat(Enumerable.Repeat("12", 36))));
        }
    }

    [Test]
    public async Task Flat_PointAndIntervalAtTheSameValidTime_AreSeparateRecords()
    {
        using var client = Factory.CreateClient();
        await client.UploadAsync(Run("2025-01-01T06:00:00Z", Row("wind", "2025-01-02T00:00:00Z", 1), Row("wind", "2025-01-02T00:00:00Z", 2, "2025-01-02T01:00:00Z")));

        var rows = (await client.GetAsync("/values").ExpectAsync(200)).Data();
        Assert.That(rows.Select(r => r.Num("value")), Is.EqualTo(new double?[] { 1, 2 }), "point (no end) first");
    }

    [Test]
    public async Task ValidTimeRange_IsHalfOpen()
    {
        using var client = Factory.CreateClient();
        await client.UploadAsync(Run("2025-01-01T06:00:00Z",
            Row("wind", "2025-01-02T00:00:00Z", 0), Row("wind", "2025-01-02T01:00:00Z", 1), Row("wind", "2025-01-02T02:00:00Z", 2)));

        var rows = (await client.GetAsync("/values?start_valid=2025-01-02T01:00:00Z&end_valid=2025-01-02T02:00:00Z").ExpectAsync(200)).Data();
        Assert.That(Keys(rows), Is.EqualTo("wind@01:00=1"));
    }

    [Test]
    public async Task KnownTimeRange_IsHalfOpen_AndEndKnownShowsWhatWasKnownThen()
    {
        using var client = Factory.CreateClient();
        await client.UploadAsync(Run("2025-01-01T06:00:00Z", Row("wind", "2025-01-02T00:00:00Z", 1)));
        await client.UploadAsync(Run("2025-01-01T12:00:00Z", Row("wind", "2025-01-02T00:00:00Z", 2)));

        var atNoon = (await client.GetAsync("/values?end_known=2025-01-01T12:00:00Z").ExpectAsync(200)).Data();
        var fromNoon = (await client.GetAsync("/values?mode=overlapping&start_known=2025-01-01T12:00:00Z").ExpectAsync(200)).Data();
        Assert.That(atNoon.Single().Num("value"), Is.EqualTo(1));
        Assert.That(fromNoon.Single().Num("value"), Is.EqualTo(2));
    }

    [Test]
    public async Task SeriesKeyAndSeriesId_AreRepeatableFilters()
    {
        using var client = Factory.CreateClient();
        var ids = (await client.PostJsonAsync("/runs", Run("2025-01-01T06:00:00Z",
            Row("a", "2025-01-02T00:00:00Z", 1), Row("b", "2025-01-02T00:00:00Z", 2), Row("c", "2025-01-02T00:00:00Z", 3))).ExpectAsync(201)).GetProperty("series_ids");

        var byKey = (await client.GetAsync("/values?series_key=a&series_key=c").ExpectAsync(200)).Data();
        var byId = (await client.GetAsync($"/values?series_id={ids.Id("b")}&series_id={ids.Id("c")}").ExpectAsync(200)).Data();
        var unknown = await client.GetAsync("/values?series_key=nope").ExpectAsync(200);

        Assert.That(byKey.Select(r => r.Str("series_key")), Is.EqualTo(new[] { "a", "c" }));
        Assert.That(byId.Select(r => r.Str("series_key")), Is.EqualTo(new[] { "b", "c" }));
        Assert.That(unknown.GetProperty("count").GetInt64(), Is.Zero);
    }

    [Test]
    public async Task Overlapping_ReturnsEveryRevision_OrderedByKnownTimeThenValidTimeThenSeriesKey()
    {
        using var client = Factory.CreateClient();
        await client.UploadAsync(Run("2025-01-01T12:00:00Z", Row("wind", "2025-01-02T00:00:00Z", 2), Row("load", "2025-01-02T00:00:00Z", 20)));
        await client.UploadAsync(Run("2025-01-01T06:00:00Z", Row("wind", "2025-01-02T01:00:00Z", 1.1), Row("wind", "2025-01-02T00:00:00Z", 1)));

        var rows = (await client.GetAsync("/values?mode=overlapping").ExpectAsync(200)).Data();
        Assert.That(Keys(rows), Is.EqualTo("wind@00:00=1,wind@01:00=1.1,load@00:00=20,wind@00:00=2"));
        Assert.That(rows[0].TryGetProperty("value_id", out _), Is.False, "version fields only with all_versions");
        Assert.That(rows.Select(r => r.GetProperty("known_time").GetString()), Is.Ordered);
    }

    [Test]
    public async Task Rows_HaveTheDocumentedFields()
    {
        using var client = Factory.CreateClient();
        await client.UploadAsync(new
        {
            run_start_time = "2025-01-01T00:00:00Z", known_time = "2025-01-01T06:00:00Z", series_units = new { wind = "MW" },
            value_rows = new[] { Row("wind", "2025-01-02T00:00:00Z", 1) },
        });

        var flat = (await client.GetAsync("/values").ExpectAsync(200)).Data().Single();
        var versions = (await client.GetAsync("/values?mode=overlapping&all_versions=true").ExpectAsync(200)).Data().Single();

        Assert.That(flat.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[]
            { "valid_time", "valid_time_end", "series_id", "series_key", "series_unit", "value", "run_id", "known_time", "annotation", "tags" }));
        Assert.That(versions.EnumerateObject().Select(p => p.Name), Is.SupersetOf(new[] { "value_id", "is_current", "changed_by", "change_time" }));
        Assert.Multiple(() =>
        {
            Assert.That(flat.Str("series_unit"), Is.EqualTo("MW"));
            Assert.That(flat.Str("known_time"), Is.EqualTo("2025-01-01T06:00:00Z"));
            Assert.That(versions.GetProperty("is_current").GetBoolean(), Is.True);
        });
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(5000)]
    public async Task StreamedOutput_IsValidJson_WithTheRightCount(int rowCount)
    {
        using var client = Factory.CreateClient();
        var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var rows = Enumerable.Range(0, rowCount).Select(i => Row("wind", start.AddMinutes(i).ToString("O"), i)).ToArray();
        await client.UploadAsync(Run("2025-01-01T00:00:00Z", rows));

        foreach (var mode in new[] { "flat", "overlapping" })
        {
            var body = await client.GetAsync($"/values?mode={mode}").ExpectAsync(200);
            Assert.That(body.GetProperty("count").GetInt64(), Is.EqualTo(rowCount));
            Assert.That(body.Data(), Has.Count.EqualTo(rowCount));
        }
    }
}
