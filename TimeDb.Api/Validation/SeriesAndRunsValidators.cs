using FluentValidation;
using TimeDb.Api.Contracts;
using TimeDb.Domain.Paging;
using TimeDb.Domain.Text;

namespace TimeDb.Api.Validation;

internal sealed class CreateSeriesRequestValidator : AbstractValidator<CreateSeriesRequest>
{
    public CreateSeriesRequestValidator()
    {
        RuleFor(x => x.Name).Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("name is required and must not be blank")
            .WithinCap("name", TextCaps.SeriesKey);
        RuleFor(x => x.Description).WithinCap("description", TextCaps.Description);
        RuleFor(x => x.Unit).Must(u => u is null || !string.IsNullOrWhiteSpace(u)).WithMessage("unit must not be blank (leave it out for 'dimensionless')")
            .WithinCap("unit", TextCaps.Unit);
    }
}

/// <summary>The limit rule of every paged list (a garbled cursor is refused where it is decoded), included by each list's validator.</summary>
internal sealed class PageParametersRules : AbstractValidator<PageParameters>
{
    public PageParametersRules() =>
        RuleFor(x => x.Limit).InclusiveBetween(1, PageRequest.MaxLimit).WithMessage(
            $"limit must be from 1 to {PageRequest.MaxLimit} (the most one page carries); follow the Link: rel=\"next\" header for more");
}

internal sealed class SeriesListValidator : AbstractValidator<SeriesListParameters>
{
    public SeriesListValidator() => Include(new PageParametersRules());
}

internal sealed class RunsQueryValidator : AbstractValidator<RunsQueryParameters>
{
    public RunsQueryValidator()
    {
        Include(new PageParametersRules());
        RuleFor(x => x.StartTime).Must((q, start) => start is null || q.EndTime is null || start <= q.EndTime)
            .WithMessage("start_time is after end_time");
        RuleFor(x => x.WorkflowId).Must(w => !TextRules.HasNul(w)).WithMessage($"workflow_id {TextRules.NulMessage}");
    }
}
