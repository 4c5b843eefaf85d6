namespace TimeDb.Tests.Support;

internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Script(string relative) => Path.Combine(Root, relative);

    /// <summary>A built assembly of the solution, copied beside the tests by the project references.</summary>
    public static string Assembly(string fileName) => Path.Combine(AppContext.BaseDirectory, fileName);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TimeDb.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("TimeDb.sln not found above the test assembly");
    }
}
