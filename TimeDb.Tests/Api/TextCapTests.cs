using System.Net;
using System.Text.Json.Nodes;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Api;

/// <summary>
/// SPEC §9's text caps: every capped field is accepted at its cap and refused one character beyond it with a
/// 400 naming the field and the cap, and a refused request stores nothing (checked in the database).
/// </summary>
public sealed class TextCapTests : AuthenticatedApiTest
{
    private const string ValidTime = "2025-01-01T00:00:00Z";

    /// <summary>An upload of one row of series <paramref name="key"/>, with every capped field given.</summary>
    private static JsonObject Upload(string key, string unit, string description, string workflowId, JsonNode runParams) => new()
    {
        ["run_start_time"] = ValidTime,
        ["workflow_id"] = workflowId,
        ["run_params"] = runParams,
        ["series_units"] = new JsonObject { [key] = unit },
        ["series_descriptions"] = new JsonObject { [key] = description },
        ["value_rows"] = new JsonArray(new JsonObject { ["valid_time"] = ValidTime, ["value_key"] = key, ["value"] = 1.5 }),
    };

    private static JsonObject UploadAtCaps() =>
        Upload(new string('k', 256), new string('<', 64), new string('d', 4096), new string('w', 256), RunParams(depth: 16, bytes: 65_536));

    /// <summary>
    /// run_params <paramref name="depth"/> objects deep whose compact JSON is exactly <paramref name="bytes"/> long
    /// (the caller sends it compact, as System.Text.Json writes it).
    /// </summary>
    private static JsonObject RunParams(int depth, int bytes)
    {
        JsonObject Build(string pad)
        {
            var inner = new JsonObject { ["pad"] = pad };
            for (var level = 1; level < depth; level++)
            {
                inner = new JsonObject { ["a"] = inner };
            }

            return inner;
        }

        var overhead = Build("").ToJsonString().Length;
        var built = Build(new string('x', bytes - overhead));
        Assert.That(System.Text.Encoding.UTF8.GetByteCount(built.ToJsonString()), Is.EqualTo(bytes));
        return built;
    }

    private static IEnumerable<TestCaseData> UploadsOverACap()
    {
        foreach (var path in new[] { "/runs", "/upload" })
        {
            yield return Case(path, "value_key", "value_rows[0].value_key", 256, b => b["value_rows"]![0]!["value_key"] = new string('k', 257));
            yield return Case(path, "a unit", "series_units", 64, b => b["series_units"] = new JsonObject { [new string('k', 256)] = new string('<', 65) });
            yield return Case(path, "a description", "series_descriptions", 4096,
                b => b["series_descriptions"] = new JsonObject { [new string('k', 256)] = new string('d', 4097) });
            yield return Case(path, "workflow_id", "workflow_id", 256, b => b["workflow_id"] = new string('w', 257));
            yield return Case(path, "run_params size", "run_params", 65536, b => b["run_params"] = RunParams(depth: 1, bytes: 65_537));
            yield return Case(path, "run_params depth", "run_params", 16, b => b["run_params"] = RunParams(depth: 17, bytes: 200));
        }

        static TestCaseData Case(string path, string what, string field, int cap, Action<JsonObject> change) =>
            new TestCaseData(path, field, cap, change).SetName($"Upload_{what.Replace(' ', '_')}_OverItsCap_Is400NamingItAndTheCap_AndStoresNothing({path})");
    }

    [Test]
    public async Task Upload_EveryCappedFieldAtItsCap_IsStoredWhole()
    {
        using var client = ClientFor(A);
        var answer = await client.PostRawAsync("/runs", UploadAtCaps().ToJsonString()).ExpectAsync(201);

        Assert.That(answer.Num("rows_inserted"), Is.EqualTo(1));
        Assert.That(await ScalarAsync<int>("SELECT char_length(series_key) FROM series"), Is.EqualTo(256));
        Assert.That(await ScalarAsync<string>("SELECT series_unit FROM series"), Is.EqualTo(new string('<', 64)));
        Assert.That(await ScalarAsync<int>("SELECT char_length(description) FROM series"), Is.EqualTo(4096));
        Assert.That(await ScalarAsync<int>("SELECT char_length(workflow_id) FROM runs"), Is.EqualTo(256));
        Assert.That(await ScalarAsync<int>("SELECT char_length(run_params #>> '{a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,pad}') FROM runs"), Is.GreaterThan(65_000));
    }

    [TestCaseSource(nameof(UploadsOverACap))]
    public async Task Upload_OverACap_Is400NamingTheFieldAndTheCap_AndStoresNothing(string path, string field, int cap, Action<JsonObject> change)
    {
        using var client = ClientFor(A);
        var body = UploadAtCaps();
        change(body);

        var problem = await client.PostRawAsync(path, body.ToJsonString()).ExpectAsync(400);

        AssertNamesCap(problem, field, cap);
        await AssertNothingStoredAsync();
    }

