using FluentValidation;
using TimeDb.Api.Contracts;

namespace TimeDb.Api.Validation;

internal sealed class CreateKeyRequestValidator : AbstractValidator<CreateKeyRequest>
{
    public CreateKeyRequestValidator() =>
        RuleFor(x => x.Name).Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("name is required and must not be blank")
            .MaximumLength(200).WithMessage("name must be at most 200 characters");
}
