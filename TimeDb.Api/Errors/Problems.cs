using System.Globalization;
using Microsoft.AspNetCore.Mvc;

namespace TimeDb.Api.Errors;

/// <summary>The one shape of TimeDB's problem answers, and the one way to write one outside MVC (middleware, limiters).</summary>
internal static class Problems
{
    public static ProblemDetails Create(int status, string title, string detail) => new()
    {
        Status = status,
        Title = title,
        Detail = detail,
        Type = $"https://httpstatuses.io/{status}",
    };

    /// <summary>Seconds a 503 asks the client to wait when its writer named no other value.</summary>
    public const int DefaultRetryAfterSeconds = 5;

    /// <summary>Every 503 carries Retry-After (SPEC §9): run for each problem the problem-details service writes.</summary>
    public static void AddRetryAfter(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.HttpContext.Response;
        // MVC's factory runs this before the status is set: the problem's own status decides.
        var status = context.ProblemDetails.Status ?? response.StatusCode;
        if (status == StatusCodes.Status503ServiceUnavailable && !response.HasStarted && response.Headers.RetryAfter.Count == 0)
        {
            response.Headers.RetryAfter = DefaultRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Sets the status (and Retry-After when given) and writes the problem body.</summary>
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail, int? retryAfterSeconds = null)
    {
        context.Response.StatusCode = status;
        if (retryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = Create(status, title, detail),
        });
    }
}
