using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.IO.Pipelines;
using System.Text.Json;
using TimeDb.Api.Json;
using TimeDb.Domain.Entities;
using TimeDb.Domain.Runs;
using TimeDb.Domain.Text;
using TimeDb.Domain.Time;

namespace TimeDb.Api.Uploads;

/// <summary>
/// Reads an upload body straight from the request pipe, one value row at a time, into the domain's
/// compact rows: the body is never held whole, and never copied into a second representation
/// (ADR-007). Shape and rule errors are collected with their JSON paths, like every other 400.
/// </summary>
internal sealed class UploadBodyParser
{
    private const int MaxErrors = 20;

    /// <summary>
    /// A root property is buffered whole before it is read. Beyond this many bytes one that has a cap (all
    /// but the two maps and value_rows) is refused while it arrives, not after the whole of it is held.
    /// </summary>
    private const int MaxBufferedPropertyBytes = TextCaps.RunParamsBytes + 1024;

    /// <summary>The same for one value row: a valid one is a few hundred bytes.</summary>
    private const int MaxBufferedRowBytes = 64 * 1024;
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _rootNames = new(StringComparer.Ordinal);
    private readonly HashSet<(string Key, long ValidTime, long ValidTimeEnd)> _seen = [];
    private readonly JsonSerializerOptions _json;
    private JsonReaderState _state = new(ReaderOptions);
    private Stage _stage = Stage.Start;
    private bool _sawRows;
    private bool _rowsWereNull;
    private int _skippedRows;
    private int _errorCount;
    private long _bufferedBytes;

    private readonly long _maxRows;

    private UploadBodyParser(JsonSerializerOptions json, long maxRows)
    {
        _json = json;
        _maxRows = maxRows;
    }

    [Flags]
    private enum RowField
    {
        None = 0,
        ValidTime = 1,
        ValueKey = 2,
        Value = 4,
        ValidTimeEnd = 8,
        SeriesId = 16,
    }

    private enum Stage
    {
        Start,
        Root,
        Rows,
        Done,
        Failed,
    }

    public DateTimeOffset? RunStartTime { get; private set; }
    public DateTimeOffset? RunFinishTime { get; private set; }
    public DateTimeOffset? KnownTime { get; private set; }
    public string? WorkflowId { get; private set; }
    public Guid? TenantId { get; private set; }
    public string? RunParamsJson { get; private set; }
    public Dictionary<string, string>? SeriesDescriptions { get; private set; }
    public Dictionary<string, string>? SeriesUnits { get; private set; }
    public List<NewValueRow> Rows { get; } = [];

    /// <summary>The body has more value rows than allowed; parsing stopped at the first one too many.</summary>
    public bool TooManyRows { get; private set; }
    public Dictionary<string, List<string>> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>Parses the body; every byte read is also fed to <paramref name="hash"/> when given (idempotency keys).</summary>
    public static async Task<UploadBodyParser> ParseAsync(PipeReader body, JsonSerializerOptions json, long maxRows, IncrementalHash? hash,
        CancellationToken cancellationToken)
    {
        var parser = new UploadBodyParser(json, maxRows);
        var sawBytes = false;
        while (true)
        {
            var result = await body.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            sawBytes |= !buffer.IsEmpty;
            if (result.IsCompleted && !sawBytes)
            {
                parser.Finish(sawBytes: false);
                break;
            }

            var consumed = parser.Feed(buffer, result.IsCompleted);
            if (hash is not null)
            {
                foreach (var segment in buffer.Slice(0, consumed))
                {
                    hash.AppendData(segment.Span);
                }
            }

            body.AdvanceTo(consumed, buffer.End);
            if (parser._stage is Stage.Failed)
            {
                break;
            }

            if (result.IsCompleted)
            {
                parser.Finish(sawBytes);
                break;
            }
        }

        return parser;
    }

    /// <summary>The run as uploaded; its tenant_id is a request the tenant context decides on (TenantScope.TenantForWrite).</summary>
    public NewRun ToNewRun(string? changedBy) => new(
        TenantId, WorkflowId ?? Run.DefaultWorkflowId, RunStartTime!.Value, RunFinishTime, KnownTime, RunParamsJson,
        SeriesDescriptions ?? [], SeriesUnits ?? [], Rows, changedBy);

    private void Finish(bool sawBytes)
    {
        if (!sawBytes)
        {
            AddError("body", "A non-empty request body is required.");
            return;
        }

        if (_stage != Stage.Done)
        {
            AddError("body", "malformed JSON: the body ended before the JSON object was complete");
            return;
        }

        if (RunStartTime is null && !Errors.ContainsKey("run_start_time"))
        {
            AddError("run_start_time", "run_start_time is required");
        }

        if ((!_sawRows || _rowsWereNull) && !Errors.ContainsKey("value_rows"))
        {
            AddError("value_rows", "value_rows is required (a list of {valid_time, value_key, value})");
        }
    }

