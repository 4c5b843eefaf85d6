using Npgsql;
using TimeDb.Infrastructure.Configuration;

namespace TimeDb.Tests.Configuration;

public sealed class PostgresUriTests
{
    private static NpgsqlConnectionStringBuilder Parse(string dsn) => new(PostgresUri.ToNpgsql(dsn));

    [Test]
    public void FullUri_MapsEveryPart()
    {
        var b = Parse("postgresql://alice:s3cret@db.example.com:6543/forecasts?sslmode=require&application_name=trader");
        Assert.Multiple(() =>
        {
            Assert.That(b.Host, Is.EqualTo("db.example.com"));
            Assert.That(b.Port, Is.EqualTo(6543));
            Assert.That(b.Username, Is.EqualTo("alice"));
            Assert.That(b.Password, Is.EqualTo("s3cret"));
            Assert.That(b.Database, Is.EqualTo("forecasts"));
            Assert.That(b.SslMode, Is.EqualTo(SslMode.Require));
            Assert.That(b.ApplicationName, Is.EqualTo("trader"));
        });
    }

    [Test]
    public void PostgresScheme_IsAcceptedLikePostgresql()
    {
        Assert.That(Parse("postgres://bob@localhost/db").Username, Is.EqualTo("bob"));
        Assert.That(Parse("POSTGRESQL://bob@localhost/db").Database, Is.EqualTo("db"));
    }

    [Test]
    public void PercentEncodedPassword_IsDecoded()
    {
        var b = Parse("postgresql://u:p%40ss%3Aw%2Ford%25@h/db");
        Assert.That(b.Password, Is.EqualTo("p@ss:w/ord%"));
    }

    [Test]
    public void PercentEncodedUserAndDatabase_AreDecoded()
    {
        var b = Parse("postgresql://us%20er@h/my%20db");
        Assert.Multiple(() =>
        {
            Assert.That(b.Username, Is.EqualTo("us er"));
            Assert.That(b.Database, Is.EqualTo("my db"));
        });
    }

    [Test]
    public void MissingPort_UsesDefault5432()
    {
        Assert.That(Parse("postgresql://u@h/db").Port, Is.EqualTo(5432));
    }

    [Test]
    public void NoHost_DefaultsToLocalhost()
    {
        Assert.That(Parse("postgresql:///db").Host, Is.EqualTo("localhost"));
    }

    [Test]
    public void Ipv6Host_WithPort()
    {
        var b = Parse("postgresql://u@[::1]:5433/db");
        Assert.Multiple(() =>
        {
            Assert.That(b.Host, Is.EqualTo("::1"));
            Assert.That(b.Port, Is.EqualTo(5433));
        });
    }

    [Test]
    public void SeveralHosts_KeepTheirPorts()
    {
        Assert.That(Parse("postgresql://u@h1:5432,h2:5433/db").Host, Is.EqualTo("h1:5432,h2:5433"));
    }

    [TestCase("disable", SslMode.Disable)]
    [TestCase("prefer", SslMode.Prefer)]
    [TestCase("verify-ca", SslMode.VerifyCA)]
    [TestCase("verify-full", SslMode.VerifyFull)]
    public void SslModes_MapToNpgsql(string mode, SslMode expected)
    {
        Assert.That(Parse($"postgresql://u@h/db?sslmode={mode}").SslMode, Is.EqualTo(expected));
    }

    [Test]
    public void QueryParameters_ConnectTimeoutAndNpgsqlKeywords()
    {
        var b = Parse("postgresql://u@h/db?connect_timeout=7&Maximum%20Pool%20Size=50");
        Assert.Multiple(() =>
        {
            Assert.That(b.Timeout, Is.EqualTo(7));
            Assert.That(b.MaxPoolSize, Is.EqualTo(50));
        });
    }

    [Test]
    public void QueryPort_OverridesAuthority()
    {
        Assert.That(Parse("postgresql://u@h/db?port=6000").Port, Is.EqualTo(6000));
    }

