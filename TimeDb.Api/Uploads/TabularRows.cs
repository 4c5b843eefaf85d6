using System.Globalization;

namespace TimeDb.Api.Uploads;

/// <summary>How the uploads whose body is a table of rows (CSV, Arrow) name a row and a cell in their errors.</summary>
internal static class TabularRows
{
    /// <summary><c>row 4</c>, <c>row 4, column valid_time</c>: rows counted from 1 (after a CSV header; across Arrow batches).</summary>
    public static string Locate(long row, string? field) => field is null
        ? string.Create(CultureInfo.InvariantCulture, $"row {row + 1}")
        : string.Create(CultureInfo.InvariantCulture, $"row {row + 1}, column {field}");
}
