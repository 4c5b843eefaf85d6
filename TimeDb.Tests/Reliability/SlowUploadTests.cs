using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TimeDb.Tests.Support;

namespace TimeDb.Tests.Reliability;

/// <summary>
/// SPEC §9: an upload body slower than the minimum data rate is cut, so a trickling client cannot hold a
/// heavy-request slot for the upload timeout. Against a real <c>timedb api</c> (Kestrel measures the rate),
/// with one slot and a 2 s grace so that the test takes seconds.
/// </summary>
public sealed class SlowUploadTests : AuthenticatedApiTest
{
    [Test]
    public async Task TricklingUpload_IsCut_StoresNothing_AndAnotherUsersReadIsServed()
    {
        await using var api = await ApiProcess.StartAsync(Dsn, new Dictionary<string, string?>
        {
            ["TimeDb__Limits__MaxConcurrentHeavyRequests"] = "1",
            ["TimeDb__Limits__HeavyRequestQueue"] = "0",
            ["TimeDb__Limits__MinRequestBodyGraceSeconds"] = "2",
        });
        using var b = api.CreateClient(B.Key);

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(api.BaseAddress.Host, api.BaseAddress.Port);
        var head = $"POST /runs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: {A.Key}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(head + "{\"run_start_time\": \"2025-01-01T00:00:00Z\", \"value_rows\": ["));
        var clock = Stopwatch.StartNew();
        var answer = ReadUntilClosedAsync(socket, TimeSpan.FromSeconds(60));
        var trickle = TrickleAsync(socket, answer);

        // While A trickles, A holds the one slot: B is refused (the attack, in small).
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.That(answer.IsCompleted, Is.False, "still trickling");
        using (var busy = await b.GetAsync(new Uri("/values", UriKind.Relative)))
        {
            Assert.That(busy.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        }

        var (response, closed) = await answer;
        var cutAfter = clock.Elapsed;
        await trickle;
        await TestContext.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"trickling upload cut after {cutAfter.TotalSeconds:0.0} s; client got: {FirstLine(response)}; connection closed: {closed}"));
        Assert.That(closed, Is.True, "the server ended the connection");
        Assert.That(cutAfter, Is.LessThan(TimeSpan.FromSeconds(20)), "cut soon after the grace period, not at the upload timeout");
        Assert.That(FirstLine(response), Does.StartWith("HTTP/1.1 408"), "Kestrel answers 408 Request Timeout before it closes");

        // The slot is free again, and the cut upload left nothing behind.
        await b.GetAsync("/values").ExpectAsync(200);
        Assert.That(await Sql.ScalarAsync<long>(Dsn, "SELECT count(*) FROM runs"), Is.Zero);
        Assert.That(api.HasExited, Is.False);
    }

    /// <summary>Two bytes a second (a row's worth of whitespace), until the server answers or closes.</summary>
    private static async Task TrickleAsync(Socket socket, Task answer)
    {
        while (!answer.IsCompleted)
        {
            try
            {
                await socket.SendAsync(" "u8.ToArray());
            }
            catch (SocketException)
            {
                return;
            }

            await Task.WhenAny(answer, Task.Delay(500));
        }
    }

    private static async Task<(string Response, bool Closed)> ReadUntilClosedAsync(Socket socket, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
                if (read == 0)
                {
                    return (Encoding.Latin1.GetString(received.ToArray()), true);
                }

                received.Write(buffer, 0, read);
            }
        }
        catch (OperationCanceledException)
        {
            return (Encoding.Latin1.GetString(received.ToArray()), false);
        }
        catch (SocketException)
        {
            return (Encoding.Latin1.GetString(received.ToArray()), true);
        }
    }

    private static string FirstLine(string response) => response.Split("\r\n")[0];
}
