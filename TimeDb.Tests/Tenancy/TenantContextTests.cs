using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TimeDb.Domain.Errors;
using TimeDb.Domain.Paging;
using TimeDb.Domain.Runs;
using TimeDb.Domain.Series;
using TimeDb.Domain.Tenancy;
using TimeDb.Domain.Users;
using TimeDb.Domain.Values;
using TimeDb.Infrastructure.Persistence;
using TimeDb.Infrastructure.RateLimiting;
using TimeDb.Infrastructure.Users;
using TimeDb.Tests.Support;
using static TimeDb.Tests.Support.Uploads;

namespace TimeDb.Tests.Tenancy;

/// <summary>
/// Every data path, called as a service from a DI scope the way a request calls it: without a tenant context it
/// refuses (and nothing is read or written); with tenant A's context it never returns or touches tenant B's rows,
/// although B holds data under the same series key, valid times and idempotency key.
/// </summary>
public sealed class TenantContextTests : AuthenticatedApiTest
{
    private const string ValidTime = "2025-01-02T00:00:00Z";
    private const string SharedKey = "shared";
    private const string IdempotencyKeyText = "same-key-in-both-tenants";

    private sealed record Seeded(Guid RunA, Guid SeriesA, Guid RunB, Guid SeriesB);

    /// <summary>A's 2 values and B's 3 under the same series key; B also has an upload under <see cref="IdempotencyKeyText"/>.</summary>
    private async Task<Seeded> SeedAsync()
    {
        using var a = ClientFor(A);
        using var b = ClientFor(B);
        var uploadA = await a.PostJsonAsync("/runs", Run("2025-01-01T00:00:00Z", Row(SharedKey, ValidTime, 1), Row(SharedKey, "2025-01-02T01:00:00Z", 2))).ExpectAsync(201);
        var bodyB = System.Text.Json.JsonSerializer.Serialize(Run("2025-01-01T00:00:00Z", Row(SharedKey, ValidTime, 10), Row(SharedKey, "2025-01-02T01:00:00Z", 20), Row(SharedKey, "2025-01-02T02:00:00Z", 30)));
        var uploadB = await b.PostWithKeyAsync("/runs", bodyB, IdempotencyKeyText).ExpectAsync(201);
        return new Seeded(uploadA.Id("run_id"), uploadA.GetProperty("series_ids").Id(SharedKey), uploadB.Id("run_id"), uploadB.GetProperty("series_ids").Id(SharedKey));
    }

    /// <summary>Everything of one tenant (every tenant when null), as text: equal before and after means untouched.</summary>
    private Task<Dictionary<string, string>> SnapshotAsync(Guid? tenant = null) => DataSnapshot.TakeAsync(Dsn, tenant);

    private AsyncServiceScope Scope(TenantScope? scope)
    {
        var services = Factory.Services.CreateAsyncScope();
        if (scope is not null)
        {
            services.ServiceProvider.GetRequiredService<ITenantContext>().SetScope(scope);
        }

        return services;
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> rows)
    {
        var list = new List<T>();
        await foreach (var row in rows)
        {
            list.Add(row);
        }

        return list;
    }

    private static ValueQuery Query(ReadMode mode, bool allVersions = false, long maxRows = 0) =>
        new(mode, null, null, null, null, [SharedKey], [], allVersions, maxRows);

    private static NewRun NewRunFor(Guid? requestedTenant, string key = SharedKey) => new(
        requestedTenant, "tenancy-test", DateTimeOffset.Parse("2025-01-01T00:00:00Z"), null, null, null,
        new Dictionary<string, string>(), new Dictionary<string, string>(),
        OneRow(key), null);

    private static UploadRows OneRow(string key)
    {
        var rows = new UploadRows(10, (row, field) => $"row {row} {field}");
        rows.Add(new NewValueRow(key, DateTimeOffset.Parse(ValidTime), null, 5, null));
        rows.Complete();
        return rows;
    }

