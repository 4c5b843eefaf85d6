using TimeDb.Domain.Runs;

namespace TimeDb.Api.Uploads;

/// <summary>
/// One format of <c>POST /runs</c> bodies (JSON, CSV, Arrow…): it reads the run's fields and hands every value row to
/// <see cref="UploadRows.Add(in NewValueRow)"/>. Everything else is the pipeline's, once for every format
/// (<see cref="UploadPipeline"/>): the choice by Content-Type (415), the idempotency hash, row validation,
/// duplicates, the row limit (413), the 400 answer and storing. A new format is one new implementation,
/// registered in <see cref="UploadSetup.AddUploadReaders"/> (ADR-020).
/// </summary>
public interface IUploadBodyReader
{
    /// <summary>The media type of bodies this reader takes (matched without parameters, case-insensitively), e.g. <c>text/csv</c>.</summary>
    string MediaType { get; }

    /// <summary>
    /// The query parameters this reader takes the run's fields from, in a fixed order; the idempotency hash covers them
    /// with the media type and the body. Empty when the body holds the run's fields (JSON).
    /// </summary>
    IReadOnlyList<string> QueryParameters { get; }

    /// <summary>How errors name a row (<paramref name="field"/> null) or one field of it in this format: <c>value_rows[3].valid_time</c>, <c>row 4, column valid_time</c>.</summary>
    string Locate(long row, string? field);

    /// <summary>
    /// Reads the whole body. Rows go to <paramref name="rows"/>; an error of the body, a row or a field goes to
    /// <c>rows.Problems</c> under its location (nothing is thrown for bad input but a <c>RequestTooLargeException</c>
    /// from the row limit). Returns the run's fields as read, missing ones null (the pipeline checks required ones), or
    /// null when the body could not be read to its end (its error says why; no "required" errors are added then).
    /// </summary>
    Task<RunFields?> ReadAsync(Stream body, IQueryCollection query, UploadRows rows, CancellationToken cancellationToken);
}