    private SequencePosition Feed(ReadOnlySequence<byte> buffer, bool isFinal)
    {
        var reader = new Utf8JsonReader(buffer, isFinal, _state);
        _bufferedBytes = buffer.Length;
        try
        {
            while (Step(ref reader))
            {
            }
        }
        catch (JsonException ex)
        {
            _stage = Stage.Failed;
            AddError("body", $"malformed JSON: {FirstSentence(ex.Message)} (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})");
        }
        catch (InvalidOperationException)
        {
            // GetString() on a string that is not valid UTF-8 or holds a lone surrogate escape.
            _stage = Stage.Failed;
            AddError("body", $"malformed JSON: a string {StorableStringConverter.InvalidText}");
        }

        _state = reader.CurrentState;
        return reader.Position;
    }

    /// <summary>Consumes one complete element; false when more bytes are needed (the reader is left before it).</summary>
    private bool Step(ref Utf8JsonReader reader)
    {
        var checkpoint = reader;
        switch (_stage)
        {
            case Stage.Start:
                if (!reader.Read())
                {
                    return false;
                }

                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    AddError("body", "has the wrong type: expected a JSON object");
                    _stage = Stage.Failed;
                    return false;
                }

                _stage = Stage.Root;
                return true;

            case Stage.Root:
                if (!reader.Read())
                {
                    return false;
                }

                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    _stage = Stage.Done;
                    return true;
                }

                var isRows = reader.ValueTextEquals("value_rows"u8);
                var name = isRows ? "value_rows" : reader.GetString()!;
                if (!reader.Read())
                {
                    reader = checkpoint;
                    return false;
                }

                if (isRows && reader.TokenType == JsonTokenType.StartArray)
                {
                    RefuseRepeatedName(name);
                    _sawRows = true;
                    _stage = Stage.Rows;
                    return true;
                }

                var valueStart = reader;
                if (!reader.TrySkip())
                {
                    if (IsCapped(name) && _bufferedBytes - valueStart.TokenStartIndex > MaxBufferedPropertyBytes)
                    {
                        AddError(name, name switch
                        {
                            "run_params" => TextCaps.RunParamsTooLarge,
                            "workflow_id" => TextCaps.TooLong(name, TextCaps.WorkflowId),
                            _ => $"{name} is larger than any valid value",
                        });
                        _stage = Stage.Failed;
                    }

                    reader = checkpoint;
                    return false;
                }

                RefuseRepeatedName(name);
                ReadRootProperty(name, ref valueStart, reader.BytesConsumed - valueStart.TokenStartIndex);
                return true;

