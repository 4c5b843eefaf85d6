using System.Text.Json;

namespace TimeDb.Tests.Support;

/// <summary>Follows a paged list's <c>Link: rel="next"</c> headers to the last page.</summary>
internal static class PagedList
{
    /// <summary>The next page's relative URL from a response, or null when it is the last page.</summary>
    public static string? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        var link = values.Single();
        Assert.That(link, Does.EndWith("; rel=\"next\""));
        return link[(link.IndexOf('<', StringComparison.Ordinal) + 1)..link.IndexOf('>', StringComparison.Ordinal)];
    }

    /// <summary>Every page from <paramref name="firstUrl"/> on: the rows of each page, in order.</summary>
    public static async Task<List<List<JsonElement>>> AllPagesAsync(HttpClient client, string firstUrl)
    {
        var pages = new List<List<JsonElement>>();
        for (var url = firstUrl; url is not null;)
        {
            using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            Assert.That((int)response.StatusCode, Is.EqualTo(200), body);
            using var document = JsonDocument.Parse(body);
            pages.Add([.. document.RootElement.EnumerateArray().Select(e => e.Clone())]);
            url = NextLink(response);
            Assert.That(pages, Has.Count.LessThan(100), "the pages never end");
        }

        return pages;
    }
}
