using TimeDb.Tests.Support;
using static TimeDb.Tests.Support.Uploads;

namespace TimeDb.Tests.Api;

/// <summary>An upload's series_units may not silently disagree with an existing series' unit (issue 13, point 4).</summary>
public sealed class SeriesUnitConflictTests : DatabaseTest
{
    private static object UploadWithUnit(string? unit) => unit is null
        ? new { run_start_time = "2025-01-01T00:00:00Z", value_rows = new[] { Row("power", "2025-01-01T00:00:00Z", 1), Row("other", "2025-01-01T00:00:00Z", 2) } }
        : new
        {
            run_start_time = "2025-01-01T00:00:00Z", series_units = new Dictionary<string, string> { ["power"] = unit },
            value_rows = new[] { Row("power", "2025-01-01T00:00:00Z", 1), Row("other", "2025-01-01T00:00:00Z", 2) },
        };

    [Test]
    public async Task Upload_WithAnotherUnitThanTheExistingSeries_Returns409NamingBoth_AndStoresNothing()
    {
        using var client = Factory.CreateClient();
        await client.PostJsonAsync("/series", new { name = "power", unit = "MW" }).ExpectAsync(201);

        var problem = await client.PostJsonAsync("/runs", UploadWithUnit("kW")).ExpectAsync(409);

        Assert.That(problem.Str("detail"), Does.Contain("'kW'").And.Contain("'MW'").And.Contain("'power'"));
        Assert.That(await CountAsync("runs"), Is.Zero);
        Assert.That(await CountAsync("values"), Is.Zero);
        Assert.That(await CountAsync("series"), Is.EqualTo(1), "the new series 'other' is not created either");
    }

    [TestCase("MW")]
    [TestCase(null)]
    public async Task Upload_WithTheSameUnitOrNone_IsStored(string? unit)
    {
        using var client = Factory.CreateClient();
        await client.PostJsonAsync("/series", new { name = "power", unit = "MW" }).ExpectAsync(201);

        await client.PostJsonAsync("/runs", UploadWithUnit(unit)).ExpectAsync(201);

        Assert.That(await Sql.ScalarAsync<string>(TestEnvironment.AppConnectionString, "SELECT series_unit FROM series WHERE series_key = 'power'"), Is.EqualTo("MW"));
    }

    [Test]
    public async Task Upload_NewSeriesWithUnit_ThenTheSameUnitAgain_IsStored()
    {
        using var client = Factory.CreateClient();
        await client.PostJsonAsync("/runs", UploadWithUnit("kW")).ExpectAsync(201);
        await client.PostJsonAsync("/runs", UploadWithUnit("kW")).ExpectAsync(201);
        await client.PostJsonAsync("/runs", UploadWithUnit("MW")).ExpectAsync(409);
        Assert.That(await CountAsync("runs"), Is.EqualTo(2));
    }
}
