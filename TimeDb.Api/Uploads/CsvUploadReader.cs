namespace TimeDb.Api.Uploads;

/// <summary><c>text/csv</c> uploads (in progress).</summary>
internal sealed class CsvUploadReader
{
    public const string MediaTypeName = "text/csv";
}
