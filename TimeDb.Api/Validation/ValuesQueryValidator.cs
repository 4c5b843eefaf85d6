using FluentValidation;
using TimeDb.Api.Contracts;
using TimeDb.Api.Formats;
using TimeDb.Api.Json;
using TimeDb.Domain.Text;

namespace TimeDb.Api.Validation;

internal sealed class ValuesQueryValidator : AbstractValidator<ValuesQueryParameters>
{
    private static readonly string[] Modes = ["flat", "overlapping"];

    public ValuesQueryValidator()
    {
        RuleFor(x => x.Mode).Must(m => m is null || Modes.Contains(m, StringComparer.OrdinalIgnoreCase))
            .WithMessage(x => $"mode '{x.Mode}' is not valid: use 'flat' or 'overlapping'");
        RuleFor(x => x.StartValid).Must((q, start) => start is null || q.EndValid is null || start <= q.EndValid)
            .WithMessage("start_valid is after end_valid");
        RuleFor(x => x.StartKnown).Must((q, start) => start is null || q.EndKnown is null || start <= q.EndKnown)
            .WithMessage("start_known is after end_known");
        RuleFor(x => x.AllVersions).Must((q, all) => all != true || string.Equals(q.Mode, "overlapping", StringComparison.OrdinalIgnoreCase))
            .WithMessage("all_versions applies to mode=overlapping only");
        RuleFor(x => x.Format).Must(f => f is null || ReadFormats.IsName(f))
            .WithMessage(x => $"format '{UtcDateTimeOffsetConverter.Shorten(x.Format)}' is not valid: use {string.Join(", ", ReadFormats.Names.Select(n => $"'{n}'"))}");
        RuleForEach(x => x.SeriesKey).Must(k => !string.IsNullOrWhiteSpace(k)).WithMessage("series_key must not be blank")
            .Must(k => !TextRules.HasNul(k)).WithMessage($"series_key {TextRules.NulMessage}");
    }
}
