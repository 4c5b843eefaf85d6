using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace TimeDb.Api.Validation;

/// <summary>
/// Turns every model-binding and validation failure (malformed JSON, wrong types, FluentValidation
/// rules) into one 400 problem whose detail a user can act on.
/// </summary>
internal static partial class ValidationProblemFactory
{
    private const int MaxDetailErrors = 5;

    [GeneratedRegex(@"The JSON value could not be converted to (?<type>[^.]+(\.[^.\s]+)*)\.")]
    private static partial Regex ConversionError();

    [GeneratedRegex(@"\s*Path: .*$", RegexOptions.Singleline)]
    private static partial Regex PathSuffix();

    public static IActionResult Create(ActionContext context)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (key, entry) in context.ModelState)
        {
            if (entry.Errors.Count == 0)
            {
                continue;
            }

            // The JSON reader's failures are keyed by a JSON path ($, $.field); rule failures by the field.
            var fromJsonReader = key.StartsWith('$');
            var field = key.StartsWith("$.", StringComparison.Ordinal) ? key[2..] : key == "$" ? "body" : key;
            errors[field] = entry.Errors.Select(e => fromJsonReader ? DescribeJsonError(e) : e.ErrorMessage).Distinct().ToArray();
        }

        // "The request field is required." only repeats that the body could not be read.
        if (errors.Count > 1)
        {
            foreach (var key in errors.Where(e => e.Value.All(m => m.EndsWith("field is required.", StringComparison.Ordinal))).Select(e => e.Key).ToList())
            {
                errors.Remove(key);
            }
        }

        return FromErrors(errors);
    }

    /// <summary>The 400 problem for field errors (keys are JSON paths without the leading <c>$.</c>).</summary>
    public static IActionResult FromErrors(IReadOnlyDictionary<string, string[]> errors)
    {
        var messages = errors.SelectMany(e => e.Value.Select(m => m.Contains(e.Key, StringComparison.Ordinal) || e.Key is "" or "body" ? m : $"{e.Key}: {m}")).ToList();
        var detail = string.Join("; ", messages.Take(MaxDetailErrors)) + (messages.Count > MaxDetailErrors ? $" (and {messages.Count - MaxDetailErrors} more)" : "");
        var problem = new ValidationProblemDetails(errors.ToDictionary(e => e.Key, e => e.Value))
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "Invalid request",
            Detail = detail,
            Type = "https://httpstatuses.io/400",
        };
        return new BadRequestObjectResult(problem) { ContentTypes = { "application/problem+json" } };
    }

    /// <summary>
    /// Where a body read by the serializer itself failed (a JSON upload) and what to say: the field of the path
    /// (<c>value_rows[3].value</c>; inside a map or run_params, that property; <c>body</c> for the whole), and the message.
    /// </summary>
    public static (string Location, string Message) DescribeJsonException(System.Text.Json.JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var message = DescribeJsonError(exception.Message);
        if (message.StartsWith("malformed JSON", StringComparison.Ordinal) && exception.LineNumber is { } line && exception.BytePositionInLine is { } position)
        {
            message = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{message.TrimEnd('.')} (line {line + 1}, byte {position + 1})");
        }

        return (Location(exception.Path), message);
    }

    private static string Location(string? path)
    {
        if (path is null || !path.StartsWith("$.", StringComparison.Ordinal))
        {
            return "body";
        }

        var rest = path[2..];
        if (rest.StartsWith("value_rows[", StringComparison.Ordinal) && rest.IndexOf(']', StringComparison.Ordinal) is var close and > 0)
        {
            // value_rows[3] or value_rows[3].field: the row and its field, nothing deeper (a field's inner path says nothing more).
            if (close + 1 >= rest.Length || rest[close + 1] != '.')
            {
                return rest[..(close + 1)];
            }

            var fieldEnd = rest.IndexOfAny(['.', '['], close + 2);
            return fieldEnd < 0 ? rest : rest[..fieldEnd];
        }

        var end = rest.IndexOfAny(['.', '[']);
        return end < 0 ? rest : rest[..end];
    }

    private static string DescribeJsonError(ModelError error) =>
        DescribeJsonError(string.IsNullOrEmpty(error.ErrorMessage) ? error.Exception?.Message ?? "invalid" : error.ErrorMessage);

    private static string DescribeJsonError(string message)
    {
        var conversion = ConversionError().Match(message);
        if (conversion.Success)
        {
            return $"has the wrong type: expected {Expected(conversion.Groups["type"].Value)}";
        }

        message = PathSuffix().Replace(message, "");
        return LooksLikeJsonSyntax(message) ? $"malformed JSON: {message}" : message;
    }

    private static bool LooksLikeJsonSyntax(string message) =>
        message.Contains("JSON", StringComparison.Ordinal)
        || message.Contains("invalid start of", StringComparison.Ordinal)
        || message.Contains("is invalid after", StringComparison.Ordinal)
        || message.Contains("is an invalid end of", StringComparison.Ordinal)
        || message.Contains("expected end of", StringComparison.OrdinalIgnoreCase);

    private static string Expected(string type) => type switch
    {
        _ when type.Contains("Double", StringComparison.Ordinal) || type.Contains("Int", StringComparison.Ordinal) => "a number",
        _ when type.Contains("Guid", StringComparison.Ordinal) => "a UUID string",
        _ when type.Contains("DateTimeOffset", StringComparison.Ordinal) => "an ISO 8601 time string",
        _ when type.Contains("Boolean", StringComparison.Ordinal) => "true or false",
        _ when type.Contains("Dictionary", StringComparison.Ordinal) => "an object",
        _ when type.Contains("List", StringComparison.Ordinal) || type.Contains("[]", StringComparison.Ordinal)
            || type == typeof(Uploads.JsonValueRows).FullName => "an array",
        _ when type.StartsWith("TimeDb.", StringComparison.Ordinal) => "a JSON object",
        _ when type.Contains("String", StringComparison.Ordinal) => "a string",
        _ => "another type",
    };
}
