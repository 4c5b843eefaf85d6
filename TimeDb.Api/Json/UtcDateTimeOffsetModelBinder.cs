using Microsoft.AspNetCore.Mvc.ModelBinding;
using TimeDb.Domain.Time;

namespace TimeDb.Api.Json;

/// <summary>Query-string times follow the same rule as bodies: ISO 8601, no offset means UTC.</summary>
internal sealed class UtcDateTimeOffsetModelBinder : IModelBinder
{
    public Task BindModelAsync(ModelBindingContext bindingContext)
    {
        ArgumentNullException.ThrowIfNull(bindingContext);
        var value = bindingContext.ValueProvider.GetValue(bindingContext.ModelName);
        if (value == ValueProviderResult.None || string.IsNullOrEmpty(value.FirstValue))
        {
            return Task.CompletedTask;
        }

        bindingContext.ModelState.SetModelValue(bindingContext.ModelName, value);
        if (UtcTimestamp.TryParse(value.FirstValue, out var parsed))
        {
            bindingContext.Result = ModelBindingResult.Success(parsed);
        }
        else
        {
            bindingContext.ModelState.TryAddModelError(bindingContext.ModelName,
                UtcDateTimeOffsetConverter.NotATime(value.FirstValue));
        }

        return Task.CompletedTask;
    }
}

internal sealed class UtcDateTimeOffsetModelBinderProvider : IModelBinderProvider
{
    public IModelBinder? GetBinder(ModelBinderProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var type = Nullable.GetUnderlyingType(context.Metadata.ModelType) ?? context.Metadata.ModelType;
        return type == typeof(DateTimeOffset) ? new UtcDateTimeOffsetModelBinder() : null;
    }
}
