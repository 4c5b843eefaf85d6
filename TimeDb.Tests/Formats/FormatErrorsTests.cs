using System.Text.Json;
using TimeDb.Tests.Support;
using static TimeDb.Tests.Support.Uploads;

namespace TimeDb.Tests.Formats;

/// <summary>
/// A client that asks for CSV or Arrow and meets an error still gets the problem as JSON (application/problem+json),
/// whether the error comes from a middleware, from the read's query before the answer starts, or from MVC.
/// </summary>
public sealed class FormatErrorsTests : DatabaseTest
{
    private static readonly string[] Asks = ["text/csv", "application/vnd.apache.arrow.stream"];

    private static async Task<JsonElement> ExpectProblemAsync(ReadAnswer answer, int status)
    {
        Assert.That(answer.Status, Is.EqualTo(status), answer.Text);
        Assert.That(answer.ContentType, Does.StartWith("application/problem+json"));
        TestContext.Out.WriteLine(answer.Text);
        using var document = JsonDocument.Parse(answer.Body);
        return document.RootElement.Clone();
    }

    [TestCaseSource(nameof(Asks))]
    public async Task ReadOverTheRowLimit_AskingForCsvOrArrow_Is422WithAProblemBody(string accept)
    {
        await using var factory = new ApiFactory(ConnectionString, new Dictionary<string, string> { ["TimeDb:Limits:MaxReadRows"] = "1" });
        using var client = factory.CreateClient();
        await client.UploadAsync(Run("2025-01-01T00:00:00Z", Row("wind", "2025-01-02T00:00:00Z", 1), Row("wind", "2025-01-02T01:00:00Z", 2)));

        var problem = await ExpectProblemAsync(await client.ReadAsync("/values", accept), 422);
        Assert.That(problem.Str("detail"), Does.Contain("more than 1 rows"));
    }

    [TestCaseSource(nameof(Asks))]
    public async Task SchemaMissing_AskingForCsvOrArrow_Is503WithAProblemBody(string accept)
    {
        await using var empty = await TemporaryDatabase.CreateAsync();
        await using var factory = new ApiFactory(empty.ConnectionString);
        using var client = factory.CreateClient();

        var problem = await ExpectProblemAsync(await client.ReadAsync("/values", accept), 503);
        Assert.That(problem.Str("detail"), Does.Contain("timedb create tables"));
    }
}