    [Test]
    public void KeywordForm_IsAcceptedAsIs()
    {
        var b = Parse("Host=127.0.0.1;Port=5433;Username=u;Password=p;Database=d");
        Assert.Multiple(() =>
        {
            Assert.That(b.Host, Is.EqualTo("127.0.0.1"));
            Assert.That(b.Port, Is.EqualTo(5433));
            Assert.That(b.Password, Is.EqualTo("p"));
        });
    }

    [TestCase("postgresql://u:topsecret@h:abc/db", "port")]
    [TestCase("postgresql://u:topsecret@h:70000/db", "port")]
    [TestCase("postgresql://u:topsecret@h/db?sslmode=sometimes", "sslmode")]
    [TestCase("postgresql://u:topsecret@h/db?frobnicate=1", "not supported")]
    [TestCase("postgresql://u:top%ZZsecret@h/db", "password")]
    [TestCase("postgresql://u:topsecret@[::1/db", "IPv6")]
    [TestCase("mysql://u:topsecret@h/db", "postgresql://")]
    [TestCase("Host=h;Password=topsecret;Frobnicate=1", "not valid")]
    [TestCase("Password=topsecret;Database=d", "Host")]
    [TestCase("   ", "empty")]
    public void BadConnectionStrings_GiveAClearErrorWithoutThePassword(string dsn, string expectedFragment)
    {
        var ex = Assert.Throws<ConnectionStringException>(() => PostgresUri.ToNpgsql(dsn));
        Assert.That(ex!.Message, Does.Contain(expectedFragment));
        Assert.That(ex.Message, Does.Not.Contain("topsecret"));
    }

    // A password with an unencoded '/', '?' or '#' spills into the host, port, query or database part.
    [TestCase("postgresql://u:1234/xyz@db/x", "1234", "xyz", "db/x")]
    [TestCase("postgresql://u:12ab/xyz@db/x", "12ab", "xyz", "db/x")]
    [TestCase("postgresql://u:top?secret@db/x", "top", "secret", "db/x")]
    [TestCase("postgresql://u:top#secret@db/x", "top", "secret", "db/x")]
    [TestCase("postgresql://u:topsecret@db/name@part", "topsecret", "name@part", "db")]
    [TestCase("postgresql://u:p4ss@db:5x32/x", "p4ss", "5x32", "db:")]
    [TestCase("Host=h;Password=top;secret=1", "top", "secret", "Host=h")]
    public void UnparseableConnectionString_IsReportedWithoutAnyOfItsText(string dsn, params string[] fragments)
    {
        var ex = Assert.Throws<ConnectionStringException>(() => PostgresUri.ToNpgsql(dsn));
        foreach (var fragment in fragments)
        {
            Assert.That(ex!.Message, Does.Not.Contain(fragment), $"'{fragment}' is text of the connection string");
        }
    }

    [TestCase("postgresql://u:1234/xyz@db/x")]
    [TestCase("postgresql://u:top?secret@db/x")]
    [TestCase("postgresql://u:top#secret@db/x")]
    [TestCase("postgresql://u:12ab/xyz@db/x")]
    public void PasswordWithReservedCharacters_TheMessageSaysToPercentEncodeIt(string dsn)
    {
        var ex = Assert.Throws<ConnectionStringException>(() => PostgresUri.ToNpgsql(dsn));
        Assert.That(ex!.Message, Does.Contain("percent-encoded").And.Contain("%2F"));
    }

    [Test]
    public void PercentEncodedReservedCharacters_AndAtInQueryValues_StillParse()
    {
        var b = Parse("postgresql://u:12%2F34%3Fx%23y%40z@db/x?application_name=a@b");
        Assert.Multiple(() =>
        {
            Assert.That(b.Password, Is.EqualTo("12/34?x#y@z"));
            Assert.That(b.Host, Is.EqualTo("db"));
            Assert.That(b.Database, Is.EqualTo("x"));
            Assert.That(b.ApplicationName, Is.EqualTo("a@b"));
        });
    }
}
