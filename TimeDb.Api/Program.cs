using TimeDb.Api.Hosting;

// Program stays a list: the host builder in TimeDbApi composes every layer.
return await TimeDbApi.RunAsync(args);

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
