using Serilog.AspNetCore;
using Serilog.Events;

namespace TimeDb.Api.Hosting;

/// <summary>
/// The request log: one event per request with its correlation id, which every problem answer carries as
/// <c>traceId</c>. A 5xx is logged once, by this event: Error with the exception for a 500, Warning for
/// 503/504 (the database away, the server busy, a timeout). Nothing else logs handled exceptions.
/// </summary>
internal static class RequestLogging
{
    public const string CorrelationId = "CorrelationId";

    public static void Configure(RequestLoggingOptions options)
    {
        options.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms (correlation id {CorrelationId})";
        options.EnrichDiagnosticContext = (diagnostics, http) => diagnostics.Set(CorrelationId, http.TraceIdentifier);
        options.GetLevel = (http, _, exception) => exception is not null || http.Response.StatusCode == StatusCodes.Status500InternalServerError
            ? LogEventLevel.Error
            : http.Response.StatusCode >= 500 ? LogEventLevel.Warning : LogEventLevel.Information;
    }

    /// <summary>The id a client quotes: in every problem answer (traceId) and in the request's log event.</summary>
    public static void AddCorrelationId(ProblemDetailsContext context) =>
        context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
}