    /// <summary>A CSV upload as the upload endpoint makes it: the pipeline reads the request, the ingestion stores it.</summary>
    private static async Task CsvUploadAsync(IServiceProvider services)
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = services };
        context.Request.ContentType = "text/csv";
        context.Request.QueryString = new Microsoft.AspNetCore.Http.QueryString("?run_start_time=2025-01-01T00:00:00Z");
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes($"valid_time,value_key,value\n{ValidTime},{SharedKey},5\n"));
        var upload = await services.GetRequiredService<TimeDb.Api.Uploads.UploadPipeline>().ReadAsync(context.Request, hash: false, default);
        await services.GetRequiredService<IRunIngestion>().IngestAsync(upload.ToNewRun(null), null, default);
    }

    /// <summary>An Arrow upload as the upload endpoint makes it: the pipeline reads the request, the ingestion stores it.</summary>
    private static async Task ArrowUploadAsync(IServiceProvider services)
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = services };
        context.Request.ContentType = "application/vnd.apache.arrow.stream";
        context.Request.QueryString = new Microsoft.AspNetCore.Http.QueryString("?run_start_time=2025-01-01T00:00:00Z");
        context.Request.Body = new MemoryStream(TimeDb.Tests.Formats.ArrowStreams.Write(
        [
            TimeDb.Tests.Formats.ArrowStreams.Texts("value_key", [SharedKey]),
            TimeDb.Tests.Formats.ArrowStreams.Doubles("value", [5]),
            TimeDb.Tests.Formats.ArrowStreams.Times("valid_time", [DateTimeOffset.Parse(ValidTime)]),
        ]));
        var upload = await services.GetRequiredService<TimeDb.Api.Uploads.UploadPipeline>().ReadAsync(context.Request, hash: false, default);
        await services.GetRequiredService<IRunIngestion>().IngestAsync(upload.ToNewRun(null), null, default);
    }

    private static IdempotencyKey IdempotencyFor(string body) => new(IdempotencyKeyText, SHA256.HashData(Encoding.UTF8.GetBytes(body)));

    /// <summary>The data paths, each as one call of its service.</summary>
    private static readonly Dictionary<string, Func<IServiceProvider, Seeded, Task>> Paths = new()
    {
        ["flat read"] = (sp, _) => ToListAsync(sp.GetRequiredService<IValueReader>().ReadAsync(Query(ReadMode.Flat), default)),
        ["overlapping read"] = (sp, _) => ToListAsync(sp.GetRequiredService<IValueReader>().ReadAsync(Query(ReadMode.Overlapping), default)),
        ["all_versions read"] = (sp, _) => ToListAsync(sp.GetRequiredService<IValueReader>().ReadAsync(Query(ReadMode.Overlapping, allVersions: true), default)),
        ["row-limit count"] = (sp, _) => ToListAsync(sp.GetRequiredService<IValueReader>().ReadAsync(Query(ReadMode.Flat, maxRows: 1), default)),
        ["ingestion"] = (sp, _) => sp.GetRequiredService<IRunIngestion>().IngestAsync(NewRunFor(null), null, default),
        ["idempotency claim"] = (sp, _) => sp.GetRequiredService<IRunIngestion>().IngestAsync(NewRunFor(null), IdempotencyFor("x"), default),
        ["CSV upload"] = (sp, _) => CsvUploadAsync(sp),
        ["Arrow upload"] = (sp, _) => ArrowUploadAsync(sp),
        ["PUT /values update"] = (sp, s) => sp.GetRequiredService<IValueUpdater>().UpdateAsync(
            [new ValueUpdate(null, s.RunA, s.SeriesA, DateTimeOffset.Parse(ValidTime), null, new Optional<double?>(99), default, default)], null, default),
        ["run list"] = (sp, _) => sp.GetRequiredService<IRunCatalog>().ListAsync(new RunQuery(null, null, null, new PageRequest(10, null)), default),
        ["run find"] = (sp, s) => sp.GetRequiredService<IRunCatalog>().FindAsync(s.RunA, default),
        ["series list"] = (sp, _) => sp.GetRequiredService<ISeriesCatalog>().ListAsync(new PageRequest(10, null), default),
        ["series create"] = (sp, _) => sp.GetRequiredService<ISeriesCatalog>().CreateAsync(null, "fresh", null, null, default),
        ["list_timeseries"] = (sp, _) => ToListAsync(sp.GetRequiredService<ISeriesCatalog>().StreamAsync(default)),
        ["user list"] = (sp, _) => sp.GetRequiredService<UserAdministration>().ListUsersAsync(null, includeInactive: true),
        ["key list"] = (sp, _) => sp.GetRequiredService<UserAdministration>().ListKeysAsync(Guid.NewGuid()),
        ["rate-limit window"] = (sp, _) => sp.GetRequiredService<RateWindowCounter>().ReserveAsync(sp.GetRequiredService<ITenantContext>(), Guid.NewGuid(), 1, 10, default),
        ["key create"] = (sp, _) => sp.GetRequiredService<UserAdministration>().CreateKeyAsync(Guid.NewGuid(), new KeyRequest("k", KeyGrant.Full), null),
    };

    private static IEnumerable<string> PathNames => Paths.Keys;

    [TestCaseSource(nameof(PathNames))]
    public async Task DataPath_WithoutTenantContext_RefusesAndTouchesNothing(string path)
    {
        var seeded = await SeedAsync();
        var before = await SnapshotAsync();
        await using var scope = Scope(null);

        var error = Assert.CatchAsync(() => Paths[path](scope.ServiceProvider, seeded));

        Assert.That(error, Is.InstanceOf<TenantContextMissingException>().Or.Property(nameof(Exception.InnerException)).InstanceOf<TenantContextMissingException>(),
            $"{path}: {error}");
        Assert.That(await SnapshotAsync(), Is.EqualTo(before), $"{path} wrote without a tenant context");
    }

    [TestCase(ReadMode.Flat, false)]
    [TestCase(ReadMode.Overlapping, false)]
    [TestCase(ReadMode.Overlapping, true)]
    public async Task ValueRead_InTenantA_ReturnsOnlyAsRows(ReadMode mode, bool allVersions)
    {
        var seeded = await SeedAsync();
        await using var scope = Scope(TenantScope.Of(A.TenantId));

        var rows = await ToListAsync(scope.ServiceProvider.GetRequiredService<IValueReader>().ReadAsync(Query(mode, allVersions), default));

        Assert.That(rows.Select(r => r.SeriesId).Distinct(), Is.EqualTo(new[] { seeded.SeriesA }));
        Assert.That(rows.Select(r => r.Value), Is.EquivalentTo(new double?[] { 1, 2 }));
    }

    [Test]
    public async Task RowLimitCount_InTenantA_CountsOnlyAsRows()
    {
        await SeedAsync(); // A: 2 rows, B: 3 rows
        await using (var scope = Scope(TenantScope.Of(A.TenantId)))
        {
            var rows = await ToListAsync(scope.ServiceProvider.GetRequiredService<IValueReader>().ReadAsync(Query(ReadMode.Flat, maxRows: 2), default));
            Assert.That(rows, Has.Count.EqualTo(2), "B's rows are not counted against A's limit");
        }

        // The same limit over every tenant (5 rows) is refused: the count is real.
        await using var all = Scope(TenantScope.All);
        Assert.ThrowsAsync<ResultTooLargeException>(() => ToListAsync(all.ServiceProvider.GetRequiredService<IValueReader>().ReadAsync(Query(ReadMode.Flat, maxRows: 2), default)));
    }

    [Test]
    public async Task Ingestion_InTenantA_UsesAsOwnSeries_AndLeavesBUntouched()
    {
        var seeded = await SeedAsync();
        var b = await SnapshotAsync(B.TenantId);
        await using var scope = Scope(TenantScope.Of(A.TenantId));
        var ingestion = scope.ServiceProvider.GetRequiredService<IRunIngestion>();

        var result = await ingestion.IngestAsync(NewRunFor(null), null, default);
        Assert.That(result.SeriesIds[SharedKey], Is.EqualTo(seeded.SeriesA), "the series key resolves to A's series, not B's");
        Assert.That(await Sql.ScalarAsync<Guid>(Dsn, $"SELECT tenant_id FROM runs WHERE run_id = '{result.RunId}'"), Is.EqualTo(A.TenantId));

        Assert.ThrowsAsync<ForbiddenException>(() => ingestion.IngestAsync(NewRunFor(B.TenantId, "new-key"), null, default));
        Assert.That(await SnapshotAsync(B.TenantId), Is.EqualTo(b));
        Assert.That(await Sql.ScalarAsync<long>(Dsn, "SELECT count(*) FROM series WHERE series_key = 'new-key'"), Is.Zero);
    }

    [Test]
    public async Task IdempotencyClaim_InTenantA_IsNotAnsweredByBsRecord_AndReplaysAsOwn()
    {
        var seeded = await SeedAsync();
        var b = await SnapshotAsync(B.TenantId);
        await using var scope = Scope(TenantScope.Of(A.TenantId));
        var ingestion = scope.ServiceProvider.GetRequiredService<IRunIngestion>();
        var key = IdempotencyFor("a's body");

        var first = await ingestion.IngestAsync(NewRunFor(null), key, default);
        var replay = await ingestion.IngestAsync(NewRunFor(null), key, default);

        Assert.Multiple(() =>
        {
            Assert.That(first.Replayed, Is.False, "B's record under the same key is not A's");
            Assert.That(first.RunId, Is.Not.EqualTo(seeded.RunB));
            Assert.That(replay.Replayed, Is.True);
            Assert.That(replay.RunId, Is.EqualTo(first.RunId));
        });
        Assert.That(await SnapshotAsync(B.TenantId), Is.EqualTo(b));
    }

    [Test]
    public async Task ValueUpdate_InTenantA_CannotFindOrChangeBsRecord()
    {
        var seeded = await SeedAsync();
        var b = await SnapshotAsync(B.TenantId);
        await using var scope = Scope(TenantScope.Of(A.TenantId));
        var updater = scope.ServiceProvider.GetRequiredService<IValueUpdater>();
        ValueUpdate Update(Guid? tenant, Guid run, Guid series) =>
            new(tenant, run, series, DateTimeOffset.Parse(ValidTime), null, new Optional<double?>(99), default, default);

        Assert.ThrowsAsync<NotFoundException>(() => updater.UpdateAsync([Update(null, seeded.RunB, seeded.SeriesB)], null, default));
        Assert.ThrowsAsync<ForbiddenException>(() => updater.UpdateAsync([Update(B.TenantId, seeded.RunB, seeded.SeriesB)], null, default));
        var own = await updater.UpdateAsync([Update(null, seeded.RunA, seeded.SeriesA)], null, default);

        Assert.That(own.Updated.Single().Key.TenantId, Is.EqualTo(A.TenantId));
        Assert.That(await SnapshotAsync(B.TenantId), Is.EqualTo(b));
    }

    [Test]
    public async Task RunCatalog_InTenantA_ListsAndFindsOnlyAsRuns()
    {
        var seeded = await SeedAsync();
        await using var scope = Scope(TenantScope.Of(A.TenantId));
        var runs = scope.ServiceProvider.GetRequiredService<IRunCatalog>();

        var page = await runs.ListAsync(new RunQuery(null, null, null, new PageRequest(10, null)), default);

        Assert.That(page.Items.Select(r => r.RunId), Is.EqualTo(new[] { seeded.RunA }));
        Assert.That(await runs.FindAsync(seeded.RunB, default), Is.Null);
        Assert.That(await runs.FindAsync(seeded.RunA, default), Is.Not.Null);
    }

    [Test]
    public async Task SeriesCatalog_InTenantA_ListsStreamsAndCreatesOnlyInA()
    {
        var seeded = await SeedAsync();
        var b = await SnapshotAsync(B.TenantId);
        await using var scope = Scope(TenantScope.Of(A.TenantId));
        var catalog = scope.ServiceProvider.GetRequiredService<ISeriesCatalog>();

        var page = await catalog.ListAsync(new PageRequest(10, null), default);
        var streamed = await ToListAsync(catalog.StreamAsync(default));
        var created = await catalog.CreateAsync(null, "fresh", null, null, default);

        Assert.Multiple(() =>
        {
            Assert.That(page.Items.Select(s => s.SeriesId), Is.EqualTo(new[] { seeded.SeriesA }));
            Assert.That(streamed.Select(s => s.SeriesId), Is.EqualTo(new[] { seeded.SeriesA }));
            Assert.That(created.TenantId, Is.EqualTo(A.TenantId));
        });
        Assert.ThrowsAsync<ForbiddenException>(() => catalog.CreateAsync(B.TenantId, "in-b", null, null, default));
        Assert.That(await SnapshotAsync(B.TenantId), Is.EqualTo(b));
    }

    [Test]
    public async Task UserAdministration_InTenantA_SeesAndChangesOnlyAsUsersAndKeys()
    {
        var b = await SnapshotAsync(B.TenantId);
        await using var scope = Scope(TenantScope.Of(A.TenantId));
        var users = scope.ServiceProvider.GetRequiredService<UserAdministration>();

        var listed = await users.ListUsersAsync(null, includeInactive: true);
        Assert.That(listed.Select(u => u.TenantId).Distinct(), Is.EqualTo(new[] { A.TenantId }));
        Assert.That(await users.ListKeysAsync(B.UserId), Is.Empty);
        Assert.ThrowsAsync<NotFoundException>(() => users.CreateKeyAsync(B.UserId, new KeyRequest("stolen", KeyGrant.Full), null));
        Assert.ThrowsAsync<NotFoundException>(() => users.RevokeKeyAsync(B.KeyId, null));
        Assert.ThrowsAsync<NotFoundException>(() => users.FindUserAsync(B.Email, null));
        Assert.That(await SnapshotAsync(B.TenantId), Is.EqualTo(b));
    }

    [Test]
    public async Task EfFilter_WritesTheTenantPredicateForOneTenant_AndNoneOnlyForAllTenants()
    {
        await using (var one = Scope(TenantScope.Of(A.TenantId)))
        {
            var sql = one.ServiceProvider.GetRequiredService<TimeDbContext>().Series.ToQueryString();
            Assert.That(sql, Does.Contain("WHERE s.tenant_id = "), "one tenant: an equality on the leading index column");
            Assert.That(sql, Does.Not.Contain(" OR "), "no `@p OR tenant_id = @t` that would hide the index");
        }

        await using var all = Scope(TenantScope.All);
        Assert.That(all.ServiceProvider.GetRequiredService<TimeDbContext>().Series.ToQueryString(), Does.Not.Contain("WHERE"));

        // A context used before any scope was stated gets the filtered model, and its filter refuses.
        await using var unset = Scope(null);
        var error = Assert.Catch(() => unset.ServiceProvider.GetRequiredService<TimeDbContext>().Series.ToList());
        Assert.That(error, Is.InstanceOf<TenantContextMissingException>().Or.Property(nameof(Exception.InnerException)).InstanceOf<TenantContextMissingException>());
    }

    [Test]
    public void TenantContext_IsSetOncePerScope()
    {
        using var scope = Factory.Services.CreateScope();
        var context = scope.ServiceProvider.GetRequiredService<ITenantContext>();
        Assert.That(context.IsSet, Is.False);
        Assert.Throws<TenantContextMissingException>(() => _ = context.Scope);
        context.SetScope(TenantScope.Of(A.TenantId));
        Assert.Throws<InvalidOperationException>(() => context.SetScope(TenantScope.All));
        Assert.That(context.Scope, Is.EqualTo(TenantScope.Of(A.TenantId)));
    }

    [Test]
    public async Task RateWindow_CountsUnderTheContextsTenant_AndRefusesAllTenants()
    {
        var user = Guid.NewGuid();
        await using (var scope = Scope(TenantScope.Of(A.TenantId)))
        {
            var sp = scope.ServiceProvider;
            var counter = sp.GetRequiredService<RateWindowCounter>();
            await counter.ReserveAsync(sp.GetRequiredService<ITenantContext>(), user, 1, 10, default);
            var second = await counter.ReserveAsync(sp.GetRequiredService<ITenantContext>(), user, 1, 10, default);
            Assert.That(second.Requests, Is.EqualTo(2));
        }

        Assert.That(await Sql.ScalarAsync<string>(Dsn, $"SELECT string_agg(DISTINCT tenant_id::text, ',') FROM rate_limit_windows WHERE user_id = '{user}'"),
            Is.EqualTo(A.TenantId.ToString()));

        await using var all = Scope(TenantScope.All);
        Assert.CatchAsync<InvalidOperationException>(() =>
            all.ServiceProvider.GetRequiredService<RateWindowCounter>().ReserveAsync(all.ServiceProvider.GetRequiredService<ITenantContext>(), user, 1, 10, default));
    }
}
