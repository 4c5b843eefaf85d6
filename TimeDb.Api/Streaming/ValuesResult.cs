using Microsoft.AspNetCore.Mvc;
using TimeDb.Api.Formats;
using TimeDb.Domain.Values;

namespace TimeDb.Api.Streaming;

/// <summary>
/// A <c>GET /values</c> answer: one row source, one writer per format (<see cref="ValuesJsonResult"/>,
/// <see cref="ValuesCsvResult"/>, <see cref="ValuesArrowResult"/>). The query runs and its first row arrives before the
/// status line is sent, so a database failure is still a clean problem answer (503, 504, 422); only a failure in the
/// middle of a stream cuts the response short. Each writer holds a bounded number of bytes before it sends them.
/// </summary>
internal abstract class ValuesResult(IAsyncEnumerable<ValueRecord> rows, bool versionFields) : IActionResult
{
    /// <summary>The writer of <paramref name="format"/> over <paramref name="rows"/>.</summary>
    public static ValuesResult For(ReadFormat format, IAsyncEnumerable<ValueRecord> rows, bool versionFields) => format switch
    {
        ReadFormat.Csv => new ValuesCsvResult(rows, versionFields),
        ReadFormat.Arrow => new ValuesArrowResult(rows, versionFields),
        _ => new ValuesJsonResult(rows, versionFields),
    };

    /// <summary>With all_versions: the version's own fields too (<see cref="ValueFields.For"/>).</summary>
    protected bool VersionFields { get; } = versionFields;

    protected abstract string ContentType { get; }

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        var cancellationToken = context.HttpContext.RequestAborted;
        await using var enumerator = rows.GetAsyncEnumerator(cancellationToken);
        var hasRow = await enumerator.MoveNextAsync();

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        await WriteAsync(response, enumerator, hasRow, cancellationToken);
    }

    /// <summary>Writes the rows: <paramref name="rows"/>' current row first when <paramref name="hasRow"/>, then the rest.</summary>
    protected abstract Task WriteAsync(HttpResponse response, IAsyncEnumerator<ValueRecord> rows, bool hasRow, CancellationToken cancellationToken);
}
