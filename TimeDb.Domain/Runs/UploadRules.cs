using System.Globalization;
using TimeDb.Domain.Text;
using TimeDb.Domain.Time;

namespace TimeDb.Domain.Runs;

/// <summary>The rules of an uploaded value row, with the messages a user sees. One place for each rule.</summary>
public static class UploadRules
{
    public const string DefaultWorkflowMessage = "workflow_id must not be blank (leave it out for 'api-workflow')";

    /// <summary>Null when the key is fine, else what is wrong with it.</summary>
    public static string? CheckValueKey(string? key) =>
        string.IsNullOrWhiteSpace(key) ? "value_key is required and must not be blank"
        : TextCaps.Check("value_key", key, TextCaps.SeriesKey) is { } tooLong ? tooLong
        : TextRules.HasNul(key) ? $"value_key {TextRules.NulMessage}"
        : null;

    /// <summary>Null when a given workflow_id is fine, else what is wrong with it.</summary>
    public static string? CheckWorkflowId(string workflowId) =>
        string.IsNullOrWhiteSpace(workflowId) ? DefaultWorkflowMessage
        : TextCaps.Check("workflow_id", workflowId, TextCaps.WorkflowId) is { } tooLong ? tooLong
        : TextRules.HasNul(workflowId) ? $"workflow_id {TextRules.NulMessage}"
        : null;

    public static string? CheckInterval(DateTimeOffset validTime, DateTimeOffset? validTimeEnd) =>
        validTimeEnd is { } end && end <= validTime ? "valid_time_end must be later than valid_time (leave it out for a point value)" : null;

    public static string Duplicate(int index, string key, DateTimeOffset validTime, DateTimeOffset? validTimeEnd) =>
        string.Create(CultureInfo.InvariantCulture,
            $"value_rows[{index}] repeats value_key '{key}' at valid_time {UtcTimestamp.Format(validTime)}") +
        (validTimeEnd is { } end ? $" to {UtcTimestamp.Format(end)}" : "") +
        ": one upload may hold each (series, valid_time, valid_time_end) once";
}
