using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Microsoft.VisualBasic.FileIO;
using TimeDb.Domain.Time;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Formats;

/// <summary>One answer of a read, as bytes.</summary>
internal sealed record ReadAnswer(int Status, string? ContentType, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);
}

/// <summary>
/// Reads the three answers of <c>GET /values</c> into one comparable shape: a row is the JSON text of its fields in
/// order, each as JSON would carry it (times as TimeDB formats them, numbers as doubles, tags as an array), so the
/// rows of JSON, CSV and Arrow answers compare as lists of strings.
/// </summary>
internal static class FormatReaders
{
    private static readonly string[] TimeFields = ["valid_time", "valid_time_end", "known_time", "change_time"];

    private static readonly JsonSerializerOptions Canonical = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<ReadAnswer> ReadAsync(this HttpClient client, string url, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await client.SendAsync(request);
        return new ReadAnswer((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsByteArrayAsync());
    }

    public static async Task<ReadAnswer> ExpectReadAsync(this HttpClient client, string url, string? accept = null)
    {
        var answer = await client.ReadAsync(url, accept);
        Assert.That(answer.Status, Is.EqualTo(200), answer.Text);
        return answer;
    }

    /// <summary>The field names and rows of a JSON answer.</summary>
    public static (string[] Fields, List<string> Rows) FromJson(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        var data = document.RootElement.GetProperty("data").EnumerateArray().ToList();
        Assert.That(document.RootElement.GetProperty("count").GetInt64(), Is.EqualTo(data.Count));
        var fields = data.Count == 0 ? [] : data[0].EnumerateObject().Select(p => p.Name).ToArray();
        return (fields, data.Select(row => Row(row.EnumerateObject().Select(p => (p.Name, FromJson(p.Name, p.Value))))).ToList());
    }

    /// <summary>The records of a CSV answer, read by the BCL's RFC 4180 parser (not the library that wrote them).</summary>
    public static List<string[]> CsvRecords(string text)
    {
        using var parser = new TextFieldParser(new StringReader(text)) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = false };
        parser.SetDelimiters(",");
        var records = new List<string[]>();
        while (!parser.EndOfData)
        {
            records.Add(parser.ReadFields()!);
        }

        return records;
    }

    /// <summary>
    /// The field names and rows of a CSV answer, in the shape of <see cref="FromJson(byte[])"/>: an empty field is null,
    /// value a double, value_id and count integers, is_current a boolean, tags the JSON array their text holds.
    /// </summary>
    public static (string[] Fields, List<string> Rows) FromCsv(string text)
    {
        var records = CsvRecords(text);
        Assert.That(records, Is.Not.Empty, "a CSV answer has a header row");
        var fields = records[0];
        var rows = new List<string>();
        foreach (var record in records.Skip(1))
        {
            Assert.That(record, Has.Length.EqualTo(fields.Length), $"CSV record {rows.Count + 1} has as many fields as the header");
            rows.Add(Row(fields.Select((name, i) => (name, FromCsv(name, record[i])))));
        }

        return (fields, rows);
    }

    /// <summary>The header and rows of an Arrow IPC stream, read by the Apache.Arrow .NET reader, and its batch sizes.</summary>
    public static (Apache.Arrow.Schema Schema, List<int> Batches, List<string> Rows) FromArrow(byte[] body)
    {
        using var reader = new ArrowStreamReader(new MemoryStream(body));
        var batches = new List<int>();
        var rows = new List<string>();
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            using (batch)
            {
                batches.Add(batch.Length);
                for (var i = 0; i < batch.Length; i++)
                {
                    rows.Add(Row(batch.Schema.FieldsList.Select((f, c) => (f.Name, FromArrow(batch.Column(c), i)))));
                }
            }
        }

