namespace TimeDb.Tests.Support;

/// <summary>
/// Long tests (faults, soak) carry <c>[Category(TestSize.Long)]</c>. By default, as in CI, they run in a
/// short form; with <c>TIMEDB_LONG=1</c> they run in full: <c>TIMEDB_LONG=1 dotnet test TimeDb.sln --filter TestCategory=Long</c>.
/// </summary>
internal static class TestSize
{
    public const string Long = "Long";

    public static bool IsLong => Environment.GetEnvironmentVariable("TIMEDB_LONG") == "1";

    /// <summary>The short figure normally, the long one with TIMEDB_LONG=1.</summary>
    public static int Pick(int shortForm, int longForm) => IsLong ? longForm : shortForm;

    public static TimeSpan Pick(TimeSpan shortForm, TimeSpan longForm) => IsLong ? longForm : shortForm;
}