    [Test]
    public async Task Upload_RunParamsOverItsSize_IsRefusedBeforeItIsAllRead()
    {
        using var client = ClientFor(A);
        var huge = "{\"run_start_time\":\"2025-01-01T00:00:00Z\",\"run_params\":{\"pad\":\"" + new string('x', 8 * 1024 * 1024) + "\"},\"value_rows\":[]}";

        var problem = await client.PostRawAsync("/runs", huge).ExpectAsync(400);

        AssertNamesCap(problem, "run_params", 65536);
        await AssertNothingStoredAsync();
    }

    [Test]
    public async Task CreateSeries_AtTheCaps_Is201()
    {
        using var client = ClientFor(A);
        await client.PostJsonAsync("/series", new { name = new string('n', 256), description = new string('d', 4096), unit = new string('<', 64) }).ExpectAsync(201);

        Assert.That(await ScalarAsync<int>("SELECT char_length(series_key) + char_length(description) + char_length(series_unit) FROM series"), Is.EqualTo(256 + 4096 + 64));
    }

    [TestCase("name", 256)]
    [TestCase("description", 4096)]
    [TestCase("unit", 64)]
    public async Task CreateSeries_FieldOverItsCap_Is400NamingItAndTheCap_AndStoresNothing(string field, int cap)
    {
        using var client = ClientFor(A);
        var body = new JsonObject { ["name"] = "wind", ["description"] = "d", ["unit"] = "MW" };
        body[field] = new string('<', cap + 1);

        var problem = await client.PostRawAsync("/series", body.ToJsonString()).ExpectAsync(400);

        AssertNamesCap(problem, field, cap);
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM series"), Is.Zero);
    }

    [Test]
    public async Task Caps_CountCharacters_NotUtf16UnitsOrBytes()
    {
        using var client = ClientFor(A);
        // 64 emoji are 128 UTF-16 units and 256 UTF-8 bytes: still 64 characters.
        var emoji = string.Concat(Enumerable.Repeat("\U0001F600", 64));

        await client.PostJsonAsync("/series", new { name = "smiles", unit = emoji }).ExpectAsync(201);
        var problem = await client.PostJsonAsync("/series", new { name = "more-smiles", unit = emoji + "\U0001F600" }).ExpectAsync(400);

        AssertNamesCap(problem, "unit", 64);
        Assert.That(await ScalarAsync<int>("SELECT char_length(series_unit) FROM series"), Is.EqualTo(64));
    }

    [Test]
    public async Task UpdateValues_AnnotationAndTagsAtTheirCaps_AreStored()
    {
        using var client = ClientFor(A);
        var (runId, seriesId) = await UploadOneAsync(client);
        var tags = Enumerable.Range(0, 32).Select(i => $"{i:D2}" + new string('t', 62)).ToArray();

        await client.PutJsonAsync("/values", new { updates = new[] { new { run_id = runId, series_id = seriesId, valid_time = ValidTime, annotation = new string('<', 4096), tags } } })
            .ExpectAsync(200);

        Assert.That(await ScalarAsync<int>("SELECT char_length(annotation) FROM \"values\" WHERE is_current"), Is.EqualTo(4096));
        Assert.That(await ScalarAsync<int>("SELECT cardinality(tags) FROM \"values\" WHERE is_current"), Is.EqualTo(32));
    }

    private static IEnumerable<TestCaseData> UpdatesOverACap()
    {
        yield return new TestCaseData("annotation", 4096, (object)new { annotation = new string('<', 4097) }).SetName("UpdateValues_AnnotationOverItsCap_Is400_AndChangesNothing");
        yield return new TestCaseData("tags", 32, (object)new { tags = Enumerable.Range(0, 33).Select(i => $"tag{i}").ToArray() })
            .SetName("UpdateValues_33Tags_Is400_AndChangesNothing");
        yield return new TestCaseData("tags", 64, (object)new { tags = new[] { "ok", new string('t', 65) } }).SetName("UpdateValues_ATagOverItsCap_Is400_AndChangesNothing");
    }

