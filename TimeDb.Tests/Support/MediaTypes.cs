namespace TimeDb.Tests.Support;

/// <summary>The media types of TimeDB's formats (SPEC §11): as a request names them, and as an answer carries them.</summary>
internal static class MediaTypes
{
    public const string Json = "application/json";
    public const string Csv = "text/csv";
    public const string Arrow = "application/vnd.apache.arrow.stream";

    public const string JsonAnswer = "application/json; charset=utf-8";
    public const string CsvAnswer = "text/csv; charset=utf-8; header=present";
}
