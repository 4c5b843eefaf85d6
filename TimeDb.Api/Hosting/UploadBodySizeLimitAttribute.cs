using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Options;

namespace TimeDb.Api.Hosting;

/// <summary>Raises the body-size limit for the upload endpoints only, to <see cref="ApiLimits.MaxUploadBodyBytes"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class UploadBodySizeLimitAttribute : Attribute, IAuthorizationFilter
{
    public void OnAuthorization(AuthorizationFilterContext context)
    {
        var feature = context.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = context.HttpContext.RequestServices.GetRequiredService<IOptions<ApiLimits>>().Value.MaxUploadBodyBytes;
        }
    }
}
