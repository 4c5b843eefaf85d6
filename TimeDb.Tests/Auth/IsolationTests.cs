using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text.Json;
using TimeDb.Tests.Formats;
using TimeDb.Tests.Support;
using static TimeDb.Tests.Support.Uploads;

namespace TimeDb.Tests.Auth;

/// <summary>
/// Tenant B tries every endpoint with tenant A's ids (in path, query and body) and with A's tenant_id:
/// B gets 404 or 403 and never A's data, and A's data is unchanged afterwards.
/// </summary>
public sealed class IsolationTests : AuthenticatedApiTest
{
    private const string ValidTime = "2025-01-02T00:00:00Z";

    private sealed record Seed(Guid RunId, Guid SeriesId, Dictionary<string, string> Snapshot);

    private async Task<Seed> SeedTenantAAsync()
    {
        using var a = ClientFor(A);
        var upload = await a.PostJsonAsync("/runs", new
        {
            run_start_time = "2025-01-01T00:00:00Z", known_time = "2025-01-01T00:00:00Z", workflow_id = "a-secret-workflow",
            value_rows = new[] { Row("a_secret_series", ValidTime, 42) },
        }).ExpectAsync(201);
        return new Seed(upload.Id("run_id"), upload.GetProperty("series_ids").Id("a_secret_series"), await SnapshotAsync());
    }

    private Task<Dictionary<string, string>> SnapshotAsync() => DataSnapshot.TakeAsync(Dsn);

    private static async Task<(int Status, string Body)> CallAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task TenantB_CannotReachTenantAsData_ThroughAnyEndpoint()
    {
        var seed = await SeedTenantAAsync();
        using var b = ClientFor(B);
        var run = seed.RunId;
        var series = seed.SeriesId;

        var expectations = new (string Name, Task<HttpResponseMessage> Call, int Status)[]
        {
            ("GET /runs/{A's run}", b.GetAsync($"/runs/{run}"), 404),
            ("GET /runs?tenant_id=A", b.GetAsync($"/runs?tenant_id={A.TenantId}"), 403),
            ("GET /values?tenant_id=A", b.GetAsync($"/values?tenant_id={A.TenantId}"), 403),
            ("GET /series?tenant_id=A", b.GetAsync($"/series?tenant_id={A.TenantId}"), 403),
            ("GET /list_timeseries?tenant_id=A", b.GetAsync($"/list_timeseries?tenant_id={A.TenantId}"), 403),
            ("PUT /values on A's record", b.PutJsonAsync("/values", new { updates = new[] { new { run_id = run, series_id = series, valid_time = ValidTime, value = 0.0 } } }), 404),
            ("PUT /values with tenant_id=A", b.PutJsonAsync("/values", new { updates = new[] { new { run_id = run, series_id = series, valid_time = ValidTime, value = 0.0, tenant_id = A.TenantId } } }), 403),
            ("POST /runs with A's series_id", b.PostJsonAsync("/runs", new { run_start_time = "2025-01-01T00:00:00Z", value_rows = new[] { new { value_key = "probe", valid_time = ValidTime, value = 1.0, series_id = series } } }), 404),
            ("POST /runs with tenant_id=A", b.PostJsonAsync("/runs", new { tenant_id = A.TenantId, run_start_time = "2025-01-01T00:00:00Z", value_rows = new[] { Row("x", ValidTime, 1) } }), 403),
            ("POST /upload with tenant_id=A", b.PostJsonAsync("/upload", new { tenant_id = A.TenantId, run_start_time = "2025-01-01T00:00:00Z", value_rows = new[] { Row("x", ValidTime, 1) } }), 403),
            ("POST /runs (CSV) with A's series_id", b.PostCsvAsync("/runs?run_start_time=2025-01-01T00:00:00Z", $"valid_time,value_key,value,series_id\n{ValidTime},probe,1,{series}\n"), 404),
            ("POST /upload (CSV) with tenant_id=A", b.PostCsvAsync($"/upload?run_start_time=2025-01-01T00:00:00Z&tenant_id={A.TenantId}", $"valid_time,value_key,value\n{ValidTime},x,1\n"), 403),
            ("POST /runs (Arrow) with A's series_id", b.PostArrowAsync("/runs?run_start_time=2025-01-01T00:00:00Z", ArrowStreams.Write(
            [
                ArrowStreams.Texts("value_key", ["probe"]), ArrowStreams.Doubles("value", [1]), ArrowStreams.Times("valid_time", [ArrowStreams.T(ValidTime)]),
                ArrowStreams.Texts("series_id", [series.ToString()]),
            ])), 404),
            ("POST /upload (Arrow) with tenant_id=A", b.PostArrowAsync($"/upload?run_start_time=2025-01-01T00:00:00Z&tenant_id={A.TenantId}", ArrowStreams.Write(
                [ArrowStreams.Texts("value_key", ["x"]), ArrowStreams.Doubles("value", [1]), ArrowStreams.Times("valid_time", [ArrowStreams.T(ValidTime)])])), 403),
            ("POST /series with tenant_id=A", b.PostJsonAsync("/series", new { name = "x", tenant_id = A.TenantId }), 403),
            ("DELETE /keys/{A's key}", b.DeleteAsync(new Uri($"/keys/{A.KeyId}", UriKind.Relative)), 404),
            ("POST /schema/create (not admin)", b.PostJsonAsync("/schema/create", new { }), 403),
            ("DELETE /schema/delete (not admin)", b.DeleteAsync(new Uri("/schema/delete", UriKind.Relative)), 403),
        };

        foreach (var (name, call, status) in expectations)
        {
            var (actual, body) = await CallAsync(call);
            Assert.That(actual, Is.EqualTo(status), $"{name}: {body}");
            Assert.That(body, Does.Not.Contain("a_secret").And.Not.Contain(A.TenantId.ToString()).Or.Contain("tenant_id does not match"), name);
        }

        // Reads that succeed show B nothing of A.
        foreach (var url in new[] { "/runs", "/values", "/values?mode=overlapping&all_versions=true", $"/values?series_id={series}",
                     "/values?series_key=a_secret_series", "/values?format=csv", "/values?format=arrow&mode=overlapping&all_versions=true",
                     "/series", "/list_timeseries", "/keys" })
        {
            var (status, body) = await CallAsync(b.GetAsync(url));
            Assert.That(status, Is.EqualTo(200), url);
            Assert.That(body, Does.Not.Contain("a_secret").And.Not.Contain(run.ToString()).And.Not.Contain(A.KeyId.ToString()), url);
        }

        Assert.That(await SnapshotAsync(), Is.EqualTo(seed.Snapshot), "A's data is unchanged");
    }

