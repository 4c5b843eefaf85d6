using TimeDb.Domain.Errors;
using TimeDb.Domain.Users;
using TimeDb.Infrastructure.Errors;

namespace TimeDb.Api.Authentication;

/// <summary>
/// Fail closed while the authentication mode is unknown (the TimeDB tables are missing): every request but
/// the overview, health, docs and viewer files gets the 503 "run `timedb create tables`", before any key is
/// looked up or any endpoint runs (SPEC §9, ADR-014-authentication-mode). POST /schema/create is
/// refused too: the first schema, and with it the mode, is made by the CLI only.
/// </summary>
internal static class AuthenticationModeGate
{
    // Paths that answer whatever the database's state; "/" itself is handled apart (it is not a prefix).
    private static readonly PathString[] ServedWhileUnknown = ["/health", "/docs", "/redoc", "/openapi.json", "/ui"];

    /// <summary>True for <c>GET /</c>, <c>/health/*</c>, the docs and the viewer (<c>/ui</c> and below).</summary>
    public static bool IsServedWhileUnknown(PathString path) =>
        !path.HasValue || path == "/" || ServedWhileUnknown.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));

    public static IApplicationBuilder UseAuthenticationModeGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!IsServedWhileUnknown(context.Request.Path)
            && await context.RequestServices.GetRequiredService<IAuthenticationMode>().GetAsync(context.RequestAborted) == AuthenticationMode.Unknown)
        {
            // The one exception handler turns it into the 503 problem with Retry-After.
            throw new DatabaseUnavailableException(DatabaseProblem.SchemaMissing, DatabaseErrors.SchemaMissingDetail);
        }

        await next(context);
    });
}
