using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace TimeDb.Api.OpenApi;

/// <summary>Documents a JSON request body that the action reads itself (no model binding).</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class StreamedJsonBodyAttribute(Type bodyType) : Attribute
{
    public Type BodyType { get; } = bodyType;
}

internal sealed class StreamedJsonBodyOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var attribute = context.MethodInfo.GetCustomAttributes(typeof(StreamedJsonBodyAttribute), false).Cast<StreamedJsonBodyAttribute>().FirstOrDefault();
        if (attribute is null)
        {
            return;
        }

        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                ["application/json"] = new OpenApiMediaType { Schema = context.SchemaGenerator.GenerateSchema(attribute.BodyType, context.SchemaRepository) },
            },
        };
    }
}
