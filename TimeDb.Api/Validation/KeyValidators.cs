using FluentValidation;
using TimeDb.Api.Contracts;
using TimeDb.Domain.Text;

namespace TimeDb.Api.Validation;

internal sealed class CreateKeyRequestValidator : AbstractValidator<CreateKeyRequest>
{
    /// <summary>About 100 years: far enough for "never" to be spelt as no expiry, near enough to stay a date.</summary>
    public const int MaxExpiresInDays = 36_500;

    public CreateKeyRequestValidator()
    {
        RuleFor(x => x.Name).Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("name is required and must not be blank")
            .WithinCap("name", TextCaps.KeyName);
        RuleFor(x => x.ExpiresInDays).Null().When(x => x.ExpiresAt is not null)
            .WithMessage("give expires_at or expires_in_days, not both");
        RuleFor(x => x.ExpiresInDays).InclusiveBetween(1, MaxExpiresInDays)
            .WithMessage($"expires_in_days must be between 1 and {MaxExpiresInDays}");
        // Which scopes exist, and that an expiry lies ahead, are domain rules (KeyScopes, KeyGrant), shared with the CLI.
    }
}
