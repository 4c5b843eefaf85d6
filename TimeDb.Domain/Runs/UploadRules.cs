using System.Globalization;
using TimeDb.Domain.Text;
using TimeDb.Domain.Time;

namespace TimeDb.Domain.Runs;

/// <summary>The rules of an uploaded value row, with the messages a user sees. One place for each rule.</summary>
public static class UploadRules
{
    public const string DefaultWorkflowMessage = "workflow_id must not be blank (leave it out for 'api-workflow')";

    /// <summary>Null when the key is fine, else what is wrong with it (an absent key reads as empty).</summary>
    public static string? CheckValueKey(ReadOnlySpan<char> key) =>
        key.IsWhiteSpace() ? "value_key is required and must not be blank"
        : !TextCaps.Fits(key, TextCaps.SeriesKey) ? TextCaps.TooLong("value_key", TextCaps.SeriesKey)
        : key.Contains('\0') ? $"value_key {TextRules.NulMessage}"
        : null;

    /// <summary>Null when a given workflow_id is fine, else what is wrong with it.</summary>
    public static string? CheckWorkflowId(string workflowId) =>
        string.IsNullOrWhiteSpace(workflowId) ? DefaultWorkflowMessage
        : TextCaps.Check("workflow_id", workflowId, TextCaps.WorkflowId) is { } tooLong ? tooLong
        : TextRules.HasNul(workflowId) ? $"workflow_id {TextRules.NulMessage}"
        : null;

    public static string? CheckInterval(DateTimeOffset validTime, DateTimeOffset? validTimeEnd) =>
        validTimeEnd is { } end && end <= validTime ? "valid_time_end must be later than valid_time (leave it out for a point value)" : null;

    /// <summary>The row at <paramref name="row"/> repeats the record first given at <paramref name="first"/> (locations as the format names rows).</summary>
    public static string Duplicate(string row, string first, string key, DateTimeOffset validTime, DateTimeOffset? validTimeEnd) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{row} repeats value_key '{key}' at valid_time {UtcTimestamp.Format(validTime)}") +
        (validTimeEnd is { } end ? $" to {UtcTimestamp.Format(end)}" : "") +
        $": one upload may hold each (series, valid_time, valid_time_end) once (first at {first})";

    public const string NotFinite = "must be a finite number (NaN and infinities cannot be stored)";
}
