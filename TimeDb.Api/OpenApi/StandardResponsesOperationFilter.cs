using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using TimeDb.Api.Limits;

namespace TimeDb.Api.OpenApi;

/// <summary>
/// The answers an action does not produce itself but the pipeline does, added from endpoint metadata so
/// that each action declares only its own codes: an endpoint that needs a key (no <c>[AllowAnonymous]</c>)
/// gets the key requirement (the lock in /docs), 401, 403, 429 (tier rate limit) and 503 (the key lookup
/// needs the database); a heavy one (the rate limiter's heavy policy) also 504 (statement and request
/// timeouts). Anonymous endpoints get none of these and no lock.
/// </summary>
internal sealed class StandardResponsesOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            return;
        }

        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApiSetup.ApiKeyScheme, context.Document)] = [] }];
        Add(operation, context, StatusCodes.Status401Unauthorized, "No API key, or not a valid one");
        Add(operation, context, StatusCodes.Status403Forbidden, "The key may not do this");
        Add(operation, context, StatusCodes.Status429TooManyRequests, "Rate limit or your share of concurrent requests used up; see Retry-After");
        Add(operation, context, StatusCodes.Status503ServiceUnavailable, "Database unavailable or server busy; see Retry-After");
        if (metadata.OfType<EnableRateLimitingAttribute>().Any(a => a.PolicyName == HeavyRequestLimits.Policy))
        {
            Add(operation, context, StatusCodes.Status504GatewayTimeout, "The statement or request timeout struck before the answer started");
        }
    }

    private static void Add(OpenApiOperation operation, OperationFilterContext context, int status, string description)
    {
        operation.Responses ??= [];
        operation.Responses.TryAdd(status.ToString(System.Globalization.CultureInfo.InvariantCulture), new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                ["application/problem+json"] = new OpenApiMediaType { Schema = context.SchemaGenerator.GenerateSchema(typeof(ProblemDetails), context.SchemaRepository) },
            },
        });
    }
}
