namespace TimeDb.Api.Uploads;

/// <summary>
/// The run's fields of a CSV (or Arrow) upload, which come as query parameters because the body holds only rows:
/// the one list of their names, read by <c>QueryRunFields</c> and documented by the OpenAPI filter.
/// </summary>
internal static class UploadQueryFields
{
    public static readonly IReadOnlyList<(string Name, string Description)> All =
    [
        ("run_start_time", "When the run started (required). ISO 8601; no offset means UTC."),
        ("run_finish_time", "When the run finished. ISO 8601."),
        ("known_time", "When the values became known; default: the time of the upload. ISO 8601."),
        ("workflow_id", "Default api-workflow."),
        ("tenant_id", "Only in single-user mode; with a key it must be the key's tenant or absent."),
        ("run_params", "A JSON object as text, e.g. {\"model\":\"ecmwf\"}: the same rules as run_params in a JSON body."),
    ];

    public static readonly IReadOnlyList<string> Names = [.. All.Select(f => f.Name)];
}
