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
