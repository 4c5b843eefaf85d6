using System.Text.Json;
using FluentValidation;
using TimeDb.Api.Contracts;

namespace TimeDb.Api.Validation;

internal sealed class UploadRequestValidator : AbstractValidator<UploadRequest>
{
    public UploadRequestValidator()
    {
        RuleFor(x => x.RunStartTime).NotNull().WithMessage("run_start_time is required");
        RuleFor(x => x.WorkflowId).Must(w => w is null || !string.IsNullOrWhiteSpace(w))
            .WithMessage("workflow_id must not be blank (leave it out for 'api-workflow')");
        RuleFor(x => x.RunParams)
            .Must(p => p is null || p.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Null)
            .WithMessage(x => $"run_params must be a JSON object or null, not {Kind(x.RunParams!.Value.ValueKind)}");
        RuleForEach(x => x.SeriesUnits).Must(u => !string.IsNullOrWhiteSpace(u.Value))
            .WithMessage("series_units must not contain blank units");
        RuleFor(x => x.ValueRows).NotNull().WithMessage("value_rows is required (a list of {valid_time, value_key, value})");
        RuleForEach(x => x.ValueRows).SetValidator(new ValueRowRequestValidator());
        RuleFor(x => x.ValueRows).Custom((rows, context) =>
        {
            if (rows is null)
            {
                return;
            }

            var seen = new HashSet<(string, DateTimeOffset, DateTimeOffset?)>();
            for (var i = 0; i < rows.Count; i++)
            {
                var r = rows[i];
                if (r?.ValueKey is null || r.ValidTime is null)
                {
                    continue;
                }

                if (!seen.Add((r.ValueKey, r.ValidTime.Value.ToUniversalTime(), r.ValidTimeEnd?.ToUniversalTime())))
                {
                    context.AddFailure($"value_rows[{i}]",
                        $"value_rows[{i}] repeats value_key '{r.ValueKey}' at valid_time {r.ValidTime.Value.UtcDateTime:O}" +
                        (r.ValidTimeEnd is { } end ? $" to {end.UtcDateTime:O}" : "") + ": one upload may hold each (series, valid_time, valid_time_end) once");
                    return;
                }
            }
        });
    }

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => kind.ToString(),
    };
}

internal sealed class ValueRowRequestValidator : AbstractValidator<ValueRowRequest>
{
    public const int MaxKeyLength = 512;

    public ValueRowRequestValidator()
    {
        RuleFor(x => x).NotNull().WithMessage("a value row must be an object");
        RuleFor(x => x.ValidTime).NotNull().WithMessage("valid_time is required");
        RuleFor(x => x.ValueKey).Must(k => !string.IsNullOrWhiteSpace(k)).WithMessage("value_key is required and must not be blank");
        RuleFor(x => x.ValueKey).MaximumLength(MaxKeyLength).WithMessage($"value_key must be at most {MaxKeyLength} characters");
        RuleFor(x => x.ValidTimeEnd)
            .Must((row, end) => end is null || row.ValidTime is null || end > row.ValidTime)
            .WithMessage("valid_time_end must be later than valid_time (leave it out for a point value)");
    }
}
