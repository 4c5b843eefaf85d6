using System.Globalization;
using System.Text;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Hostile;

/// <summary>Real ids the corpus aims at: the caller's seeded record, and things of another tenant or user.</summary>
internal sealed record HostileTargets(Guid RunId, Guid SeriesId, string ValidTime, Guid OtherTenant, Guid OtherRunId, Guid OtherKeyId, Guid AdminKeyId);

/// <summary>
/// Generates the hostile-input corpus as cartesian products: every endpoint × generic mutations (size, method,
/// Content-Type), every body endpoint × broken bodies, every body field × the wrong values of its kind, every
/// query parameter × the wrong values of its kind, every path id × non-ids. Each request must be refused.
/// </summary>
internal static class HostileCorpus
{
    private const string Hole = "\u0001HOLE\u0001";
    private const string Other = "{other-tenant}";

    private enum Kind
    {
        Time,
        RequiredTime,
        Number,
        Text,
        NonBlankText,
        RequiredText,
        Guid,
        RequiredGuid,
        Tenant,
        Object,
        StringMap,
        UnitMap,
        Tags,
        Bool,
        Rows,
        Updates,
    }

    private sealed record Field(string Name, Kind Kind, string Valid);

    /// <summary>A JSON body endpoint: its root fields and, for uploads and updates, the fields of the first list item.</summary>
    private sealed record BodyShape(string Endpoint, HttpMethod Method, string Path, Caller Caller, Field[] Root, Field? List = null, Field[]? Item = null);

    public static List<HostileRequest> Generate(HostileTargets t)
    {
        var shapes = Shapes(t);
        var corpus = new List<HostileRequest>();
        corpus.AddRange(EveryEndpoint(t, shapes));
        foreach (var shape in shapes)
        {
            corpus.AddRange(BrokenBodies(shape));
            corpus.AddRange(WrongContentTypes(shape));
            corpus.AddRange(WrongFields(shape, t));
        }

        corpus.AddRange(WrongQueries(t));
        corpus.AddRange(WrongPathIds(t));
        corpus.AddRange(Extremes(t, shapes));
        return corpus;
    }

    private static List<BodyShape> Shapes(HostileTargets t)
    {
        Field[] uploadRoot =
        [
            new("run_start_time", Kind.RequiredTime, "\"2025-01-01T00:00:00Z\""),
            new("run_finish_time", Kind.Time, "null"),
            new("known_time", Kind.Time, "null"),
            new("workflow_id", Kind.NonBlankText, "\"hostile\""),
            new("tenant_id", Kind.Tenant, "null"),
            new("run_params", Kind.Object, "{\"model\":\"x\"}"),
            new("series_descriptions", Kind.StringMap, "null"),
            new("series_units", Kind.UnitMap, "null"),
        ];
        Field[] uploadRow =
        [
            new("valid_time", Kind.RequiredTime, "\"2025-01-02T00:00:00Z\""),
            new("value_key", Kind.RequiredText, "\"hostile-key\""),
            new("value", Kind.Number, "1.5"),
            new("valid_time_end", Kind.Time, "null"),
            new("series_id", Kind.Guid, "null"),
        ];
        var rows = new Field("value_rows", Kind.Rows, "");
        return
        [
            new("POST /runs", HttpMethod.Post, "/runs", Caller.User, uploadRoot, rows, uploadRow),
            new("POST /upload", HttpMethod.Post, "/upload", Caller.User, uploadRoot, rows, uploadRow),
            new("POST /series", HttpMethod.Post, "/series", Caller.User,
            [
                new("name", Kind.RequiredText, "\"hostile-series\""),
                new("description", Kind.Text, "null"),
                new("unit", Kind.NonBlankText, "\"MW\""),
                new("tenant_id", Kind.Tenant, "null"),
            ]),
            new("PUT /values", HttpMethod.Put, "/values", Caller.User, [], new Field("updates", Kind.Updates, ""),
            [
                new("run_id", Kind.RequiredGuid, Quote(t.RunId)),
                new("series_id", Kind.RequiredGuid, Quote(t.SeriesId)),
                new("valid_time", Kind.RequiredTime, $"\"{t.ValidTime}\""),
                new("valid_time_end", Kind.Time, "null"),
                new("tenant_id", Kind.Tenant, "null"),
                new("value", Kind.Number, "2.5"),
                new("annotation", Kind.Text, "\"checked\""),
                new("tags", Kind.Tags, "[\"hostile\"]"),
            ]),
            new("POST /keys", HttpMethod.Post, "/keys", Caller.User, [new("name", Kind.RequiredText, "\"hostile-key\"")]),
            // An admin key, so the request gets past authorization; only bodies that must be refused are sent.
            new("POST /schema/create", HttpMethod.Post, "/schema/create", Caller.Admin, [new("with_users", Kind.Bool, "false")]),
        ];
    }