            case Stage.Rows:
                if (!reader.Read())
                {
                    return false;
                }

                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    _stage = Stage.Root;
                    return true;
                }

                if (Rows.Count + _skippedRows >= _maxRows)
                {
                    TooManyRows = true;
                    _stage = Stage.Failed;
                    return false;
                }

                var rowStart = reader;
                if (!reader.TrySkip())
                {
                    if (_bufferedBytes - rowStart.TokenStartIndex > MaxBufferedRowBytes)
                    {
                        AddError($"value_rows[{Rows.Count + _skippedRows}]", string.Create(CultureInfo.InvariantCulture,
                            $"a value row must be at most {MaxBufferedRowBytes / 1024} kB (its value_key at most {TextCaps.SeriesKey} characters)"));
                        _stage = Stage.Failed;
                    }

                    reader = checkpoint;
                    return false;
                }

                ReadRow(ref rowStart);
                return true;

            case Stage.Done:
                // Only whitespace may follow the object: the reader throws on anything else ("two objects", garbage).
                if (reader.Read())
                {
                    AddError("body", "malformed JSON: data after the end of the JSON object");
                    _stage = Stage.Failed;
                }

                return false;

            default:
                return false;
        }
    }

    private static bool IsCapped(string name) => name is not ("series_units" or "series_descriptions" or "value_rows");

    /// <summary>Reads one root property; <paramref name="bytes"/> is the length of its value as sent.</summary>
    private void ReadRootProperty(string name, ref Utf8JsonReader reader, long bytes)
    {
        switch (name)
        {
            case "run_start_time":
                RunStartTime = ReadTime(ref reader, name, nullable: false);
                break;
            case "run_finish_time":
                RunFinishTime = ReadTime(ref reader, name, nullable: true);
                break;
            case "known_time":
                KnownTime = ReadTime(ref reader, name, nullable: true);
                break;
            case "workflow_id":
                if (reader.TokenType == JsonTokenType.String)
                {
                    WorkflowId = reader.GetString()!;
                    if (UploadRules.CheckWorkflowId(WorkflowId) is { } workflowProblem)
                    {
                        AddError(name, workflowProblem);
                    }
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    AddError(name, "has the wrong type: expected a string");
                }

                break;
            case "tenant_id":
                if (reader.TokenType == JsonTokenType.String && reader.TryGetGuid(out var tenant))
                {
                    TenantId = tenant;
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    AddError(name, "has the wrong type: expected a UUID string");
                }

                break;
            case "run_params":
                if (reader.TokenType == JsonTokenType.StartObject && bytes > TextCaps.RunParamsBytes)
                {
                    AddError(name, TextCaps.RunParamsTooLarge);
                }
                else if (reader.TokenType == JsonTokenType.StartObject)
                {
                    using var document = JsonDocument.ParseValue(ref reader);
                    if (RunParamsCheck.Problem(document.RootElement) is { } paramsProblem)
                    {
                        AddError(name, paramsProblem);
                    }
                    else
                    {
                        RunParamsJson = document.RootElement.GetRawText();
                    }
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    AddError(name, $"run_params must be a JSON object or null, not {UtcDateTimeOffsetConverter.Describe(reader.TokenType)}");
                }

                break;
            case "series_descriptions":
                SeriesDescriptions = ReadStringMap(ref reader, name, allowBlank: true, TextCaps.Description);
                break;
            case "series_units":
                SeriesUnits = ReadStringMap(ref reader, name, allowBlank: false, TextCaps.Unit);
                break;
            case "value_rows":
                if (reader.TokenType == JsonTokenType.Null)
                {
                    _sawRows = true;
                    _rowsWereNull = true;
                }
                else
                {
                    AddError(name, "has the wrong type: expected an array");
                }

                break;
        }
    }

    private void ReadRow(ref Utf8JsonReader reader)
    {
        var index = Rows.Count + _skippedRows;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            AddError($"value_rows[{index}]", "a value row must be an object");
            _skippedRows++;
            return;
        }

        DateTimeOffset? validTime = null, validTimeEnd = null;
        string? key = null;
        double? value = null;
        Guid? seriesId = null;
        var errorsBefore = _errorCount;
        var seen = RowField.None;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.ValueTextEquals("valid_time"u8) ? RowField.ValidTime
                : reader.ValueTextEquals("value_key"u8) ? RowField.ValueKey
                : reader.ValueTextEquals("value"u8) ? RowField.Value
                : reader.ValueTextEquals("valid_time_end"u8) ? RowField.ValidTimeEnd
                : reader.ValueTextEquals("series_id"u8) ? RowField.SeriesId
                : RowField.None;
            if (field != RowField.None && (seen & field) != 0)
            {
                AddError($"value_rows[{index}]", $"{reader.GetString()} appears more than once in the row");
            }

            seen |= field;
            if (field == RowField.ValidTime)
            {
                reader.Read();
                validTime = ReadTime(ref reader, $"value_rows[{index}].valid_time", nullable: true);
            }
            else if (field == RowField.ValueKey)
            {
                reader.Read();
                key = reader.TokenType == JsonTokenType.String ? Intern(ref reader)
                    : reader.TokenType == JsonTokenType.Null ? null
                    : Fail<string>($"value_rows[{index}].value_key", "has the wrong type: expected a string");
            }
            else if (field == RowField.Value)
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var number) && double.IsFinite(number))
                {
                    value = number;
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    AddError($"value_rows[{index}].value", reader.TokenType == JsonTokenType.Number
                        ? "is out of range for a double"
                        : "has the wrong type: expected a number");
                }
            }
            else if (field == RowField.ValidTimeEnd)
            {
                reader.Read();
                validTimeEnd = ReadTime(ref reader, $"value_rows[{index}].valid_time_end", nullable: true);
            }
            else if (field == RowField.SeriesId)
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && reader.TryGetGuid(out var id))
                {
                    seriesId = id;
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    AddError($"value_rows[{index}].series_id", "has the wrong type: expected a UUID string");
                }
            }
            else
            {
                // The whole row is in the buffer (checked before), so TrySkip always succeeds here;
                // Skip() would refuse any reader that is not on the final block.
                reader.Read();
                reader.TrySkip();
            }
        }

        if (validTime is null && _errorCount == errorsBefore)
        {
            AddError($"value_rows[{index}].valid_time", "valid_time is required");
        }

        if (UploadRules.CheckValueKey(key) is { } keyProblem && _errorCount == errorsBefore)
        {
            AddError($"value_rows[{index}].value_key", keyProblem);
        }

        if (validTime is { } start && UploadRules.CheckInterval(start, validTimeEnd) is { } intervalProblem)
        {
            AddError($"value_rows[{index}].valid_time_end", intervalProblem);
        }

        if (_errorCount != errorsBefore)
        {
            _skippedRows++;
            return;
        }

        if (!_seen.Add((key!, validTime!.Value.UtcTicks, validTimeEnd?.UtcTicks ?? long.MinValue)))
        {
            AddError($"value_rows[{index}]", UploadRules.Duplicate(index, key!, validTime.Value, validTimeEnd));
            _skippedRows++;
            return;
        }

        Rows.Add(new NewValueRow(key!, validTime.Value, validTimeEnd, value, seriesId));
    }

    private DateTimeOffset? ReadTime(ref Utf8JsonReader reader, string path, bool nullable)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            if (!nullable)
            {
                AddError(path, $"{LastSegment(path)} is required");
            }

            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            AddError(path, $"expected an ISO 8601 time as a string, got {UtcDateTimeOffsetConverter.Describe(reader.TokenType)}");
            return null;
        }

        // Fast path: the reader's ISO 8601 parser. No offset means UTC.
        if (reader.TryGetDateTime(out var time))
        {
            return time.Kind switch
            {
                DateTimeKind.Utc => new DateTimeOffset(time, TimeSpan.Zero),
                DateTimeKind.Local => new DateTimeOffset(time.ToUniversalTime(), TimeSpan.Zero),
                _ => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc), TimeSpan.Zero),
            };
        }

        var text = reader.GetString();
        if (UtcTimestamp.TryParse(text, out var parsed))
        {
            return parsed;
        }

        AddError(path, UtcDateTimeOffsetConverter.NotATime(text));
        return null;
    }

    /// <summary>A map of value_key to text (a unit, a description), each text at most <paramref name="cap"/> characters.</summary>
    private Dictionary<string, string>? ReadStringMap(ref Utf8JsonReader reader, string path, bool allowBlank, int cap)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        try
        {
            var map = JsonSerializer.Deserialize<Dictionary<string, string>>(ref reader, _json);
            if (!allowBlank && map is not null && map.Values.Any(string.IsNullOrWhiteSpace))
            {
                AddError(path, $"{path} must not contain blank units");
            }

            if (map?.Keys.FirstOrDefault(k => !TextCaps.Fits(k, TextCaps.SeriesKey)) is not null)
            {
                AddError(path, TextCaps.TooLong($"a value_key in {path}", TextCaps.SeriesKey));
            }

            if (map?.FirstOrDefault(e => !TextCaps.Fits(e.Value, cap)) is { Key: { } key })
            {
                AddError(path, TextCaps.TooLong($"{path}['{Shorten(key)}']", cap));
            }

            return map;
        }
        catch (JsonException ex)
        {
            // Our own refusals (a NUL, invalid text, a repeated key) say what is wrong; type errors get one message.
            var message = ex.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) || ex.Message.Length == 0
                ? "has the wrong type: expected an object of strings"
                : CutPath(ex.Message);
            AddError(path, message);
            return null;
        }
    }

    private string Intern(ref Utf8JsonReader reader)
    {
        var text = reader.GetString()!;
        if (_keys.TryGetValue(text, out var existing))
        {
            return existing;
        }

        _keys[text] = text;
        return text;
    }

    private T? Fail<T>(string path, string message)
    {
        AddError(path, message);
        return default;
    }

    private void AddError(string path, string message)
    {
        _errorCount++;
        if (Errors.Count >= MaxErrors && !Errors.ContainsKey(path))
        {
            return;
        }

        if (!Errors.TryGetValue(path, out var list))
        {
            Errors[path] = list = [];
        }

        list.Add(message);
    }

    private void RefuseRepeatedName(string name)
    {
        if (!_rootNames.Add(name))
        {
            AddError(name, $"{name} appears more than once in the body");
        }
    }

    private static string CutPath(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut >= 0 ? message[..cut] : message).Trim();
    }

    /// <summary>A value_key as shown in a message: long ones are cut.</summary>
    private static string Shorten(string key) => key.Length <= 40 ? key : key[..40] + "…";

    private static string LastSegment(string path) => path[(path.LastIndexOf('.') + 1)..];

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber", StringComparison.Ordinal);
        return (cut >= 0 ? message[..cut] : message).Trim();
    }
}
