using System.Text.Json;
using System.Text.Json.Serialization;
using TimeDb.Domain.Time;

namespace TimeDb.Api.Json;

/// <summary>Reads ISO 8601 times (no offset = UTC) and writes them in UTC with a Z.</summary>
internal sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"expected an ISO 8601 time as a string, got {Describe(reader.TokenType)}");
        }

        // Fast path: the reader's own ISO 8601 parser (what uploads of a million rows mostly hold); no offset is UTC.
        if (reader.TryGetDateTime(out var time))
        {
            return time.Kind switch
            {
                DateTimeKind.Utc => new DateTimeOffset(time, TimeSpan.Zero),
                // With an offset the reader answers local time: read the offset itself instead.
                DateTimeKind.Local when reader.TryGetDateTimeOffset(out var withOffset) => withOffset.ToUniversalTime(),
                _ => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc), TimeSpan.Zero),
            };
        }

        var text = reader.GetString();
        return UtcTimestamp.TryParse(text, out var value)
            ? value
            : throw new JsonException(NotATime(text));
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        Span<byte> text = stackalloc byte[UtcTimestamp.MaxLength];
        writer.WriteStringValue(text[..UtcTimestamp.FormatUtf8(value.UtcDateTime, text)]);
    }

    /// <summary>How an error message names a JSON token that is not what was expected.</summary>
    internal static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    /// <summary>The one message for a text that is not a time, in bodies and in query strings.</summary>
    internal static string NotATime(string? text) => $"'{Shorten(text)}' is not an ISO 8601 time (e.g. 2025-01-01T00:00:00Z)";

    internal static string Shorten(string? text) => text is null ? "" : text.Length <= 40 ? text : text[..40] + "…";
}
