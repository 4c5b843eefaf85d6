using System.Text.Json;
using System.Text.Json.Serialization;

namespace TimeDb.Api.Json;

/// <summary>
/// Numbers of JSON bodies (PUT /values' value): a literal beyond the double range, such as 1e400, would read
/// as ±Infinity and be stored. It is refused, as the upload parser refuses it. Strings ("1.5", "NaN") stay refused.
/// </summary>
internal sealed class FiniteDoubleConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            // No message: the serializer names the expected type, which the 400 turns into "expected a number".
            throw new JsonException();
        }

        return reader.TryGetDouble(out var value) && double.IsFinite(value)
            ? value
            : throw new JsonException("is out of range for a double (about ±1.8e308)");
    }

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}
