namespace TimeDb.Domain.Runs;

/// <summary>
/// The errors of one upload, each under the location a reader names it by (<c>value_rows[12].valid_time_end</c>,
/// <c>row 12, column valid_time_end</c>, <c>run_start_time</c>). At most <see cref="MaxLocations"/> locations are
/// kept, so a million bad rows answer a short 400; <see cref="Count"/> still counts every error.
/// </summary>
public sealed class UploadProblems
{
    public const int MaxLocations = 20;

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    /// <summary>Every error reported, kept or not.</summary>
    public long Count { get; private set; }

    public bool Any => Count > 0;

    /// <summary>True when an error was reported at <paramref name="location"/>.</summary>
    public bool Has(string location) => _errors.ContainsKey(location);

    public void Add(string location, string message)
    {
        Count++;
        if (!_errors.TryGetValue(location, out var list))
        {
            if (_errors.Count >= MaxLocations)
            {
                return;
            }

            _errors[location] = list = [];
        }

        if (!list.Contains(message, StringComparer.Ordinal))
        {
            list.Add(message);
        }
    }

    /// <summary>The errors by location, in the order they were first reported.</summary>
    public IReadOnlyDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
