using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using TimeDb.Domain.Series;

namespace TimeDb.Api.Streaming;

/// <summary>
/// Writes <c>{series_id: {series_key, description, unit}}</c> while the series arrive from the database, so a
/// tenant with many series costs no memory. As in <see cref="ValuesJsonResult"/>, the query runs before the
/// status line is sent, so a database failure is still a clean problem answer.
/// </summary>
internal sealed class TimeseriesJsonResult(IAsyncEnumerable<SeriesInfo> series) : IActionResult
{
    /// <summary>Bytes held before they are sent (<see cref="BoundedJsonStream"/>): memory stays bounded whatever the width of a series.</summary>
    private const int FlushBytes = 16 * 1024;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var http = context.HttpContext;
        var cancellationToken = http.RequestAborted;
        await using var enumerator = series.GetAsyncEnumerator(cancellationToken);
        var hasRow = await enumerator.MoveNextAsync();

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json; charset=utf-8";
        await using var stream = new BoundedJsonStream(http.Response.BodyWriter, FlushBytes);
        var json = stream.Json;
        json.WriteStartObject();
        while (hasRow)
        {
            var s = enumerator.Current;
            json.WriteStartObject(s.SeriesId.ToString());
            json.WriteString("series_key", s.SeriesKey);
            json.WriteString("description", s.Description);
            json.WriteString("unit", s.Unit);
            json.WriteEndObject();
            await stream.FlushIfFullAsync(cancellationToken);

            hasRow = await enumerator.MoveNextAsync();
        }

        json.WriteEndObject();
        await stream.FlushAsync(cancellationToken);
    }
}
