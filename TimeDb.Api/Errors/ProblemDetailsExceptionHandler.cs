using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Serilog;
using TimeDb.Domain.Errors;
using TimeDb.Infrastructure.Errors;

namespace TimeDb.Api.Errors;

/// <summary>The one place where exceptions become RFC 9457 problem details.</summary>
/// <remarks>It logs nothing itself: the request log event of a 5xx carries the exception (RequestLogging).</remarks>
internal sealed class ProblemDetailsExceptionHandler(IProblemDetailsService problemDetails, IDiagnosticContext diagnostics) : IExceptionHandler
{
    /// <summary>Status of a request whose client went away before the answer (nginx's convention); nobody reads it.</summary>
    public const int ClientClosedRequest = 499;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.RequestAborted.IsCancellationRequested && exception is OperationCanceledException or IOException)
        {
            httpContext.Response.StatusCode = ClientClosedRequest;
            return true;
        }

        var problem = Map(exception);
        if (problem.Status >= 500)
        {
            // Retry-After of a 503 is set where every problem is written (Problems.AddRetryAfter).
            diagnostics.SetException(exception);
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static ProblemDetails Map(Exception exception) => exception switch
    {
        NotFoundException e => Problem(StatusCodes.Status404NotFound, "Not found", e.Message),
        RequestTooLargeException e => Problem(StatusCodes.Status413PayloadTooLarge, "Request too large", e.Message),
        ResultTooLargeException e => Problem(StatusCodes.Status422UnprocessableEntity, "Read too large", e.Message),
        ConflictException e => Problem(StatusCodes.Status409Conflict, "Conflict", e.Message),
        ForbiddenException e => Problem(StatusCodes.Status403Forbidden, "Forbidden", e.Message),
        DomainException e => Problem(StatusCodes.Status400BadRequest, "Invalid request", e.Message),
        BadHttpRequestException e => Problem(e.StatusCode, e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Bad request", e.Message),
        // The detail never names the host, port, user or database (SPEC §9); the request log keeps the exception.
        _ when DatabaseErrors.Classify(exception) is { } db => db.Problem switch
        {
            DatabaseProblem.QueryTimeout or DatabaseProblem.Timeout =>
                Problem(StatusCodes.Status504GatewayTimeout, "Database timeout", DatabaseErrors.AnswerDetail(db.Problem)),
            DatabaseProblem.SchemaMissing =>
                Problem(StatusCodes.Status503ServiceUnavailable, "Schema missing", DatabaseErrors.AnswerDetail(db.Problem)),
            _ => Problem(StatusCodes.Status503ServiceUnavailable, "Database unavailable", DatabaseErrors.AnswerDetail(db.Problem)),
        },
        _ => Problem(StatusCodes.Status500InternalServerError, "Internal server error",
            "An unexpected error occurred. Quote the traceId when reporting it."),
    };

    private static ProblemDetails Problem(int status, string title, string detail) => Problems.Create(status, title, detail);
}