        return (reader.Schema, batches, rows);
    }

    /// <summary>The JSON that the independent decoder (decode.mjs, apache-arrow on node) printed, as rows.</summary>
    public static List<string> FromNodeDecoder(JsonElement decoded) =>
        decoded.GetProperty("rows").EnumerateArray()
            .Select(row => Row(row.EnumerateObject().Select(p => (p.Name, FromNode(p.Name, p.Value)))))
            .ToList();

    /// <summary>One row in the comparable shape: the JSON text of its fields, in the order given.</summary>
    public static string Row(IEnumerable<(string Name, object? Value)> fields)
    {
        var row = new Dictionary<string, object?>();
        foreach (var (name, value) in fields)
        {
            row.Add(name, value);
        }

        return JsonSerializer.Serialize(row, Canonical);
    }

    private static object? FromJson(string name, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number when name == "value" => value.GetDouble(),
        JsonValueKind.Number => value.GetInt64(),
        JsonValueKind.True or JsonValueKind.False => value.GetBoolean(),
        JsonValueKind.Array => value.EnumerateArray().Select(t => t.GetString()).ToArray(),
        _ => value.GetString(),
    };

    private static object? FromCsv(string name, string field) => field.Length == 0 ? null : name switch
    {
        "value" => double.Parse(field, NumberStyles.Float, CultureInfo.InvariantCulture),
        "value_id" or "count" => long.Parse(field, NumberStyles.Integer, CultureInfo.InvariantCulture),
        "is_current" => bool.Parse(field),
        "tags" => JsonSerializer.Deserialize<string[]>(field),
        _ => field,
    };

    private static object? FromArrow(IArrowArray column, int i)
    {
        if (column.IsNull(i))
        {
            return null;
        }

        return column switch
        {
            TimestampArray times => UtcTimestamp.Format(times.GetTimestamp(i)!.Value),
            DoubleArray values => values.GetValue(i),
            Int64Array ids => ids.GetValue(i),
            BooleanArray flags => flags.GetValue(i),
            StringArray texts => texts.GetString(i),
            ListArray lists => Texts((StringArray)lists.GetSlicedValues(i)),
            _ => throw new AssertionException($"unexpected Arrow column type {column.Data.DataType.Name}"),
        };
    }

    private static string?[] Texts(StringArray texts) => [.. Enumerable.Range(0, texts.Length).Select(i => texts.GetString(i))];

    private static object? FromNode(string name, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        // Timestamps arrive as the raw microseconds since the epoch, int64 as decimal text, a float -0 as "-0".
        JsonValueKind.String when TimeFields.Contains(name) =>
            UtcTimestamp.Format(DateTime.UnixEpoch.AddTicks(long.Parse(value.GetString()!, CultureInfo.InvariantCulture) * 10)),
        JsonValueKind.String when name == "value_id" => long.Parse(value.GetString()!, CultureInfo.InvariantCulture),
        JsonValueKind.String when name == "value" => double.Parse(value.GetString()!, CultureInfo.InvariantCulture),
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.True or JsonValueKind.False => value.GetBoolean(),
        JsonValueKind.Array => value.EnumerateArray().Select(t => t.GetString()).ToArray(),
        _ => value.GetString(),
    };

    /// <summary>What the CSV field of a JSON value is: empty for null, the text of a string, the JSON text of anything else.</summary>
    public static string CsvText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "",
        JsonValueKind.String => value.GetString()!,
        _ => value.GetRawText(),
    };
}

/// <summary>
/// The apache-arrow npm package, run by node on decode.mjs: an Arrow implementation that shares no code with
/// Apache.Arrow for .NET. Its packages are installed by <c>npm ci</c> in TimeDb.Tests/Formats/arrow-decode (.ci/run does it).
/// </summary>
internal static class NodeArrowDecoder
{
    private static string Directory => Path.Combine(RepositoryPaths.Root, "TimeDb.Tests", "Formats", "arrow-decode");

    public static async Task<JsonElement> DecodeAsync(byte[] stream)
    {
        Assert.That(System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "apache-arrow")), Is.True,
            $"the apache-arrow npm package is missing: run 'npm ci' in {Directory} (.ci/run does)");
        var file = Path.Combine(Path.GetTempPath(), $"timedb-arrow-{Guid.NewGuid():N}.arrows");
        await File.WriteAllBytesAsync(file, stream);
        try
        {
            var result = await ProcessRunner.RunAsync("node", [Path.Combine(Directory, "decode.mjs"), file], workingDirectory: Directory);
            Assert.That(result.ExitCode, Is.Zero, $"node decode.mjs failed: {result.Error}");
            using var document = JsonDocument.Parse(result.Out);
            return document.RootElement.Clone();
        }
        finally
        {
            File.Delete(file);
        }
    }
}
