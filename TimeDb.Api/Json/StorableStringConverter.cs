using System.Text.Json;
using System.Text.Json.Serialization;
using TimeDb.Domain.Text;

namespace TimeDb.Api.Json;

/// <summary>
/// Every string of a JSON body: NUL characters are refused (PostgreSQL cannot store them, and a filter
/// holding one would fail in the database), and so is text that is not valid UTF-8 or holds a lone
/// surrogate escape. Both become a 400 on the field, not a 500 later.
/// </summary>
internal sealed class StorableStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
        {
            throw new JsonException($"has the wrong type: expected a string, got {UtcDateTimeOffsetConverter.Describe(reader.TokenType)}");
        }

        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new JsonException(InvalidText);
        }

        return TextRules.HasNul(text) ? throw new JsonException(TextRules.NulMessage) : text;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    // Dictionary keys (series_descriptions, series_ids) go through these; a custom converter must supply them.
    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Read(ref reader, typeToConvert, options)!;

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

    internal const string InvalidText = "is not valid text: invalid UTF-8 or a lone UTF-16 surrogate (\\ud800-\\udfff)";
}
