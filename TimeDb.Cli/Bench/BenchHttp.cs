using System.Net;
using System.Text.Json;

namespace TimeDb.Cli.Bench;

/// <summary>How the scenarios judge an answer: the expected status, or a format the server does not serve (yet).</summary>
internal static class BenchHttp
{
    /// <summary>Statuses by which a server says it does not take or give a format: reported, not a failure of the benchmark.</summary>
    public static bool RefusesFormat(HttpStatusCode status) =>
        status is HttpStatusCode.BadRequest or HttpStatusCode.NotAcceptable or HttpStatusCode.UnsupportedMediaType;

    /// <summary>The status and what the problem answer says (its detail, else its title), for the report.</summary>
    public static string Refusal(HttpStatusCode status, string body) => $"the server answered {(int)status}: {Short(ProblemText(body))}";

    public static void Expect(HttpResponseMessage response, HttpStatusCode expected, string body, string what)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.StatusCode != expected)
        {
            throw new CliException($"{what} answered {(int)response.StatusCode} instead of {(int)expected}: {Short(body)}");
        }
    }

    private static string ProblemText(string body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            foreach (var field in (string[])["detail", "title"])
            {
                if (problem.RootElement.ValueKind == JsonValueKind.Object && problem.RootElement.TryGetProperty(field, out var text)
                    && text.ValueKind == JsonValueKind.String)
                {
                    return text.GetString()!;
                }
            }
        }
        catch (JsonException)
        {
            // Not a problem document: the body as it is.
        }

        return body;
    }

    private static string Short(string body) => body.Length > 300 ? body[..300] + "..." : body;
}
