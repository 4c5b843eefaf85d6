using System.Buffers.Text;
using System.Text;
using TimeDb.Domain.Errors;

namespace TimeDb.Domain.Paging;

/// <summary>One page of a keyset-paged list: at most <paramref name="Limit"/> rows after the position <paramref name="After"/> names.</summary>
public sealed record PageRequest(int Limit, string? After)
{
    /// <summary>Rows of a page unless the caller asks otherwise.</summary>
    public const int DefaultLimit = 1_000;

    /// <summary>The most rows one page carries.</summary>
    public const int MaxLimit = 10_000;

    /// <summary>How many rows to fetch: one beyond the page, which tells whether a next page exists.</summary>
    public int FetchCount => Limit + 1;

    /// <summary>
    /// The page of <paramref name="fetched"/> (at most <see cref="FetchCount"/> rows, in the list's order): its first
    /// <see cref="Limit"/> rows, and the cursor of the last of them when more were fetched.
    /// </summary>
    public Page<T> ToPage<T>(IReadOnlyList<T> fetched, Func<T, string> cursorOf)
    {
        ArgumentNullException.ThrowIfNull(fetched);
        ArgumentNullException.ThrowIfNull(cursorOf);
        var items = fetched.Take(Limit).ToList();
        return new Page<T>(items, fetched.Count > Limit ? cursorOf(items[^1]) : null);
    }
}

/// <summary>A page of rows; <paramref name="Next"/> is the cursor of the following page, null on the last one.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);

/// <summary>
/// The opaque cursor of a paged list: base64url of the last row's sort key (its parts joined by a separator;
/// only the last part may be free text). It is a position, not a permission: the list it is used with is filtered by tenant as always.
/// </summary>
public static class PageCursor
{
    private const char Separator = '\u001f';

    public static string Encode(params string[] parts) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join(Separator, parts)));

    /// <summary>The parts of <paramref name="cursor"/>; a cursor this server did not make is a 400 naming <c>after</c>.</summary>
    public static string[] Decode(string cursor, int parts)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        try
        {
            var decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            var split = decoded.Split(Separator, parts);
            if (split.Length == parts)
            {
                return split;
            }
        }
        catch (FormatException)
        {
        }

        throw Invalid();
    }

    /// <summary>The error for a cursor whose parts do not parse.</summary>
    public static DomainException Invalid() =>
        new("after is not a cursor of this list: pass the after value of a Link: rel=\"next\" header unchanged, or leave it out to start at the first page");
}
