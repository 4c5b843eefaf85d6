using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using TimeDb.Api.Contracts;
using TimeDb.Api.Uploads;

namespace TimeDb.Api.OpenApi;

/// <summary>Documents the upload body that the action reads itself (no model binding), in each media type it takes.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class StreamedUploadBodyAttribute : Attribute;

internal sealed class StreamedUploadBodyOperationFilter : IOperationFilter
{
    private const string CsvExample = """
        valid_time,value_key,value,valid_time_end
        2025-06-02T00:00:00Z,wind_farm_a,42.5,
        2025-06-02T01:00:00Z,wind_farm_a,,
        2025-06-02T00:00:00Z,energy,10,2025-06-02T01:00:00Z

        """;

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (!context.MethodInfo.IsDefined(typeof(StreamedUploadBodyAttribute), false))
        {
            return;
        }

        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "JSON: the run and its value_rows. CSV: a header row, then one value per row. Arrow: an IPC stream whose columns "
                + "are the rows' fields. For CSV and Arrow the run's fields are query parameters.",
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                ["application/json"] = new OpenApiMediaType { Schema = context.SchemaGenerator.GenerateSchema(typeof(UploadRequest), context.SchemaRepository) },
                [CsvUploadReader.MediaTypeName] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String,
                        Description = "RFC 4180, UTF-8. Columns (any order): valid_time, value_key, value (empty = null), and optionally "
                            + "valid_time_end, series_id (empty = absent). A header row is required; unknown columns are refused. "
                            + "series_descriptions and series_units are JSON-only.",
                    },
                    Example = JsonValue.Create(CsvExample),
                },
                [ArrowUploadReader.MediaTypeName] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String,
                        Format = "binary",
                        Description = "Apache Arrow IPC stream (pyarrow.ipc.new_stream; uncompressed), record batches of at most 64 MiB. "
                            + "Columns by name, any order: valid_time (timestamp, any unit; no time zone means UTC), value_key (utf8, "
                            + "large_utf8, utf8_view or a dictionary of them), value (float64, float32, int32 or int64; null allowed), and "
                            + "optionally valid_time_end (timestamp), series_id (UUID text). Unknown columns are refused.",
                    },
                },
            },
        };

        operation.Parameters ??= [];
        foreach (var (name, description) in UploadQueryFields.All)
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Query,
                Description = $"CSV and Arrow uploads only (JSON carries it in the body). {description}",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }
    }
}
