using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using TimeDb.Api.Errors;

namespace TimeDb.Api.Uploads;

/// <summary>
/// The upload body is read from the raw stream by the reader of its media type, without MVC's input formatters, so
/// the check they make is made here: a Content-Type is required (<c>[Consumes]</c> lets a missing one through) and it
/// must be one an <see cref="IUploadBodyReader"/> takes, in UTF-8. Anything else is a 415 problem, as on every other endpoint.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class UploadMediaTypeAttribute : Attribute, IResourceFilter
{
    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        var pipeline = context.HttpContext.RequestServices.GetRequiredService<UploadPipeline>();
        var header = context.HttpContext.Request.ContentType;
        if (pipeline.ReaderFor(header) is not null)
        {
            return;
        }

        var accepted = string.Join(", ", pipeline.MediaTypes.Select(m => $"'{m}'"));
        context.Result = new ObjectResult(Problems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", header is null
            ? $"An upload needs a Content-Type header: one of {accepted}."
            : $"An upload must be one of {accepted}, in UTF-8 (no other charset)."))
        {
            StatusCode = StatusCodes.Status415UnsupportedMediaType,
            ContentTypes = { "application/problem+json" },
        };
    }

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }
}