    /// <summary>Request-line, header and method mutations on every endpoint, anonymous ones included.</summary>
    private static IEnumerable<HostileRequest> EveryEndpoint(HostileTargets t, List<BodyShape> shapes)
    {
        var endpoints = new List<(string Endpoint, HttpMethod Method, string Path, Func<HttpContent>? Body, Caller Caller)>
        {
            ("GET /", HttpMethod.Get, "/", null, Caller.User),
            ("GET /health/live", HttpMethod.Get, "/health/live", null, Caller.User),
            ("GET /health/ready", HttpMethod.Get, "/health/ready", null, Caller.User),
            ("GET /docs", HttpMethod.Get, "/docs/index.html", null, Caller.User),
            ("GET /redoc", HttpMethod.Get, "/redoc/index.html", null, Caller.User),
            ("GET /openapi.json", HttpMethod.Get, "/openapi.json", null, Caller.User),
            ("GET /runs", HttpMethod.Get, "/runs", null, Caller.User),
            ("GET /runs/{run_id}", HttpMethod.Get, $"/runs/{t.RunId}", null, Caller.User),
            ("GET /values", HttpMethod.Get, "/values", null, Caller.User),
            ("GET /series", HttpMethod.Get, "/series", null, Caller.User),
            ("GET /list_timeseries", HttpMethod.Get, "/list_timeseries", null, Caller.User),
            ("GET /keys", HttpMethod.Get, "/keys", null, Caller.User),
            // Never a key of the caller's own: should a mutation slip through, nothing is revoked.
            ("DELETE /keys/{key_id}", HttpMethod.Delete, $"/keys/{Guid.NewGuid()}", null, Caller.User),
            // The user key, not the admin's: this endpoint has no input, so a slip would drop every table.
            ("DELETE /schema/delete", HttpMethod.Delete, "/schema/delete", null, Caller.User),
        };
        endpoints.AddRange(shapes.Select(s => (s.Endpoint, s.Method, s.Path, (Func<HttpContent>?)HostileRequest.Text(Render(s, null, null)), s.Caller)));

        var longQuery = "?filter=" + new string('q', 100_000);
        foreach (var (endpoint, method, path, body, caller) in endpoints)
        {
            yield return new(endpoint, "query string of 100 kB", method, path + longQuery, body, caller, 414);
            yield return new(endpoint, "header of 100 kB", method, path, body, caller, 431, ("X-Hostile", new string('h', 100_000)));
            yield return new(endpoint, "Content-Type 'application/json; charset='", method, path,
                HostileRequest.Text(body is null ? "" : "{}", "application/json; charset="), caller, 415);
            yield return new(endpoint, "Content-Type with a bad parameter", method, path,
                HostileRequest.Text("{}", "application/json; =x"), caller, 415);
            yield return new(endpoint, "method PATCH", HttpMethod.Patch, path, body, caller);
            yield return new(endpoint, "path with a junk suffix", method, path.TrimEnd('/') + "/%20junk%3B", body, caller);
        }
    }