    [Test]
    public async Task TenantB_ReadsNoRowsOfA_InCsvOrArrow()
    {
        var seed = await SeedTenantAAsync();
        using var b = ClientFor(B);

        foreach (var filter in new[] { "", $"&series_id={seed.SeriesId}", "&series_key=a_secret_series", "&mode=overlapping&all_versions=true" })
        {
            var csv = await b.ExpectReadAsync($"/values?format=csv{filter}");
            Assert.That(FormatReaders.CsvRecords(csv.Text), Has.Count.EqualTo(1), $"CSV{filter}: the header alone");
            var (_, _, rows) = FormatReaders.FromArrow((await b.ExpectReadAsync($"/values?format=arrow{filter}")).Body);
            Assert.That(rows, Is.Empty, $"Arrow{filter}");
        }

        using var a = ClientFor(A);
        Assert.That(FormatReaders.FromArrow((await a.ExpectReadAsync("/values?format=arrow")).Body).Rows, Has.Count.EqualTo(1), "A reads its own");
    }

    [Test]
    public async Task SameSeriesKeyInTwoTenants_StaysTwoSeries_AndEachReadsItsOwn()
    {
        using var a = ClientFor(A);
        using var b = ClientFor(B);
        await a.UploadAsync(Run("2025-01-01T00:00:00Z", Row("wind", ValidTime, 1)));
        await b.UploadAsync(Run("2025-01-01T00:00:00Z", Row("wind", ValidTime, 2)));

        Assert.That((await a.GetAsync("/values").ExpectAsync(200)).Data().Single().Num("value"), Is.EqualTo(1));
        Assert.That((await b.GetAsync("/values").ExpectAsync(200)).Data().Single().Num("value"), Is.EqualTo(2));
        Assert.That(await Sql.ScalarAsync<long>(Dsn, "SELECT count(*) FROM series WHERE series_key = 'wind'"), Is.EqualTo(2));
    }

    [Test]
    public async Task OwnTenantIdInTheBody_IsAccepted()
    {
        using var a = ClientFor(A);
        var run = await a.UploadAsync(new { tenant_id = A.TenantId, run_start_time = "2025-01-01T00:00:00Z", value_rows = new[] { Row("w", ValidTime, 1) } });
        var stored = await a.GetAsync($"/runs/{run}").ExpectAsync(200);
        Assert.That(stored.Id("tenant_id"), Is.EqualTo(A.TenantId));
    }

    [Test]
    public async Task UploadsOfAKey_AreStoredUnderItsTenant()
    {
        using var b = ClientFor(B);
        var run = await b.UploadAsync(Run("2025-01-01T00:00:00Z", Row("w", ValidTime, 1)));
        Assert.That(await Sql.ScalarAsync<Guid>(Dsn, $"SELECT tenant_id FROM runs WHERE run_id = '{run}'"), Is.EqualTo(B.TenantId));
        Assert.That(await Sql.ScalarAsync<long>(Dsn, $"SELECT count(*) FROM \"values\" WHERE tenant_id <> '{B.TenantId}'"), Is.Zero);
    }

    [Test]
    public async Task EfQueryFilter_AloneHidesOtherTenants()
    {
        // The catalog services also pass the tenant explicitly; this checks the filter layer on its own.
        using var a = ClientFor(A);
        await a.PostJsonAsync("/series", new { name = "only-a" }).ExpectAsync(201);
        using var scope = Factory.Services.CreateScope();
        // The tenant context, as the API sets it for B's key.
        scope.ServiceProvider.GetRequiredService<TimeDb.Domain.Tenancy.ITenantContext>().SetScope(TimeDb.Domain.Tenancy.TenantScope.Of(B.TenantId));
        var db = scope.ServiceProvider.GetRequiredService<TimeDb.Infrastructure.Persistence.TimeDbContext>();
        Assert.That(db.Series.Count(), Is.Zero, "B's context sees none of A's series");
        Assert.That(db.Series.IgnoreQueryFilters().Count(), Is.EqualTo(1));

        // The write guard refuses to write A's row from B's context.
        var series = db.Series.IgnoreQueryFilters().Single();
        series.Description = "tampered";
        Assert.ThrowsAsync<TimeDb.Domain.Errors.ForbiddenException>(() => db.SaveChangesAsync());
    }
}
