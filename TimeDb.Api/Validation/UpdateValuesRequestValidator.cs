using FluentValidation;
using TimeDb.Api.Contracts;
using TimeDb.Domain.Text;

namespace TimeDb.Api.Validation;

internal sealed class UpdateValuesRequestValidator : AbstractValidator<UpdateValuesRequest>
{
    public const int MaxBatch = 10_000;

    public UpdateValuesRequestValidator()
    {
        RuleFor(x => x.Updates).NotNull().WithMessage("updates is required (a list of corrections)")
            .Must(u => u is null || u.Count > 0).WithMessage("updates must not be empty")
            .Must(u => u is null || u.Count <= MaxBatch).WithMessage($"at most {MaxBatch} updates per request");
        // A null item would skip the item validator and fail later: refused here.
        RuleForEach(x => x.Updates).NotNull().WithMessage("an update must be an object, not null")
            .SetValidator(new ValueUpdateRequestValidator());
    }
}

internal sealed class ValueUpdateRequestValidator : AbstractValidator<ValueUpdateRequest>
{
    public ValueUpdateRequestValidator()
    {
        RuleFor(x => x).NotNull().WithMessage("an update must be an object");
        RuleFor(x => x.RunId).NotNull().WithMessage("run_id is required");
        RuleFor(x => x.SeriesId).NotNull().WithMessage("series_id is required");
        RuleFor(x => x.ValidTime).NotNull().WithMessage("valid_time is required");
        RuleFor(x => x.ValidTimeEnd)
            .Must((u, end) => end is null || u.ValidTime is null || end > u.ValidTime)
            .WithMessage("valid_time_end must be later than valid_time");
        RuleFor(x => x.Annotation.Value).WithinCap("annotation", TextCaps.Annotation).OverridePropertyName("annotation");
        RuleFor(x => x.Tags.Value)
            .Must(tags => tags is null || tags.Length <= TextCaps.TagsPerValue).WithMessage(TextCaps.TooManyTags)
            .Must(tags => tags is null || tags.All(t => TextCaps.Fits(t, TextCaps.Tag))).WithMessage(TextCaps.TagTooLong)
            .OverridePropertyName("tags");
        RuleFor(x => x).Must(u => u.Value.IsSet || u.Annotation.IsSet || u.Tags.IsSet)
            .WithName("updates").WithMessage("give at least one of value, annotation or tags (null clears a field)");
    }
}
