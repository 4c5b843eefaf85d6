using Microsoft.Extensions.DependencyInjection;
using TimeDb.Domain.Entities;
using TimeDb.Domain.Tenancy;
using TimeDb.Infrastructure.Persistence;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Api;

/// <summary>
/// The upload's binary COPY must store exactly what the ordinary EF Core path would store for the same
/// rows: same types, same defaults, same time zone handling, same nulls. Checked both in the table and
/// through the API's read.
/// </summary>
public sealed class CopyPathTests : DatabaseTest
{
    private static readonly DateTimeOffset Known = new(2025, 3, 1, 6, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task CopyPathAndEfPath_StoreIdenticalRows()
    {
        var copyTenant = Guid.NewGuid();
        var efTenant = Guid.NewGuid();
        using var client = Factory.CreateClient();
        await client.UploadAsync(new
        {
            tenant_id = copyTenant,
            run_start_time = "2025-03-01T05:30:00+01:00",
            known_time = "2025-03-01T07:00:00+01:00",
            value_rows = new object[]
            {
                Uploads.Row("wind", "2025-03-02T00:00:00Z", 1.25),
                Uploads.Row("wind", "2025-03-02T02:00:00+01:00", null),
                Uploads.Row("solar", "2025-03-02T00:00:00", -0.5, validTimeEnd: "2025-03-02T00:15:00Z"),
                Uploads.Row("solar", "2025-03-02T00:15:00Z", 1e-300),
            },
        });
        await InsertWithEfAsync(efTenant);

        var copied = await StoredRowsAsync(copyTenant);
        var viaEf = await StoredRowsAsync(efTenant);
        Assert.That(copied, Has.Count.EqualTo(4));
        Assert.That(copied, Is.EqualTo(viaEf));

        var readCopied = await ReadAsync(client, copyTenant);
        var readEf = await ReadAsync(client, efTenant);
        Assert.That(readCopied, Is.EqualTo(readEf));
    }

    private async Task InsertWithEfAsync(Guid tenant)
    {
        using var scope = Factory.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<ITenantContext>().SetScope(TenantScope.Of(tenant));
        var db = scope.ServiceProvider.GetRequiredService<TimeDbContext>();
        var run = new Run { RunId = Guid.CreateVersion7(), TenantId = tenant, RunStartTime = Known.AddMinutes(-30), KnownTime = Known, InsertedAt = DateTimeOffset.UtcNow };
        var wind = new Series { SeriesId = Guid.NewGuid(), TenantId = tenant, SeriesKey = "wind", CreatedAt = DateTimeOffset.UtcNow };
        var solar = new Series { SeriesId = Guid.NewGuid(), TenantId = tenant, SeriesKey = "solar", CreatedAt = DateTimeOffset.UtcNow };
        ValueVersion Value(Series series, DateTimeOffset validTime, double? value, DateTimeOffset? end = null) => new()
        {
            RunId = run.RunId, TenantId = tenant, SeriesId = series.SeriesId, ValidTime = validTime, ValidTimeEnd = end, Value = value,
            KnownTime = Known, ChangeTime = DateTimeOffset.UtcNow,
        };

        db.AddRange(run, wind, solar);
        db.AddRange(
            Value(wind, new DateTimeOffset(2025, 3, 2, 0, 0, 0, TimeSpan.Zero), 1.25),
            Value(wind, new DateTimeOffset(2025, 3, 2, 1, 0, 0, TimeSpan.Zero), null),
            Value(solar, new DateTimeOffset(2025, 3, 2, 0, 0, 0, TimeSpan.Zero), -0.5, new DateTimeOffset(2025, 3, 2, 0, 15, 0, TimeSpan.Zero)),
            Value(solar, new DateTimeOffset(2025, 3, 2, 0, 15, 0, TimeSpan.Zero), 1e-300));
        await db.SaveChangesAsync();
    }

    private static async Task<List<string>> StoredRowsAsync(Guid tenant) =>
        await Sql.ColumnAsync(ConnectionString, $"""
            SELECT ROW(s.series_key, s.series_unit, v.valid_time, v.valid_time_end, v.value::text, v.known_time,
                   v.annotation, v.tags::text, v.is_current, v.changed_by, v.change_time IS NOT NULL, r.known_time, r.workflow_id)::text
            FROM "values" v JOIN series s USING (series_id) JOIN runs r USING (run_id)
            WHERE v.tenant_id = '{tenant}'
            ORDER BY s.series_key, v.valid_time
            """);

    private static async Task<List<string>> ReadAsync(HttpClient client, Guid tenant)
    {
        var json = await client.GetAsync($"/values?mode=overlapping&all_versions=true&tenant_id={tenant}").ExpectAsync(200);
        return json.Data().Select(row =>
        {
            var fields = row.EnumerateObject()
                .Where(p => p.Name is not ("series_id" or "run_id" or "value_id" or "change_time"))
                .Select(p => $"{p.Name}={p.Value.GetRawText()}");
            return string.Join(',', fields);
        }).ToList();
    }
}
