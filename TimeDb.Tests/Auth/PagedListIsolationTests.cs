using TimeDb.Tests.Support;

namespace TimeDb.Tests.Auth;

/// <summary>A cursor is a position, not a permission: used by another tenant it shows only that tenant's rows.</summary>
public sealed class PagedListIsolationTests : AuthenticatedApiTest
{
    [Test]
    public async Task SeriesCursorOfTenantA_UsedByTenantB_ShowsOnlyBsSeries()
    {
        using var a = ClientFor(A);
        using var b = ClientFor(B);
        foreach (var name in new[] { "a1", "a3", "a5" })
        {
            await a.PostJsonAsync("/series", new { name }).ExpectAsync(201);
        }

        foreach (var name in new[] { "a2", "a4" })
        {
            await b.PostJsonAsync("/series", new { name }).ExpectAsync(201);
        }

        using var first = await a.GetAsync("/series?limit=1");
        var next = PagedList.NextLink(first)!;
        var bPages = await PagedList.AllPagesAsync(b, next);
        var aPages = await PagedList.AllPagesAsync(a, next);

        Assert.That(bPages.SelectMany(p => p).Select(s => s.Str("series_key")), Is.EqualTo(new[] { "a2", "a4" }));
        Assert.That(bPages.SelectMany(p => p).Select(s => s.Id("tenant_id")).Distinct(), Is.EqualTo(new[] { B.TenantId }));
        Assert.That(aPages.SelectMany(p => p).Select(s => s.Str("series_key")), Is.EqualTo(new[] { "a3", "a5" }));
    }

    [Test]
    public async Task RunCursorOfTenantA_UsedByTenantB_ShowsOnlyBsRuns()
    {
        using var a = ClientFor(A);
        using var b = ClientFor(B);
        var bRun = await b.UploadAsync(Uploads.Run("2025-01-01T00:00:00Z", Uploads.Row("x", "2025-01-01T00:00:00Z", 1)));
        for (var day = 2; day <= 3; day++)
        {
            await a.UploadAsync(Uploads.Run($"2025-01-0{day}T00:00:00Z", Uploads.Row("x", "2025-01-01T00:00:00Z", 1)));
        }

        using var first = await a.GetAsync("/runs?limit=1");
        var bPages = await PagedList.AllPagesAsync(b, PagedList.NextLink(first)!);

        Assert.That(bPages.SelectMany(p => p).Select(r => r.Id("run_id")), Is.EqualTo(new[] { bRun }));
    }
}
