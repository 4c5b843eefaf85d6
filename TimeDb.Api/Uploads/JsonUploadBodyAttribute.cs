using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Net.Http.Headers;
using TimeDb.Api.Errors;

namespace TimeDb.Api.Uploads;

/// <summary>
/// The upload body is parsed from the raw stream as UTF-8 JSON, without MVC's input formatters, so the checks they
/// make are made here: a Content-Type is required (<c>[Consumes]</c> lets a missing one through) and it must be
/// JSON in UTF-8. Anything else is a 415 problem, as on every other endpoint.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class JsonUploadBodyAttribute : Attribute, IResourceFilter
{
    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        var header = context.HttpContext.Request.ContentType;
        if (header is not null && MediaTypeHeaderValue.TryParse(header, out var mediaType)
            && mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            && (mediaType.Charset.Length == 0 || mediaType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }

        context.Result = new ObjectResult(Problems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", header is null
            ? "An upload needs the header 'Content-Type: application/json'."
            : "An upload must be 'application/json' in UTF-8 (no other charset)."))
        {
            StatusCode = StatusCodes.Status415UnsupportedMediaType,
            ContentTypes = { "application/problem+json" },
        };
    }

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }
}