    [TestCaseSource(nameof(UpdatesOverACap))]
    public async Task UpdateValues_OverACap_Is400NamingTheFieldAndTheCap_AndChangesNothing(string field, int cap, object change)
    {
        using var client = ClientFor(A);
        var (runId, seriesId) = await UploadOneAsync(client);
        var update = new JsonObject { ["run_id"] = runId.ToString(), ["series_id"] = seriesId.ToString(), ["valid_time"] = ValidTime };
        foreach (var (name, value) in System.Text.Json.JsonSerializer.SerializeToNode(change)!.AsObject())
        {
            update[name] = value?.DeepClone();
        }

        var problem = await client.PutRawAsync("/values", new JsonObject { ["updates"] = new JsonArray(update) }.ToJsonString()).ExpectAsync(400);

        AssertNamesCap(problem, $"updates[0].{field}", cap);
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM \"values\""), Is.EqualTo(1), "no new version");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM \"values\" WHERE annotation IS NOT NULL OR tags IS NOT NULL"), Is.Zero);
    }

    [Test]
    public async Task CreateKey_NameAtItsCap_Is201_OneMore_Is400AndNoKeyIsMade()
    {
        var user = await CreateUserAsync(A.TenantId, $"caps-{Guid.NewGuid():N}@example.com", "unlimited");
        using var client = ClientFor(user);
        var keysOfUser = $"SELECT count(*) FROM api_keys WHERE user_id = '{user.UserId}'";
        var before = await ScalarAsync<long>(keysOfUser);

        var created = await client.PostJsonAsync("/keys", new { name = new string('<', 128) }).ExpectAsync(201);
        var problem = await client.PostJsonAsync("/keys", new { name = new string('<', 129) }).ExpectAsync(400);

        Assert.That(created.Str("name"), Is.EqualTo(new string('<', 128)));
        AssertNamesCap(problem, "name", 128);
        Assert.That(await ScalarAsync<long>(keysOfUser), Is.EqualTo(before + 1));
    }

    [Test]
    public async Task TextStoredBeforeTheCaps_StillReadsBack()
    {
        using var client = ClientFor(A);
        await UploadOneAsync(client);
        // As if stored by a version without caps: longer than any cap allows now.
        await Sql.ExecuteAsync(Dsn, "UPDATE series SET series_unit = repeat('u', 1000), description = repeat('d', 10000)");
        await Sql.ExecuteAsync(Dsn, "UPDATE \"values\" SET annotation = repeat('a', 10000), tags = array(SELECT 'tag' || i FROM generate_series(1, 50) i)");

        var values = await client.GetAsync("/values").ExpectAsync(200);
        var series = await client.GetAsync("/series").ExpectAsync(200);

        var row = values.Data().Single();
        Assert.That(row.Str("series_unit"), Has.Length.EqualTo(1000));
        Assert.That(row.Str("annotation"), Has.Length.EqualTo(10000));
        Assert.That(row.GetProperty("tags").GetArrayLength(), Is.EqualTo(50));
        Assert.That(series[0].Str("description"), Has.Length.EqualTo(10000));
    }

    [Test]
    public async Task Answers_WriteHtmlCharactersAndNonAscii_AsThemselves_WithNoSniff()
    {
        using var client = ClientFor(A);
        const string text = "<b>&'é€</b>";
        var body = Upload("wind<1>", text, text, "wf", new JsonObject { ["model"] = text });
        await client.PostRawAsync("/runs", body.ToJsonString()).ExpectAsync(201);

        // The streamed values, an MVC answer and a problem answer (409, written by the exception handler).
        using var values = await client.GetAsync("/values");
        using var series = await client.GetAsync("/series");
        using var conflict = await client.PostJsonAsync("/series", new { name = "wind<1>" });

        Assert.That(conflict.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        foreach (var (answer, expected) in new[] { (values, $"\"series_unit\":\"{text}\""), (series, $"\"unit\":\"{text}\""), (conflict, "'wind<1>'") })
        {
            var raw = await answer.Content.ReadAsStringAsync();
            Assert.That(raw, Does.Contain(expected).And.Not.Contain("\\u"), raw);
            Assert.That(answer.Content.Headers.ContentType?.MediaType, Is.AnyOf("application/json", "application/problem+json"));
            Assert.That(answer.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }));
        }
    }

    private static async Task<(Guid RunId, Guid SeriesId)> UploadOneAsync(HttpClient client)
    {
        var answer = await client.PostJsonAsync("/runs", Uploads.Run(ValidTime, Uploads.Row("wind", ValidTime, 1))).ExpectAsync(201);
        return (answer.Id("run_id"), answer.GetProperty("series_ids").GetProperty("wind").GetGuid());
    }

    private static void AssertNamesCap(System.Text.Json.JsonElement problem, string field, int cap)
    {
        var capText = cap.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out var messages), Is.True, $"errors name {field}: {problem}");
        Assert.That(messages.EnumerateArray().Select(m => m.GetString()), Has.Some.Contains(capText), problem.ToString());
        Assert.That(problem.Str("detail"), Does.Contain(capText));
    }

    private async Task AssertNothingStoredAsync() =>
        Assert.That(await ScalarAsync<long>("SELECT (SELECT count(*) FROM runs) + (SELECT count(*) FROM series) + (SELECT count(*) FROM \"values\")"), Is.Zero);

    private Task<T?> ScalarAsync<T>(string sql) => Sql.ScalarAsync<T>(Dsn, sql);
}
