using FluentValidation;
using TimeDb.Domain.Text;

namespace TimeDb.Api.Validation;

/// <summary>The text caps of <see cref="TextCaps"/> as FluentValidation rules, with the message naming the field and the cap.</summary>
internal static class TextCapRules
{
    public static IRuleBuilderOptions<T, string?> WithinCap<T>(this IRuleBuilder<T, string?> rule, string field, int cap) =>
        rule.Must(text => TextCaps.Fits(text, cap)).WithMessage(TextCaps.TooLong(field, cap));
}
