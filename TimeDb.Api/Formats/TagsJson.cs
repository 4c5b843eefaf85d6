using System.Buffers;
using System.Text.Json;
using TimeDb.Api.Json;

namespace TimeDb.Api.Formats;

/// <summary>
/// Tags as a JSON array: the JSON answer writes them in place, the CSV answer as the text of that same array
/// (SPEC §11), so both escape alike (<see cref="JsonEncoding"/>).
/// </summary>
internal sealed class TagsJson : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly Utf8JsonWriter _json;

    public TagsJson() => _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true, Encoder = JsonEncoding.Encoder });

    public static void Write(Utf8JsonWriter json, string[] tags)
    {
        json.WriteStartArray();
        foreach (var tag in tags)
        {
            json.WriteStringValue(tag);
        }

        json.WriteEndArray();
    }

    /// <summary>The UTF-8 text of the array; valid until the next call.</summary>
    public ReadOnlySpan<byte> ToUtf8(string[] tags)
    {
        _buffer.ResetWrittenCount();
        _json.Reset();
        Write(_json, tags);
        _json.Flush();
        return _buffer.WrittenSpan;
    }

    public void Dispose() => _json.Dispose();
}
