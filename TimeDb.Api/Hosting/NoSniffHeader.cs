namespace TimeDb.Api.Hosting;

/// <summary>
/// Every answer carries <c>X-Content-Type-Options: nosniff</c>: a browser then never reads a JSON answer as
/// HTML or script, which is what lets JSON text go out unescaped (ADR-013-text-caps-and-json-escaping).
/// </summary>
internal static class NoSniffHeader
{
    public static IApplicationBuilder UseNoSniff(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // Set when the answer starts: the exception handler clears headers set earlier.
        context.Response.OnStarting(static state =>
        {
            ((HttpResponse)state).Headers.XContentTypeOptions = "nosniff";
            return Task.CompletedTask;
        }, context.Response);
        return next(context);
    });
}
