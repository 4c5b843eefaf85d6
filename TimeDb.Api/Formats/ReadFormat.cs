using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Primitives;
using TimeDb.Api.Errors;
using Microsoft.Net.Http.Headers;

namespace TimeDb.Api.Formats;

/// <summary>The formats a read answers in (SPEC §11).</summary>
internal enum ReadFormat
{
    Json,
    Csv,
    Arrow,
}

/// <summary>
/// The one rule that picks a read's format (GET /values, later GET /skill; ADR-021-output-formats): <c>format=</c> wins;
/// otherwise the <c>Accept</c> header, parsed by ASP.NET Core's <see cref="MediaTypeHeaderValue"/>, decides: each
/// format takes the quality of the most specific media range that matches it (<c>text/csv</c> before <c>text/*</c>
/// before <c>*/*</c>, q=0 refuses), the highest quality wins, a tie goes to the range listed first and then to
/// JSON, CSV, Arrow in that order. No Accept header means JSON; nothing acceptable means 406.
/// </summary>
internal static class ReadFormats
{
    public const string ParameterName = "format";
    public const string JsonMediaType = "application/json";
    public const string CsvMediaType = "text/csv";
    public const string ArrowMediaType = "application/vnd.apache.arrow.stream";

    /// <summary>The Content-Type of each answer (CSV says its charset and that it has a header row, RFC 4180 §3).</summary>
    public const string JsonContentType = "application/json; charset=utf-8";
    public const string CsvContentType = "text/csv; charset=utf-8; header=present";
    public const string ArrowContentType = ArrowMediaType;

    /// <summary>In the order of preference when the client likes several equally.</summary>
    private static readonly (ReadFormat Format, string Name, MediaTypeHeaderValue MediaType)[] Offered =
    [
        (ReadFormat.Json, "json", new MediaTypeHeaderValue(JsonMediaType)),
        (ReadFormat.Csv, "csv", new MediaTypeHeaderValue(CsvMediaType)),
        (ReadFormat.Arrow, "arrow", new MediaTypeHeaderValue(ArrowMediaType)),
    ];

    public static IReadOnlyList<string> Names { get; } = [.. Offered.Select(o => o.Name)];

    /// <summary>What a 400 for a bad <c>format=</c> and a 406 say is on offer.</summary>
    public static string OfferedText { get; } =
        $"format={string.Join("|", Names)} or Accept: {string.Join(", ", Offered.Select(o => o.MediaType.MediaType.Value))}";

    public static bool IsName(string? name) => name is not null && Offered.Any(o => string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The format to answer in, or null when the client accepts none of them (406).</summary>
    /// <param name="formatParameter">The <c>format</c> query parameter, already checked by <see cref="IsName"/> (or absent).</param>
    /// <param name="accept">The raw Accept header values.</param>
    public static ReadFormat? Choose(string? formatParameter, StringValues accept)
    {
        if (!string.IsNullOrEmpty(formatParameter))
        {
            return Offered.First(o => string.Equals(o.Name, formatParameter, StringComparison.OrdinalIgnoreCase)).Format;
        }

        if (StringValues.IsNullOrEmpty(accept) || accept.All(string.IsNullOrWhiteSpace))
        {
            return ReadFormat.Json;
        }

        // An Accept header that is not a list of media ranges accepts nothing we can name: 406 says what to send.
        if (!MediaTypeHeaderValue.TryParseList(accept, out var ranges) || ranges.Count == 0)
        {
            return null;
        }

        ReadFormat? best = null;
        (double Quality, int Position) bestRank = (0, int.MaxValue);
        foreach (var (format, _, mediaType) in Offered)
        {
            if (Rank(mediaType, ranges) is { } rank && rank.Quality > 0
                && (rank.Quality > bestRank.Quality || (rank.Quality == bestRank.Quality && rank.Position < bestRank.Position)))
            {
                (best, bestRank) = (format, rank);
            }
        }

        return best;
    }

    /// <summary>
    /// The 406 answer: a problem naming what is on offer. It is JSON whatever the Accept header says (RFC 9110
    /// §15.5.7 allows it): a client that asked only for a format we lack still learns why.
    /// </summary>
    public static IActionResult NotAcceptable() =>
        new ObjectResult(Problems.Create(StatusCodes.Status406NotAcceptable, "Not acceptable",
            $"None of the formats in the Accept header is available. Ask for one with {OfferedText}."))
        {
            StatusCode = StatusCodes.Status406NotAcceptable,
            ContentTypes = { "application/problem+json" },
        };

    /// <summary>The quality the most specific matching range gives <paramref name="offered"/>, and that range's position.</summary>
    private static (double Quality, int Position)? Rank(MediaTypeHeaderValue offered, IList<MediaTypeHeaderValue> ranges)
    {
        (double Quality, int Position)? rank = null;
        var bestSpecificity = -1;
        for (var i = 0; i < ranges.Count; i++)
        {
            var range = ranges[i];
            var specificity = range.MatchesAllTypes ? 0 : range.MatchesAllSubTypes ? 1 : 2;
            // Parameters other than q (charset, header=present) do not narrow the match: every answer is UTF-8.
            var matches = range.MatchesAllTypes
                || (range.Type.Equals(offered.Type, StringComparison.OrdinalIgnoreCase)
                    && (range.MatchesAllSubTypes || range.SubType.Equals(offered.SubType, StringComparison.OrdinalIgnoreCase)));
            if (matches && specificity > bestSpecificity)
            {
                bestSpecificity = specificity;
                rank = (range.Quality ?? 1.0, i);
            }
        }

        return rank;
    }
}
