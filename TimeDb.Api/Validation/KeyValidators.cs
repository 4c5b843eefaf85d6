using FluentValidation;
using TimeDb.Api.Contracts;
using TimeDb.Domain.Text;

namespace TimeDb.Api.Validation;

internal sealed class CreateKeyRequestValidator : AbstractValidator<CreateKeyRequest>
{
    public CreateKeyRequestValidator() =>
        RuleFor(x => x.Name).Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("name is required and must not be blank")
            .WithinCap("name", TextCaps.KeyName);
}
