using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace TimeDb.Api.Errors;

/// <summary>
/// Writes a problem as <c>application/problem+json</c> when the client's Accept header names only other formats
/// (<c>text/csv</c>, Arrow): ASP.NET Core's own writer then declines, and the problem's detail would be lost (or
/// <see cref="IProblemDetailsService.WriteAsync"/> would throw). RFC 9110 §12.1 lets an error answer ignore Accept;
/// a client that asked for CSV still learns what went wrong. For every other Accept the framework's writer answers
/// as before: this one takes exactly the requests it refuses.
/// </summary>
internal sealed class ProblemJsonWriter(IOptions<ProblemDetailsOptions> problemOptions, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> jsonOptions) : IProblemDetailsWriter
{
    private const string ContentType = "application/problem+json";
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly MediaTypeHeaderValue ProblemJson = new(ContentType);

    public bool CanWrite(ProblemDetailsContext context)
    {
        var accept = context.HttpContext.Request.GetTypedHeaders().Accept;
        // The framework's DefaultProblemDetailsWriter writes when this holds (no Accept, or one that covers JSON).
        return accept.Count > 0 && !accept.Any(range => Json.IsSubsetOf(range) || ProblemJson.IsSubsetOf(range));
    }

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var response = context.HttpContext.Response;
        var problem = context.ProblemDetails;
        problem.Status ??= response.StatusCode;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(problem.Status.Value);
        problem.Type ??= Problems.Create(problem.Status.Value, problem.Title, "").Type;
        problemOptions.Value.CustomizeProblemDetails?.Invoke(context);
        return new ValueTask(response.WriteAsJsonAsync(problem, jsonOptions.Value.SerializerOptions, ContentType, context.HttpContext.RequestAborted));
    }
}
