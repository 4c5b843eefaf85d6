using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using TimeDb.Domain.Security;

namespace TimeDb.Tests.Domain;

public sealed partial class ApiKeySecretTests
{
    [GeneratedRegex("^tdb_[0-9a-f]{32}$")]
    private static partial Regex KeyFormat();

    [Test]
    public void Generate_GivesTdbPrefixAnd32LowercaseHex()
    {
        var key = ApiKeySecret.Generate();
        Assert.That(KeyFormat().IsMatch(key.Value), Is.True, key.DisplayPrefix);
    }

    [Test]
    public void Generate_NeverRepeats()
    {
        var keys = Enumerable.Range(0, 1000).Select(_ => ApiKeySecret.Generate().Value).ToHashSet();
        Assert.That(keys, Has.Count.EqualTo(1000));
    }

    [Test]
    public void Hash_IsSha256OfTheKey()
    {
        var key = ApiKeySecret.Generate();
        Assert.That(key.Hash(), Is.EqualTo(SHA256.HashData(Encoding.UTF8.GetBytes(key.Value))));
    }

    [Test]
    public void ToString_DoesNotRevealTheKey()
    {
        var key = ApiKeySecret.Generate();
        Assert.Multiple(() =>
        {
            Assert.That(key.ToString(), Does.Not.Contain(key.Value));
            Assert.That(key.DisplayPrefix, Has.Length.EqualTo(12));
        });
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("tdb_")]
    [TestCase("tdb_0123456789abcdef0123456789ABCDEF")]
    [TestCase("xyz_0123456789abcdef0123456789abcdef")]
    [TestCase("tdb_0123456789abcdef0123456789abcdeg")]
    [TestCase("tdb_0123456789abcdef0123456789abcdef0")]
    public void TryParse_RejectsMalformedKeys(string? candidate)
    {
        Assert.That(ApiKeySecret.TryParse(candidate, out _), Is.False);
    }

    [Test]
    public void TryParse_AcceptsAGeneratedKey()
    {
        var key = ApiKeySecret.Generate();
        Assert.Multiple(() =>
        {
            Assert.That(ApiKeySecret.TryParse(key.Value, out var parsed), Is.True);
            Assert.That(ApiKeySecret.HashesEqual(parsed!.Hash(), key.Hash()), Is.True);
        });
    }
}
