using System.Text.Json;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Api;

/// <summary>
/// A day-ahead wind forecast as a forecaster runs it: three model runs with later and later
/// knowledge, then a manual correction of one hour. Every read is checked value by value.
/// </summary>
public sealed class ForecastRevisionScenarioTests : DatabaseTest
{
    private static object Forecast(string knownTime, double h0, double h1, double h2) => new
    {
        run_start_time = knownTime,
        known_time = knownTime,
        workflow_id = "wind-day-ahead",
        series_units = new { wind_farm_a = "MW" },
        value_rows = new[]
        {
            new { value_key = "wind_farm_a", valid_time = "2025-06-02T00:00:00Z", value = h0 },
            new { value_key = "wind_farm_a", valid_time = "2025-06-02T01:00:00Z", value = h1 },
            new { value_key = "wind_farm_a", valid_time = "2025-06-02T02:00:00Z", value = h2 },
        },
    };

    private static string Values(List<JsonElement> rows) => string.Join(" ", rows.Select(r => r.Num("value")));

    [Test]
    public async Task DayAheadForecast_ThreeRunsAndACorrection_ReadEveryWay()
    {
        using var client = Factory.CreateClient();
        var run06 = await client.PostJsonAsync("/runs", Forecast("2025-06-01T06:00:00Z", 10, 11, 12)).ExpectAsync(201);
        await client.UploadAsync(Forecast("2025-06-01T12:00:00Z", 20, 21, 22));
        var run18 = await client.UploadAsync(Forecast("2025-06-01T18:00:00Z", 30, 31, 32));
        var series = run06.GetProperty("series_ids").Id("wind_farm_a");

        // The operator corrects the 01:00 value of the latest run.
        await client.PutJsonAsync("/values", new
        {
            updates = new[] { new { run_id = run18, series_id = series, valid_time = "2025-06-02T01:00:00Z", value = 35.0, annotation = "curtailment", tags = new[] { "manual" } } },
        }).ExpectAsync(200);

        // Flat: latest knowledge per hour, correction included.
        var flat = (await client.GetAsync("/values").ExpectAsync(200)).Data();
        Assert.That(Values(flat), Is.EqualTo("30 35 32"));
        Assert.That(flat[1].Str("annotation"), Is.EqualTo("curtailment"));
        Assert.That(flat.Select(r => r.Str("series_unit")), Has.All.EqualTo("MW"));

        // What was known at 15:00 (before the 18:00 run): the 12:00 run.
        var at15 = (await client.GetAsync("/values?end_known=2025-06-01T15:00:00Z").ExpectAsync(200)).Data();
        Assert.That(Values(at15), Is.EqualTo("20 21 22"));
        Assert.That(at15.Select(r => r.Str("known_time")), Has.All.EqualTo("2025-06-01T12:00:00Z"));

        // Known exactly at 12:00 is excluded by end_known=12:00 (half-open): the 06:00 run.
        var before12 = (await client.GetAsync("/values?end_known=2025-06-01T12:00:00Z").ExpectAsync(200)).Data();
        Assert.That(Values(before12), Is.EqualTo("10 11 12"));

        // Overlapping: every revision, by known_time then valid_time; the correction replaced 31.
        var overlapping = (await client.GetAsync("/values?mode=overlapping").ExpectAsync(200)).Data();
        Assert.That(Values(overlapping), Is.EqualTo("10 11 12 20 21 22 30 35 32"));

        // One hour across all revisions (a backtest of the 01:00 forecast).
        var hour1 = (await client.GetAsync("/values?mode=overlapping&start_valid=2025-06-02T01:00:00Z&end_valid=2025-06-02T02:00:00Z").ExpectAsync(200)).Data();
        Assert.That(Values(hour1), Is.EqualTo("11 21 35"));

        // All versions: the retired 31 is kept for audit, next to the current 35.
        var versions = (await client.GetAsync("/values?mode=overlapping&all_versions=true&start_valid=2025-06-02T01:00:00Z&end_valid=2025-06-02T02:00:00Z").ExpectAsync(200)).Data();
        Assert.That(versions.Select(v => $"{v.Num("value")}:{v.GetProperty("is_current").GetBoolean()}"),
            Is.EqualTo(new[] { "11:True", "21:True", "31:False", "35:True" }));
        var correction = versions.Single(v => v.Num("value") == 35);
        Assert.That(correction.GetProperty("tags")[0].GetString(), Is.EqualTo("manual"));
        Assert.That(correction.Id("run_id"), Is.EqualTo(run18));
    }
}
