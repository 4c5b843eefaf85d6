using TimeDb.Tests.Support;
using static TimeDb.Tests.Support.Uploads;

namespace TimeDb.Tests.Api;

public sealed class UploadTests : DatabaseTest
{
    [Test]
    public async Task Upload_Returns201_WithLocationAndTheDocumentedBody()
    {
        using var client = Factory.CreateClient();
        using var response = await client.PostJsonAsync("/runs", Run("2025-01-01T06:00:00Z",
            Row("wind", "2025-01-02T00:00:00Z", 1.5), Row("wind", "2025-01-02T01:00:00Z", 2), Row("solar", "2025-01-02T00:00:00Z", 3)));
        var body = await response.JsonAsync();

        Assert.That((int)response.StatusCode, Is.EqualTo(201));
        var runId = body.Id("run_id");
        Assert.Multiple(() =>
        {
            Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/runs/{runId}"));
            Assert.That(body.GetProperty("rows_inserted").GetInt64(), Is.EqualTo(3));
            Assert.That(body.Str("message"), Is.Not.Empty);
            Assert.That(body.GetProperty("series_ids").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "wind", "solar" }));
        });
    }

    [Test]
    public async Task UploadAlias_HasTheSameContract()
    {
        using var client = Factory.CreateClient();
        var body = await client.PostJsonAsync("/upload", Run("2025-01-01T00:00:00Z", Row("wind", "2025-01-02T00:00:00Z", 1))).ExpectAsync(201);
        Assert.That(body.GetProperty("rows_inserted").GetInt64(), Is.EqualTo(1));
        Assert.That(await CountAsync("values"), Is.EqualTo(1));
    }

    [Test]
    public async Task Upload_SameValueKeyAgain_ReusesTheSeries()
    {
        using var client = Factory.CreateClient();
        var first = await client.PostJsonAsync("/runs", Run("2025-01-01T00:00:00Z", Row("wind", "2025-01-02T00:00:00Z", 1))).ExpectAsync(201);
        var second = await client.PostJsonAsync("/runs", Run("2025-01-01T01:00:00Z", Row("wind", "2025-01-02T00:00:00Z", 2))).ExpectAsync(201);

        Assert.That(second.GetProperty("series_ids").Id("wind"), Is.EqualTo(first.GetProperty("series_ids").Id("wind")));
        Assert.That(await CountAsync("series"), Is.EqualTo(1));
    }

    [Test]
    public async Task Upload_StoresRunFieldsAndSeriesMetadata()
    {
        using var client = Factory.CreateClient();
        var runId = await client.UploadAsync(new
        {
            run_start_time = "2025-01-01T00:00:00",
            run_finish_time = "2025-01-01T00:10:00+01:00",
            known_time = "2025-01-01T05:00:00Z",
            workflow_id = "ec-forecast",
            run_params = new { model = "ecmwf", members = 51 },
            series_descriptions = new { wind = "Wind power, farm A" },
            series_units = new { wind = "MW" },
            value_rows = new[] { Row("wind", "2025-01-02T00:00:00Z", 10) },
        });

        var run = await client.GetAsync($"/runs/{runId}").ExpectAsync(200);
        Assert.Multiple(() =>
        {
            Assert.That(run.Str("workflow_id"), Is.EqualTo("ec-forecast"));
            Assert.That(run.Str("run_start_time"), Is.EqualTo("2025-01-01T00:00:00Z"), "a time without offset is UTC");
            Assert.That(run.Str("run_finish_time"), Is.EqualTo("2024-12-31T23:10:00Z"), "returned in UTC");
            Assert.That(run.Str("known_time"), Is.EqualTo("2025-01-01T05:00:00Z"));
            Assert.That(run.GetProperty("run_params").GetProperty("members").GetInt32(), Is.EqualTo(51));
            Assert.That(run.Id("tenant_id"), Is.EqualTo(Guid.Empty), "single-user mode stores under the all-zero tenant");
        });

        var series = await client.GetAsync("/series").ExpectAsync(200);
        var wind = series.EnumerateArray().Single();
        Assert.That(wind.Str("description"), Is.EqualTo("Wind power, farm A"));
        Assert.That(wind.Str("unit"), Is.EqualTo("MW"));
    }

    [Test]
    public async Task Upload_WithoutKnownTime_UsesTheTimeOfInsert()
    {
        using var client = Factory.CreateClient();
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        var runId = await client.UploadAsync(new { run_start_time = "2025-01-01T00:00:00Z", value_rows = new[] { Row("wind", "2025-01-02T00:00:00Z", 1) } });

        var run = await client.GetAsync($"/runs/{runId}").ExpectAsync(200);
        var known = DateTimeOffset.Parse(run.Str("known_time"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(known, Is.InRange(before, DateTimeOffset.UtcNow.AddSeconds(5)));
        Assert.That(run.Str("workflow_id"), Is.EqualTo("api-workflow"));
    }

    [Test]
    public async Task Upload_IntervalAndNullValues_AreStoredAsSent()
    {
        using var client = Factory.CreateClient();
        await client.UploadAsync(Run("2025-01-01T00:00:00Z",
            Row("energy", "2025-01-02T00:00:00Z", 5, "2025-01-02T01:00:00Z"), Row("energy", "2025-01-02T01:00:00Z", null, "2025-01-02T02:00:00Z")));

        var rows = (await client.GetAsync("/values").ExpectAsync(200)).Data();
        Assert.That(rows, Has.Count.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That(rows[0].Str("valid_time_end"), Is.EqualTo("2025-01-02T01:00:00Z"));
            Assert.That(rows[0].Num("value"), Is.EqualTo(5));
            Assert.That(rows[1].Num("value"), Is.Null);
        });
    }

    [Test]
    public async Task Upload_WithOwnSeriesId_MatchingItsKey_IsAccepted()
    {
        using var client = Factory.CreateClient();
        var created = await client.PostJsonAsync("/series", new { name = "load", unit = "MW" }).ExpectAsync(201);
        var seriesId = created.Id("series_id");

        var body = await client.PostJsonAsync("/runs", new
        {
            run_start_time = "2025-01-01T00:00:00Z",
            value_rows = new[] { new { value_key = "load", valid_time = "2025-01-02T00:00:00Z", value = 1.0, series_id = seriesId } },
        }).ExpectAsync(201);
        Assert.That(body.GetProperty("series_ids").Id("load"), Is.EqualTo(seriesId));
    }

    [Test]
    public async Task Upload_SeriesIdOfAnotherKey_Is400_AndStoresNothing()
    {
        using var client = Factory.CreateClient();
        var load = (await client.PostJsonAsync("/series", new { name = "load" }).ExpectAsync(201)).Id("series_id");

        var problem = await client.PostJsonAsync("/runs", new
        {
            run_start_time = "2025-01-01T00:00:00Z",
            value_rows = new[] { new { value_key = "wind", valid_time = "2025-01-02T00:00:00Z", value = 1.0, series_id = load } },
        }).ExpectAsync(400);

        Assert.That(problem.Str("detail"), Does.Contain("'load'").And.Contain("'wind'"));
        Assert.That(await CountAsync("runs") + await CountAsync("values"), Is.Zero);
        Assert.That(await CountAsync("series"), Is.EqualTo(1));
    }

    [Test]
    public async Task Upload_UnknownSeriesId_Is404_AndStoresNothing()
    {
        using var client = Factory.CreateClient();
        var problem = await client.PostJsonAsync("/runs", new
        {
            run_start_time = "2025-01-01T00:00:00Z",
            value_rows = new[] { new { value_key = "wind", valid_time = "2025-01-02T00:00:00Z", value = 1.0, series_id = Guid.NewGuid() } },
        }).ExpectAsync(404);

        Assert.That(problem.Str("detail"), Does.Contain("series_id"));
        Assert.That(await CountAsync("runs") + await CountAsync("series") + await CountAsync("values"), Is.Zero);
    }

    [Test]
    public async Task Upload_SingleUserMode_StoresUnderTheBodysTenant_AndReadsCanNarrowToIt()
    {
        using var client = Factory.CreateClient();
        var tenantA = Guid.NewGuid();
        await client.UploadAsync(new { tenant_id = tenantA, run_start_time = "2025-01-01T00:00:00Z", value_rows = new[] { Row("wind", "2025-01-02T00:00:00Z", 1) } });
        await client.UploadAsync(Run("2025-01-01T00:00:00Z", Row("wind", "2025-01-02T00:00:00Z", 2)));

        Assert.That((await client.GetAsync("/values").ExpectAsync(200)).Data(), Has.Count.EqualTo(2), "every tenant without a filter");
        var narrowed = (await client.GetAsync($"/values?tenant_id={tenantA}").ExpectAsync(200)).Data();
        Assert.That(narrowed.Single().Num("value"), Is.EqualTo(1));
        Assert.That(await CountAsync("series"), Is.EqualTo(2), "a series per tenant");
    }

    [Test]
    public async Task Upload_EmptyValueRows_StoresARunWithoutValues()
    {
        using var client = Factory.CreateClient();
        var body = await client.PostJsonAsync("/runs", new { run_start_time = "2025-01-01T00:00:00Z", value_rows = Array.Empty<object>() }).ExpectAsync(201);
        Assert.That(body.GetProperty("rows_inserted").GetInt64(), Is.Zero);
        Assert.That(await CountAsync("runs"), Is.EqualTo(1));
    }

    [Test]
    public async Task Upload_ValueRowsBeforeTheRunFields_IsStoredTheSame()
    {
        using var client = Factory.CreateClient();
        const string body = """
            {"value_rows":[{"valid_time":"2025-01-02T00:00:00Z","value_key":"wind","value":1.5,"valid_time_end":"2025-01-02T01:00:00Z"}],
             "series_units":{"wind":"MW"},"known_time":"2025-01-01T06:00:00Z","run_start_time":"2025-01-01T00:00:00Z"}
            """;

        var answer = await client.PostRawAsync("/runs", body).ExpectAsync(201);

        Assert.That(answer.Num("rows_inserted"), Is.EqualTo(1));
        var row = (await client.GetAsync("/values").ExpectAsync(200)).Data().Single();
        Assert.Multiple(() =>
        {
            Assert.That(row.Str("known_time"), Is.EqualTo("2025-01-01T06:00:00Z"));
            Assert.That(row.Str("series_unit"), Is.EqualTo("MW"));
            Assert.That(row.Str("valid_time_end"), Is.EqualTo("2025-01-02T01:00:00Z"));
        });
    }

    [Test]
    public async Task Upload_RowsInAnyOrder_AreAllStored_InRecordOrder()
    {
        using var client = Factory.CreateClient();
        var rows = Enumerable.Range(0, 300).Select(i => Row($"k{i % 7}", new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddHours((i * 37) % 300).ToString("O"), i)).ToArray();

        await client.UploadAsync(Run("2025-01-01T00:00:00Z", rows));

        var stored = (await client.GetAsync("/values?mode=overlapping").ExpectAsync(200)).Data();
        Assert.That(stored.Select(r => r.Num("value")), Is.EquivalentTo(Enumerable.Range(0, 300).Select(i => (double?)i)));
    }
}
