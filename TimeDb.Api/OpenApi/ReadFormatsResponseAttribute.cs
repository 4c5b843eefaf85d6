using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using TimeDb.Api.Formats;

namespace TimeDb.Api.OpenApi;

/// <summary>
/// Marks a read that answers in every <see cref="ReadFormat"/> (<see cref="ReadFormats"/>): its 200 lists the CSV
/// and Arrow media types beside the JSON one, and its <c>format</c> parameter the names on offer.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class ReadFormatsResponseAttribute : Attribute;

internal sealed class ReadFormatsOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (!context.MethodInfo.IsDefined(typeof(ReadFormatsResponseAttribute), false))
        {
            return;
        }

        if (operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse response)
        {
            response.Content ??= new Dictionary<string, IOpenApiMediaType>();
            response.Content[ReadFormats.CsvMediaType] = new OpenApiMediaType
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Description = "RFC 4180 CSV, UTF-8: a header row with the JSON row's field names in the same order, then one line per row. "
                        + "Times ISO 8601 UTC ending in Z, null as an empty field, tags as the text of a JSON array.",
                },
            };
            response.Content[ReadFormats.ArrowMediaType] = new OpenApiMediaType
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Format = "binary",
                    Description = "Apache Arrow IPC stream (pyarrow.ipc.open_stream, pandas, polars): the JSON row's fields as columns, "
                        + "record batches of at most 65,536 rows; times timestamp[us, tz=UTC], ids and text utf8, value float64, "
                        + "value_id int64, tags list<utf8>, is_current bool.",
                },
            };
        }

        var format = operation.Parameters?.FirstOrDefault(p => p.Name == ReadFormats.ParameterName);
        if (format?.Schema is OpenApiSchema schema)
        {
            schema.Enum = [.. ReadFormats.Names.Select(n => (System.Text.Json.Nodes.JsonNode)n)];
        }
    }
}
