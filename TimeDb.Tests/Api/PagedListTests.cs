using TimeDb.Tests.Support;
using static TimeDb.Tests.Support.Uploads;

namespace TimeDb.Tests.Api;

/// <summary>GET /series and GET /runs in pages (SPEC §9): limit, an opaque after cursor and Link: rel="next".</summary>
public sealed class PagedListTests : DatabaseTest
{
    [Test]
    public async Task ListSeries_InPages_CoversEveryRowOnce_AndTheLastPageHasNoLink()
    {
        using var client = Factory.CreateClient();
        // Single-user mode: the same key in two tenants, so the tenant_id tiebreak is needed.
        var other = Guid.NewGuid();
        foreach (var name in new[] { "e", "b", "d", "a", "c" })
        {
            await client.PostJsonAsync("/series", new { name }).ExpectAsync(201);
        }

        await client.PostJsonAsync("/series", new { name = "c", tenant_id = other }).ExpectAsync(201);
        var whole = (await client.GetAsync("/series").ExpectAsync(200)).EnumerateArray().Select(s => s.Str("series_id")).ToList();

        var pages = await PagedList.AllPagesAsync(client, "/series?limit=2");

        Assert.That(pages.Select(p => p.Count), Is.EqualTo(new[] { 2, 2, 2 }));
        Assert.That(pages.SelectMany(p => p).Select(s => s.Str("series_id")), Is.EqualTo(whole), "every series once, in the list's order");
        Assert.That(pages.SelectMany(p => p).Select(s => s.Str("series_key")), Is.EqualTo(new[] { "a", "b", "c", "c", "d", "e" }));
    }

    [Test]
    public async Task ListRuns_InPages_CoversEveryRowOnce_EvenWithEqualStartTimes()
    {
        using var client = Factory.CreateClient();
        var ids = new List<Guid>();
        foreach (var start in new[] { "2025-01-01T00:00:00Z", "2025-01-03T00:00:00Z", "2025-01-02T00:00:00Z", "2025-01-02T00:00:00Z", "2025-01-02T00:00:00Z" })
        {
            ids.Add(await client.UploadAsync(new { run_start_time = start, workflow_id = "w", value_rows = new[] { Row("x", start, 1) } }));
        }

        await client.UploadAsync(new { run_start_time = "2025-01-05T00:00:00Z", workflow_id = "other", value_rows = new[] { Row("x", "2025-01-05T00:00:00Z", 1) } });
        var pages = await PagedList.AllPagesAsync(client, "/runs?workflow_id=w&limit=2");

        var listed = pages.SelectMany(p => p).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(pages.Select(p => p.Count), Is.EqualTo(new[] { 2, 2, 1 }));
            Assert.That(listed.Select(r => r.Id("run_id")), Is.EquivalentTo(ids), "every run of the filter once, the other workflow never");
            Assert.That(listed.Select(r => r.Id("run_id")).Distinct().Count(), Is.EqualTo(5));
            Assert.That(listed.Select(r => r.GetProperty("run_start_time").GetDateTimeOffset()), Is.Ordered.Descending);
        });
    }

    [Test]
    public async Task NextLink_KeepsTheQuery_AndAddsAfter()
    {
        using var client = Factory.CreateClient();
        for (var i = 0; i < 2; i++)
        {
            await client.UploadAsync(new { run_start_time = $"2025-01-0{i + 1}T00:00:00Z", workflow_id = "w", value_rows = new[] { Row("x", "2025-01-01T00:00:00Z", i) } });
        }

        using var first = await client.GetAsync("/runs?workflow_id=w&limit=1");
        var next = PagedList.NextLink(first);
        Assert.That(next, Does.StartWith("/runs?workflow_id=w&limit=1&after="));

        using var last = await client.GetAsync(next!);
        Assert.That(PagedList.NextLink(last), Is.Null, "one run left: the last page announces none");
    }

    [Test]
    public async Task ListRuns_WithoutLimit_ReturnsUpTo1000()
    {
        using var client = Factory.CreateClient();
        await client.UploadAsync(Run("2025-01-01T00:00:00Z", Row("x", "2025-01-01T00:00:00Z", 1)));
        using var response = await client.GetAsync("/runs");
        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(PagedList.NextLink(response), Is.Null);
    }

    [TestCase("/series?limit=10001")]
    [TestCase("/runs?limit=10001")]
    [TestCase("/series?limit=0")]
    [TestCase("/runs?limit=-1")]
    public async Task List_LimitOutOfRange_Returns400NamingTheCap(string url)
    {
        using var client = Factory.CreateClient();
        var problem = await client.GetAsync(url).ExpectAsync(400);
        Assert.That(problem.GetProperty("errors").GetProperty("limit")[0].GetString(), Does.Contain("10000"));
    }

    [TestCase("/series?after=not-a-cursor!")]
    [TestCase("/series?after=Zm9v")] // base64url of "foo": decodes, but is no position in the list
    [TestCase("/runs?after=not-a-cursor!")]
    [TestCase("/runs?after=MXwyfDM")] // "1|2|3" without the separator the server uses
    public async Task List_GarbledCursor_Returns400NamingAfter(string url)
    {
        using var client = Factory.CreateClient();
        var problem = await client.GetAsync(url).ExpectAsync(400);
        Assert.That(problem.Str("detail"), Does.StartWith("after "));
    }

    [Test]
    public async Task ListTimeseries_StreamsEverySeries_InItsShape()
    {
        using var client = Factory.CreateClient();
        // More than one flush of the stream (16 kB) of wide entries.
        var ids = new List<Guid>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add((await client.PostJsonAsync("/series", new { name = $"s{i:D2}", description = new string('d', 1000), unit = "MW" }).ExpectAsync(201)).Id("series_id"));
        }

        var map = await client.GetAsync("/list_timeseries").ExpectAsync(200);

        Assert.That(map.EnumerateObject().Select(p => Guid.Parse(p.Name)), Is.EquivalentTo(ids));
        Assert.That(map.GetProperty(ids[7].ToString()).Str("series_key"), Is.EqualTo("s07"));
        Assert.That(map.GetProperty(ids[7].ToString()).Str("unit"), Is.EqualTo("MW"));
    }

    [Test]
    public async Task TenantIdQueryParameter_Garbled_Returns400()
    {
        using var client = Factory.CreateClient();
        var problem = await client.GetAsync($"/runs/{Guid.NewGuid()}?tenant_id=nope").ExpectAsync(400);
        Assert.That(problem.Str("detail"), Does.Contain("tenant_id"));
    }
}
