using System.Text.Json;
using System.Text.Json.Serialization;
using TimeDb.Domain.Values;

namespace TimeDb.Api.Json;

/// <summary>
/// Tri-state fields: a property absent from the JSON stays unset (STJ never calls the converter),
/// <c>null</c> becomes set-to-null, anything else set-to-value.
/// </summary>
internal sealed class OptionalJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(Optional<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(OptionalConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class OptionalConverter<T> : JsonConverter<Optional<T>>
    {
        public override bool HandleNull => true;

        public override Optional<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return new Optional<T>(default);
            }

            try
            {
                return new Optional<T>(JsonSerializer.Deserialize<T>(ref reader, options));
            }
            catch (JsonException ex)
            {
                // The nested call reports its own path ($); a fresh exception gets the property's path.
                var message = ex.Message;
                var path = message.IndexOf(" Path:", StringComparison.Ordinal);
                throw new JsonException(path >= 0 ? message[..path] : message);
            }
        }

        public override void Write(Utf8JsonWriter writer, Optional<T> value, JsonSerializerOptions options)
        {
            if (value.IsSet)
            {
                JsonSerializer.Serialize(writer, value.Value, options);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }
}
