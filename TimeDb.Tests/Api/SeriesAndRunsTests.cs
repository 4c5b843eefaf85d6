using TimeDb.Tests.Support;
using static TimeDb.Tests.Support.Uploads;

namespace TimeDb.Tests.Api;

public sealed class SeriesAndRunsTests : DatabaseTest
{
    [Test]
    public async Task CreateSeries_Returns201_AndAnExistingName409NamesTheId()
    {
        using var client = Factory.CreateClient();
        var created = await client.PostJsonAsync("/series", new { name = "price", description = "Day-ahead price", unit = "EUR/MWh" }).ExpectAsync(201);
        var id = created.Id("series_id");
        Assert.That(created.Str("message"), Is.Not.Empty);

        var conflict = await client.PostJsonAsync("/series", new { name = "price" }).ExpectAsync(409);
        Assert.That(conflict.Str("detail"), Does.Contain(id.ToString()));
        Assert.That(await CountAsync("series"), Is.EqualTo(1));
    }

    [Test]
    public async Task ListSeries_AndListTimeseries_ShowEverySeries()
    {
        using var client = Factory.CreateClient();
        await client.PostJsonAsync("/series", new { name = "b-series" }).ExpectAsync(201);
        var a = (await client.PostJsonAsync("/series", new { name = "a-series", description = "first", unit = "MW" }).ExpectAsync(201)).Id("series_id");

        var list = await client.GetAsync("/series").ExpectAsync(200);
        Assert.That(list.EnumerateArray().Select(s => s.Str("series_key")), Is.EqualTo(new[] { "a-series", "b-series" }));
        Assert.That(list[1].Str("unit"), Is.EqualTo("dimensionless"));

        var map = await client.GetAsync("/list_timeseries").ExpectAsync(200);
        var entry = map.GetProperty(a.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(entry.Str("series_key"), Is.EqualTo("a-series"));
            Assert.That(entry.Str("description"), Is.EqualTo("first"));
            Assert.That(entry.Str("unit"), Is.EqualTo("MW"));
            Assert.That(map.EnumerateObject().Count(), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task ListRuns_FiltersByWorkflowAndHalfOpenTimeRange_AndLimits()
    {
        using var client = Factory.CreateClient();
        foreach (var (start, workflow) in new[] { ("2025-01-01T00:00:00Z", "a"), ("2025-01-02T00:00:00Z", "a"), ("2025-01-03T00:00:00Z", "b") })
        {
            await client.UploadAsync(new { run_start_time = start, workflow_id = workflow, value_rows = new[] { Row("x", start, 1) } });
        }

        var all = await client.GetAsync("/runs").ExpectAsync(200);
        var onlyA = await client.GetAsync("/runs?workflow_id=a").ExpectAsync(200);
        var range = await client.GetAsync("/runs?start_time=2025-01-02T00:00:00Z&end_time=2025-01-03T00:00:00Z").ExpectAsync(200);
        var limited = await client.GetAsync("/runs?limit=1").ExpectAsync(200);

        Assert.Multiple(() =>
        {
            Assert.That(all.EnumerateArray().Select(r => r.Str("run_start_time")[..10]), Is.EqualTo(new[] { "2025-01-03", "2025-01-02", "2025-01-01" }));
            Assert.That(onlyA.GetArrayLength(), Is.EqualTo(2));
            Assert.That(range.EnumerateArray().Single().Str("run_start_time"), Is.EqualTo("2025-01-02T00:00:00Z"));
            Assert.That(limited.EnumerateArray().Single().Str("workflow_id"), Is.EqualTo("b"));
        });
    }

    [Test]
    public async Task GetRun_Unknown_Is404Problem()
    {
        using var client = Factory.CreateClient();
        var problem = await client.GetAsync($"/runs/{Guid.NewGuid()}").ExpectAsync(404);
        Assert.That(problem.Str("detail"), Does.Contain("does not exist"));
    }
}