    private static IEnumerable<HostileRequest> BrokenBodies(BodyShape shape)
    {
        var bodies = new List<(string Name, byte[] Body)>
        {
            ("whitespace only", "   \n\t "u8.ToArray()),
            ("unclosed object", "{"u8.ToArray()),
            ("lone closing brace", "}"u8.ToArray()),
            ("array instead of object", "[]"u8.ToArray()),
            ("array of objects", "[{}]"u8.ToArray()),
            ("string instead of object", "\"hostile\""u8.ToArray()),
            ("number instead of object", "123"u8.ToArray()),
            ("huge number instead of object", "1e400"u8.ToArray()),
            ("boolean instead of object", "true"u8.ToArray()),
            ("bare NaN", "NaN"u8.ToArray()),
            ("missing value", "{\"a\":}"u8.ToArray()),
            ("single quotes", "{'a':1}"u8.ToArray()),
            ("trailing comma", Encoding.UTF8.GetBytes(Render(shape, null, null)[..^1] + ",}")),
            ("comment", Encoding.UTF8.GetBytes("/* hostile */" + Render(shape, null, null))),
            ("trailing garbage", Encoding.UTF8.GetBytes(Render(shape, null, null) + "garbage")),
            ("two objects", Encoding.UTF8.GetBytes(Render(shape, null, null) + Render(shape, null, null))),
            ("truncated body", Encoding.UTF8.GetBytes(Render(shape, null, null)[..^2])),
            ("NUL bytes", [0, 0, 0, 0]),
            ("invalid UTF-8 bytes", [0xFF, 0xFE, 0xFD, 0x7B]),
            ("UTF-16 body declared as UTF-8", Encoding.Unicode.GetBytes(Render(shape, null, null))),
            ("array nested 10,000 deep", Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000))),
            ("object nested 10,000 deep", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000))),
            ("unclosed nesting 10,000 deep", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":[", 10_000)))),
        };

        // POST /schema/create takes an optional body: an empty one, "null" and "{}" mean "no options" there, and
        // unknown properties are ignored (their names unread, so even invalid UTF-8 in one).
        if (shape.Caller != Caller.Admin)
        {
            bodies.Add(("empty body", []));
            bodies.Add(("null body", "null"u8.ToArray()));
            bodies.Add(("empty object", "{}"u8.ToArray()));
            bodies.Add(("invalid UTF-8 in a name", [.. "{\""u8, 0xC3, 0x28, .. "\":1}"u8]));
        }

        foreach (var field in shape.Root.Concat(shape.Item ?? []).Select(f => f.Name).Distinct())
        {
            bodies.Add(($"{field} given twice", Encoding.UTF8.GetBytes(Duplicate(shape, field))));
        }

        return bodies.Select(b => new HostileRequest(shape.Endpoint, b.Name, shape.Method, shape.Path, HostileRequest.Bytes(b.Body), shape.Caller));
    }

    private static IEnumerable<HostileRequest> WrongContentTypes(BodyShape shape)
    {
        string?[] contentTypes =
        [
            null, "text/plain", "application/xml", "text/xml", "multipart/form-data; boundary=hostile",
            "application/x-www-form-urlencoded", "application/octet-stream", "application/json; charset=ebcdic",
            "application/json; charset=utf-32", "*/*", ";;;", "application/jsonx", "json", "application/json; charset=\"",
        ];
        var body = Render(shape, null, null);
        return contentTypes.Select(ct => new HostileRequest(shape.Endpoint, $"Content-Type {(ct is null ? "missing" : $"'{ct}'")}",
            shape.Method, shape.Path, HostileRequest.Text(body, ct), shape.Caller));
    }

    private static IEnumerable<HostileRequest> WrongFields(BodyShape shape, HostileTargets t)
    {
        foreach (var field in shape.Root.Concat(shape.List is null ? [] : [shape.List]).Concat(shape.Item ?? []))
        {
            var path = shape.Item?.Contains(field) == true ? $"{shape.List!.Name}[0].{field.Name}" : field.Name;
            foreach (var (label, raw) in BadValues(field.Kind))
            {
                var otherTenant = raw is Other;
                var bytes = otherTenant ? Encoding.UTF8.GetBytes(Quote(t.OtherTenant)) : raw is string text ? Encoding.UTF8.GetBytes(text) : (byte[])raw;
                yield return new(shape.Endpoint, $"{path} = {label}", shape.Method, shape.Path, HostileRequest.Bytes(RenderBytes(shape, field, bytes)),
                    shape.Caller, otherTenant ? 403 : null);
            }
        }

        // Rules across fields.
        if (shape.Endpoint.StartsWith("POST /runs", StringComparison.Ordinal) || shape.Endpoint.StartsWith("POST /upload", StringComparison.Ordinal))
        {
            var end = shape.Item!.Single(f => f.Name == "valid_time_end");
            yield return new(shape.Endpoint, "valid_time_end equal to valid_time", shape.Method, shape.Path,
                HostileRequest.Bytes(RenderBytes(shape, end, "\"2025-01-02T00:00:00Z\""u8.ToArray())), shape.Caller, 400);
        }

        if (shape.Endpoint == "PUT /values")
        {
            var end = shape.Item!.Single(f => f.Name == "valid_time_end");
            yield return new(shape.Endpoint, "valid_time_end before valid_time", shape.Method, shape.Path,
                HostileRequest.Bytes(RenderBytes(shape, end, "\"2000-01-01T00:00:00Z\""u8.ToArray())), shape.Caller, 400);
        }
    }

    private static IEnumerable<(string Label, object Raw)> BadValues(Kind kind)
    {
        (string, object)[] nonString =
        [
            ("a number", "12"), ("1e400", "1e400"), ("99999999999999999999999", "99999999999999999999999"), ("true", "true"),
            ("an array", "[]"), ("an object", "{}"), ("bare NaN", "NaN"), ("bare -Infinity", "-Infinity"),
        ];
        (string, object)[] badText =
        [
            ("a NUL character", "\"a\\u0000b\""), ("a lone high surrogate", "\"\\ud800\""), ("a lone low surrogate", "\"x\\udc00\""),
            ("invalid UTF-8", new byte[] { 0x22, 0xFF, 0xFE, 0x22 }), ("truncated UTF-8", new byte[] { 0x22, 0x61, 0xC3, 0x22 }),
        ];
        (string, object)[] badTimes =
        [
            .. new[]
            {
                "2025-13-45", "2025-02-30T00:00:00Z", "0000-01-01T00:00:00Z", "10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z",
                "2025-01-01T25:00:00Z", "2025-01-01T00:00:00+25:00", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00",
                "yesterday", "", "NaN", "Infinity", "1e400", "01/02/2025",
            }.Select(s => ($"\"{s}\"", (object)$"\"{s}\"")),
        ];
        (string, object)[] badGuids =
        [
            .. new[] { "not-a-uuid", "00000000-0000-0000-0000-00000000000g", "", "{}", "12" }.Select(s => ($"\"{s}\"", (object)$"\"{s}\"")),
        ];
        (string, object) nullValue = ("null", "null");
        (string, object) blank = ("blank", "\"   \"");

        return kind switch
        {
            Kind.Time => [.. nonString, .. badTimes, .. badText],
            Kind.RequiredTime => [.. nonString, .. badTimes, .. badText, nullValue],
            Kind.Number =>
            [
                ("\"1.5\"", "\"1.5\""), ("\"NaN\"", "\"NaN\""), ("\"Infinity\"", "\"Infinity\""), ("\"-Infinity\"", "\"-Infinity\""),
                ("1e400", "1e400"), ("-1e400", "-1e400"), ("true", "true"), ("an array", "[1]"), ("an object", "{}"),
                ("bare NaN", "NaN"), ("bare Infinity", "Infinity"), ("\"\"", "\"\""), ("0x10", "0x10"), ("+1", "+1"), (".5", ".5"),
            ],
            Kind.Text => [.. nonString, .. badText],
            Kind.NonBlankText => [.. nonString, .. badText, blank],
            Kind.RequiredText => [.. nonString, .. badText, blank, nullValue, ("empty", "\"\"")],
            Kind.Guid => [.. nonString, .. badGuids, .. badText],
            Kind.RequiredGuid => [.. nonString, .. badGuids, .. badText, nullValue],
            Kind.Tenant => [.. nonString, .. badGuids, ("another tenant's id", Other)],
            Kind.Object =>
            [
                ("an array", "[1]"), ("a string", "\"x\""), ("a number", "12"), ("true", "true"), ("bare NaN", "NaN"),
                ("a number beyond numeric", "{\"a\":1e1000000}"), ("a number beyond double", "{\"a\":1e400}"),
                ("a number below double", "{\"a\":1e-400}"), ("a NUL in a value", "{\"a\":\"\\u0000\"}"),
                ("a NUL in a name", "{\"\\u0000\":1}"), ("a name twice", "{\"a\":1,\"a\":2}"), ("a lone surrogate", "{\"a\":[\"\\ud800\"]}"),
                ("invalid UTF-8", new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D }),
                ("nested 100 deep", string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100)),
            ],
            Kind.StringMap or Kind.UnitMap =>
            [
                ("an array", "[]"), ("a string", "\"x\""), ("a number", "12"), ("true", "true"), ("bare NaN", "NaN"),
                ("a number value", "{\"hostile-key\":1}"), ("an array value", "{\"hostile-key\":[]}"),
                ("a NUL value", "{\"hostile-key\":\"\\u0000\"}"), ("a key twice", "{\"hostile-key\":\"a\",\"hostile-key\":\"b\"}"),
                ("a lone surrogate", "{\"hostile-key\":\"\\ud800\"}"),
                .. kind == Kind.UnitMap ? new (string, object)[] { ("a blank unit", "{\"hostile-key\":\"  \"}") } : [],
            ],
            Kind.Tags =>
            [
                ("a string", "\"x\""), ("a number", "12"), ("true", "true"), ("an object", "{}"), ("numbers", "[1]"), ("arrays", "[[]]"),
                ("objects", "[{}]"), ("a NUL tag", "[\"\\u0000\"]"), ("a lone surrogate", "[\"\\ud800\"]"),
                ("invalid UTF-8", new byte[] { 0x5B, 0x22, 0xFF, 0x22, 0x5D }), ("bare NaN", "NaN"),
            ],
            Kind.Bool =>
            [
                ("1", "1"), ("0", "0"), ("\"true\"", "\"true\""), ("\"yes\"", "\"yes\""), ("an array", "[]"), ("an object", "{}"),
                ("1e400", "1e400"), ("bare NaN", "NaN"), ("a NUL string", "\"\\u0000\""),
            ],
            Kind.Rows or Kind.Updates =>
            [
                ("an object", "{}"), ("a string", "\"x\""), ("a number", "12"), ("true", "true"), ("numbers", "[1]"),
                ("strings", "[\"x\"]"), ("arrays", "[[]]"), ("a null item", "[null]"), ("null", "null"), ("bare NaN", "NaN"),
                ("an empty item", "[{}]"),
                .. kind == Kind.Updates ? new (string, object)[] { ("an empty list", "[]") } : [],
            ],
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    private static IEnumerable<HostileRequest> WrongQueries(HostileTargets t)
    {
        string[] times =
        [
            "2025-13-45", "2025-02-30", "0000-01-01", "10000-01-01", "-0001-01-01", "yesterday", "NaN", "Infinity", "1e400",
            "99999999999999999999999", "%00", "2025-01-01T00:00:00%2B25:00", "9999-12-31T23:59:59-14:00", "2025-01-01%00", "%FF%FE", "01/02/2025",
        ];
        string[] guids = ["not-a-uuid", "12", "%00", "00000000-0000-0000-0000-00000000000g", "%FF", "NaN", "{}"];
        string[] limits = ["0", "-1", "10001", "99999999999999999999999", "1e400", "NaN", "abc", "1.5", "%00", "%FF"];
        string[] cursors = ["!!", "Zm9v", "%00", "%FF", "MXwyfDM", "a%1Fb"];
        var parameters = new (string Endpoint, string Path, string Name, string[] Values, string Prefix)[]
        {
            ("GET /runs", "/runs", "workflow_id", ["%00", "hostile%00x"], ""),
            ("GET /runs", "/runs", "start_time", times, ""),
            ("GET /runs", "/runs", "end_time", times, ""),
            ("GET /runs", "/runs", "limit", limits, ""),
            ("GET /runs", "/runs", "tenant_id", [.. guids, t.OtherTenant.ToString()], ""),
            ("GET /runs", "/runs", "after", cursors, ""),
            ("GET /series", "/series", "limit", limits, ""),
            ("GET /series", "/series", "after", cursors, ""),
            ("GET /values", "/values", "start_valid", times, ""),
            ("GET /values", "/values", "end_valid", times, ""),
            ("GET /values", "/values", "start_known", times, ""),
            ("GET /values", "/values", "end_known", times, ""),
            ("GET /values", "/values", "mode", ["sideways", "%00", "NaN", "flat%00", "%FF", "flat,overlapping"], ""),
            ("GET /values", "/values", "series_key", ["%00", "a%00b", "%20%20", ""], ""),
            ("GET /values", "/values", "series_id", guids, ""),
            ("GET /values", "/values", "all_versions", ["maybe", "2", "NaN", "%00", "yes"], "mode=overlapping&"),
            ("GET /values", "/values", "tenant_id", [.. guids, t.OtherTenant.ToString()], ""),
            ("GET /series", "/series", "tenant_id", [.. guids, t.OtherTenant.ToString()], ""),
            ("GET /list_timeseries", "/list_timeseries", "tenant_id", [.. guids, t.OtherTenant.ToString()], ""),
        };
        foreach (var (endpoint, path, name, values, prefix) in parameters)
        {
            foreach (var value in values)
            {
                yield return new(endpoint, $"{name}={value}", HttpMethod.Get, $"{path}?{prefix}{name}={value}",
                    Expected: value == t.OtherTenant.ToString() ? 403 : 400);
            }
        }

        yield return new("GET /runs", "start_time after end_time", HttpMethod.Get, "/runs?start_time=2025-02-01&end_time=2025-01-01", Expected: 400);
        yield return new("GET /values", "start_valid after end_valid", HttpMethod.Get, "/values?start_valid=2025-02-01&end_valid=2025-01-01", Expected: 400);
        yield return new("GET /values", "start_known after end_known", HttpMethod.Get, "/values?start_known=2025-02-01&end_known=2025-01-01", Expected: 400);
        yield return new("GET /values", "all_versions without overlapping", HttpMethod.Get, "/values?all_versions=true", Expected: 400);
        yield return new("GET /values", "300 series_id values, one bad", HttpMethod.Get,
            "/values?" + string.Join("&", Enumerable.Range(0, 300).Select(_ => $"series_id={Guid.NewGuid()}")) + "&series_id=bad", Expected: 400);
    }

    private static IEnumerable<HostileRequest> WrongPathIds(HostileTargets t)
    {
        string[] notIds = ["not-a-guid", "12", "%20", "%FF", "00000000-0000-0000-0000-00000000000g", "NaN", "..%2F..%2Fetc", new string('x', 10_000), $"{t.RunId}x"];
        foreach (var id in notIds)
        {
            var shown = id.Length > 40 ? $"{id.Length} characters" : id;
            yield return new("GET /runs/{run_id}", $"id '{shown}'", HttpMethod.Get, $"/runs/{id}", Expected: 404);
            yield return new("DELETE /keys/{key_id}", $"id '{shown}'", HttpMethod.Delete, $"/keys/{id}", Expected: 404);
        }

        yield return new("GET /runs/{run_id}", "unknown id", HttpMethod.Get, $"/runs/{Guid.NewGuid()}", Expected: 404);
        yield return new("GET /runs/{run_id}", "another tenant's run", HttpMethod.Get, $"/runs/{t.OtherRunId}", Expected: 404);
        yield return new("DELETE /keys/{key_id}", "unknown id", HttpMethod.Delete, $"/keys/{Guid.NewGuid()}", Expected: 404);
        yield return new("DELETE /keys/{key_id}", "another tenant's key", HttpMethod.Delete, $"/keys/{t.OtherKeyId}", Expected: 404);
        yield return new("DELETE /keys/{key_id}", "another user's key", HttpMethod.Delete, $"/keys/{t.AdminKeyId}", Expected: 404);
    }

    /// <summary>Sizes: 10 MB strings, a million rows, a batch over the limit, and a record that does not exist.</summary>
    private static IEnumerable<HostileRequest> Extremes(HostileTargets t, List<BodyShape> shapes)
    {
        var tenMegabytes = "\"" + new string('x', 10 * 1024 * 1024 + 16) + "\"";
        var shape = shapes.ToDictionary(s => s.Endpoint);
        // Sent chunked: with a Content-Length over the limit Kestrel answers 413 before reading, and HttpClient,
        // still writing 10 MB, sees the closed connection instead of the answer (curl reads the answer).
        Func<HttpContent> Big(string endpoint, string field)
        {
            var body = RenderBytes(shape[endpoint], shape[endpoint].Root.Concat(shape[endpoint].Item ?? []).Single(f => f.Name == field),
                Encoding.UTF8.GetBytes(tenMegabytes));
            return () => new GeneratedJsonContent(stream => stream.WriteAsync(body).AsTask());
        }

        // Over the general 10 MB body limit.
        yield return new("POST /series", "10 MB name", HttpMethod.Post, "/series", Big("POST /series", "name"), Expected: 413);
        yield return new("POST /series", "10 MB description", HttpMethod.Post, "/series", Big("POST /series", "description"), Expected: 413);
        yield return new("POST /keys", "10 MB name", HttpMethod.Post, "/keys", Big("POST /keys", "name"), Expected: 413);
        yield return new("PUT /values", "10 MB annotation", HttpMethod.Put, "/values", Big("PUT /values", "annotation"), Expected: 413);
        yield return new("POST /schema/create", "10 MB with_users", HttpMethod.Post, "/schema/create",
            Big("POST /schema/create", "with_users"), Caller.Admin, 413);

        // Under the 512 MB upload limit: refused by validation.
        foreach (var upload in new[] { "POST /runs", "POST /upload" })
        {
            var path = shape[upload].Path;
            yield return new(upload, "10 MB value_key", HttpMethod.Post, path, Big(upload, "value_key"), Expected: 400);
            yield return new(upload, "10 MB workflow_id", HttpMethod.Post, path, Big(upload, "workflow_id"), Expected: 400);
        }

        // One character over each text cap of SPEC §9 (the caps themselves are tested in TextCapTests).
        HostileRequest OverCap(string endpoint, string field, string label, string json) =>
            new(endpoint, $"{field} {label}", shape[endpoint].Method, shape[endpoint].Path,
                HostileRequest.Bytes(RenderBytes(shape[endpoint], shape[endpoint].Root.Concat(shape[endpoint].Item ?? []).Single(f => f.Name == field),
                    Encoding.UTF8.GetBytes(json))), shape[endpoint].Caller, 400);
        static string Text(char c, int length) => "\"" + new string(c, length) + "\"";
        foreach (var upload in new[] { "POST /runs", "POST /upload" })
        {
            yield return OverCap(upload, "value_key", "of 257 characters", Text('k', 257));
            yield return OverCap(upload, "workflow_id", "of 257 characters", Text('w', 257));
            yield return OverCap(upload, "series_units", "with a unit of 65 '<'", $"{{\"hostile-key\":{Text('<', 65)}}}");
            yield return OverCap(upload, "series_descriptions", "with a description of 4,097 characters", $"{{\"hostile-key\":{Text('d', 4097)}}}");
            yield return OverCap(upload, "run_params", "of 65 kB", $"{{\"pad\":{Text('x', 65 * 1024)}}}");
            yield return OverCap(upload, "run_params", "17 levels deep", string.Concat(Enumerable.Repeat("{\"a\":", 17)) + "1" + new string('}', 17));
        }

        yield return OverCap("POST /series", "name", "of 257 characters", Text('n', 257));
        yield return OverCap("POST /series", "description", "of 4,097 characters", Text('d', 4097));
        yield return OverCap("POST /series", "unit", "of 65 '<'", Text('<', 65));
        yield return OverCap("PUT /values", "annotation", "of 4,097 '<'", Text('<', 4097));
        yield return OverCap("PUT /values", "tags", "33 tags", "[" + string.Join(",", Enumerable.Range(0, 33).Select(i => $"\"t{i}\"")) + "]");
        yield return OverCap("PUT /values", "tags", "with a tag of 65 characters", $"[{Text('t', 65)}]");
        yield return OverCap("POST /keys", "name", "of 129 characters", Text('n', 129));

        var random = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(50_000));
        yield return new("POST /runs", "100 kB random workflow_id", HttpMethod.Post, "/runs",
            HostileRequest.Text($"{{\"run_start_time\":\"2025-01-01T00:00:00Z\",\"workflow_id\":\"{random}\",\"value_rows\":[]}}"), Expected: 400);
        yield return new("POST /runs", "1,000,000 rows with blank value_keys", HttpMethod.Post, "/runs",
            () => Rows(1_000_000, i => "\"  \""), Expected: 400);
        // Every key valid and new until the last row: the server holds them all before refusing (1,000,000 with TIMEDB_LONG=1).
        var keys = TestSize.Pick(200_000, 1_000_000);
        yield return new("POST /upload", $"{keys:N0} value_keys, then one bad row", HttpMethod.Post, "/upload",
            () => Rows(keys + 1, i => i < keys ? $"\"hostile-{i}\"" : "7"), Expected: 400);
        yield return new("POST /runs", "1,000,000 series_units", HttpMethod.Post, "/runs",
            () => new GeneratedJsonContent(async stream =>
            {
                await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
                await writer.WriteAsync("{\"run_start_time\":\"2025-01-01T00:00:00Z\",\"series_units\":{");
                for (var i = 0; i < 1_000_000; i++)
                {
                    await writer.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"\"k{i}\":\"MW\","));
                }

                await writer.WriteAsync("\"k-last\":\"  \"},\"value_rows\":[]}");
            }), Expected: 400);

        var update = $"{{\"run_id\":{Quote(t.RunId)},\"series_id\":{Quote(t.SeriesId)},\"valid_time\":\"{t.ValidTime}\",\"value\":3}}";
        yield return new("PUT /values", "10,001 updates", HttpMethod.Put, "/values",
            HostileRequest.Text($"{{\"updates\":[{string.Join(",", Enumerable.Repeat(update, 10_001))}]}}"), Expected: 400);
        yield return new("PUT /values", "a record that does not exist, after a real one", HttpMethod.Put, "/values",
            HostileRequest.Text($"{{\"updates\":[{update},{{\"run_id\":{Quote(Guid.NewGuid())},\"series_id\":{Quote(t.SeriesId)},\"valid_time\":\"{t.ValidTime}\",\"value\":3}}]}}"),
            Expected: 404);
        yield return new("PUT /values", "another tenant's run", HttpMethod.Put, "/values",
            HostileRequest.Text($"{{\"updates\":[{{\"run_id\":{Quote(t.OtherRunId)},\"series_id\":{Quote(t.SeriesId)},\"valid_time\":\"{t.ValidTime}\",\"value\":3}}]}}"),
            Expected: 404);
        yield return new("POST /runs", "series_id of another value_key", HttpMethod.Post, "/runs",
            HostileRequest.Text($"{{\"run_start_time\":\"2025-01-01T00:00:00Z\",\"value_rows\":[{{\"valid_time\":\"2025-01-01T00:00:00Z\",\"value_key\":\"not-the-seed\",\"value\":1,\"series_id\":{Quote(t.SeriesId)}}}]}}"));
        yield return new("POST /runs", "series_id that does not exist", HttpMethod.Post, "/runs",
            HostileRequest.Text($"{{\"run_start_time\":\"2025-01-01T00:00:00Z\",\"value_rows\":[{{\"valid_time\":\"2025-01-01T00:00:00Z\",\"value_key\":\"x\",\"value\":1,\"series_id\":{Quote(Guid.NewGuid())}}}]}}"));
    }

    private static GeneratedJsonContent Rows(int count, Func<int, string> key) => new(async stream =>
    {
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        await writer.WriteAsync("{\"run_start_time\":\"2025-01-01T00:00:00Z\",\"value_rows\":[");
        var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < count; i++)
        {
            await writer.WriteAsync(string.Create(CultureInfo.InvariantCulture,
                $"{(i == 0 ? "" : ",")}{{\"valid_time\":\"{start.AddMinutes(i):yyyy-MM-ddTHH:mm:ssZ}\",\"value_key\":{key(i)},\"value\":{i}}}"));
        }

        await writer.WriteAsync("]}");
    });

    /// <summary>The body with <paramref name="target"/> replaced by raw bytes (which may be invalid JSON or UTF-8).</summary>
    private static byte[] RenderBytes(BodyShape shape, Field target, byte[] raw)
    {
        var text = Render(shape, target, Hole);
        var cut = text.IndexOf(Hole, StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(text[..cut]), .. raw, .. Encoding.UTF8.GetBytes(text[(cut + Hole.Length)..])];
    }

    private static string Render(BodyShape shape, Field? target, string? replacement)
    {
        string Value(Field f) => f == target ? replacement! : f.Valid;
        var parts = shape.Root.Select(f => $"\"{f.Name}\":{Value(f)}").ToList();
        if (shape.List is { } list)
        {
            var item = "{" + string.Join(",", shape.Item!.Select(f => $"\"{f.Name}\":{Value(f)}")) + "}";
            parts.Add($"\"{list.Name}\":{(list == target ? replacement : $"[{item}]")}");
        }

        return "{" + string.Join(",", parts) + "}";
    }

    /// <summary>The valid body with one property written twice (in the root or in the first list item).</summary>
    private static string Duplicate(BodyShape shape, string name)
    {
        var body = Render(shape, null, null);
        var field = shape.Root.Concat(shape.Item ?? []).First(f => f.Name == name);
        var property = $"\"{field.Name}\":{field.Valid}";
        var at = body.IndexOf(property, StringComparison.Ordinal);
        return body[..at] + property + "," + body[at..];
    }

    private static string Quote(Guid id) => $"\"{id}\"";
}
